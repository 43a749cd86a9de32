"""Charts: PNG bytes, the bundled CJK font, and every label character present in that font."""

from __future__ import annotations

from matplotlib.ft2font import FT2Font

import scoring
from scoring.chart import cjk_font_path
from scoring.fields import FIELDS
from tests.fakes.scoring import SAMPLE_GROWTH_FIRM

PNG = b"\x89PNG\r\n\x1a\n"


def test_charts_for_every_rule_kind_are_png() -> None:
    for rule_set in ("cn-ref-2024", "tech-sme-2022", "high-tech-2016"):
        data = scoring.render_chart(scoring.score(SAMPLE_GROWTH_FIRM, rule_set))
        assert data.startswith(PNG) and len(data) > 10_000


def test_vetoed_result_renders() -> None:
    data = scoring.render_chart(scoring.score({**SAMPLE_GROWTH_FIRM, "dishonest_list": True}))
    assert data.startswith(PNG)


def test_font_comes_from_the_installed_package_and_covers_the_labels() -> None:
    path = cjk_font_path()
    assert "mplfonts" in str(path) and path.is_file()
    font = FT2Font(str(path))
    text = "".join(f.short_label + f.label for f in FIELDS.values()) + "技术创新成长经营辅助满分得分分值否决通过未通过需判断领先良好中等待提升"
    missing = {ch for ch in text if not ch.isspace() and font.get_char_index(ord(ch)) == 0}
    assert missing == set()
