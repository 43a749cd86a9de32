"""Charts: small PNGs in the bundled CJK font, labels drawn, readable for odd results too."""

from __future__ import annotations

import io

from matplotlib.ft2font import FT2Font
from PIL import Image

import scoring
from scoring.chart import WIDTH, cjk_font_path, render_chart
from scoring.fields import FIELDS
from scoring.results import CategoryScore, CheckResult, HighTechResult, IndicatorScore, ScoreResult
from tests.fakes.scoring import SAMPLE_GROWTH_FIRM

PNG = b"\x89PNG\r\n\x1a\n"
MAX_BYTES = 60 * 1024
BLUE = (0x2F, 0x6D, 0xB5)  # the 技术创新 bar colour


def _image(data: bytes) -> Image.Image:
    assert data.startswith(PNG) and len(data) <= MAX_BYTES
    image = Image.open(io.BytesIO(data)).convert("RGB")
    assert image.width == WIDTH
    return image


def _ink_rows(image: Image.Image, x0: int, x1: int) -> int:
    """How many pixel rows between columns x0 and x1 hold dark (text) pixels."""
    grey = image.convert("L").crop((x0, 0, x1, image.height))
    data = grey.tobytes()
    return sum(1 for y in range(grey.height) if min(data[y * grey.width : (y + 1) * grey.width]) < 100)


def _points_result(indicators: list[IndicatorScore], *, vetoed: bool = False) -> ScoreResult:
    return ScoreResult(
        rule_set="zone-x", version="1", title="某区创新积分", disclaimer="", stage="growth",
        stage_label="成长期", total=None if vetoed else 12.5, base=12.5, bonus=0, deductions=0,
        band=None if vetoed else "待提升", vetoed=vetoed, veto_reasons=["失信"] if vetoed else [],
        categories=[CategoryScore("tech", "技术创新", 12.5, 100)], indicators=indicators,
        bonus_items=[], deduction_items=[], suggestions=[], warnings=[], rectified_total=12.5,
        max_total=100,
    )


def test_charts_for_every_rule_kind_are_small_pngs_with_labels() -> None:
    for rule_set in ("cn-ref-2024", "tech-sme-2022", "high-tech-2016"):
        image = _image(render_chart(scoring.score(SAMPLE_GROWTH_FIRM, rule_set)))
        assert _ink_rows(image, 0, 240) > 40  # the label column carries text, not a blank strip


def test_points_chart_draws_every_indicator_label_and_the_scored_bars() -> None:
    result = scoring.score(SAMPLE_GROWTH_FIRM)
    assert isinstance(result, ScoreResult)
    image = _image(render_chart(result))
    colours = {c for _, c in image.getcolors(1 << 16) or []}
    assert BLUE in colours  # R&D indicators scored points
    rows = 32
    top = image.height - 18 - rows * (len(result.indicators) + 1)  # rows above the legend
    grey = image.convert("L")
    for n, _ in enumerate(result.indicators):  # each row's label cell has ink
        cell = grey.crop((18, top + n * rows + 4, 260, top + (n + 1) * rows - 4))
        assert cell.getextrema()[0] < 100, f"row {n} has no label"


def test_every_indicator_missing_still_draws_the_rows() -> None:
    image = _image(scoring.render_chart(scoring.score({})))
    assert _ink_rows(image, 0, 240) > 200


def test_vetoed_result_renders() -> None:
    _image(scoring.render_chart(scoring.score({**SAMPLE_GROWTH_FIRM, "dishonest_list": True})))
    _image(render_chart(_points_result([], vetoed=True)))  # no indicators at all: a titled note


def test_forty_zone_indicators_and_a_200_character_label_stay_readable() -> None:
    long_label = "研发" * 100
    indicators = [
        IndicatorScore(f"zone_{n}", long_label if n == 3 else f"区级指标{n}", "tech", n, 0.5, n % 5, 5, n % 7 == 0)
        for n in range(40)
    ]
    image = _image(render_chart(_points_result(indicators)))
    assert image.height < 40 * 32 + 300  # one row each, not a wrapped wall of text
    checks = [CheckResult(f"c{n}", long_label, "fail", "", []) for n in range(3)]
    result = HighTechResult("zone-ht", "1", "高企自查", "", checks, likely_meets=False)
    _image(render_chart(result))


def test_font_comes_from_the_installed_package_and_covers_the_labels() -> None:
    path = cjk_font_path()
    assert "mplfonts" in str(path) and path.is_file()
    font = FT2Font(str(path))
    text = "".join(f.short_label + f.label for f in FIELDS.values()) + "技术创新成长经营辅助满分得分分值否决通过未通过需判断领先良好中等待提升"
    missing = {ch for ch in text if not ch.isspace() and font.get_char_index(ord(ch)) == 0}
    assert missing == set()
