"""Issue 9, item 5: hostile briefing files cost one per-file Chinese error, never the batch."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from retrieval.engine import EngineConfig, RetrievalEngine
from retrieval.errors import DocumentError
from retrieval.ingest import Ingestor
from retrieval.loaders import MAX_PDF_PAGES, load_bytes

GOOD = "成都市推出创新积分贷。\n\n企业凭创新积分可申请信用贷款，最高可贷一千万元，利率优惠。" * 3
_CT = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
    'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="'
    'application/xml"/><Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
    '.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)
_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _docx(document: bytes | Iterator[bytes]) -> bytes:
    """A minimal .docx whose word/document.xml is `document` (bytes, or chunks streamed in)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        with z.open("word/document.xml", "w", force_zip64=True) as part:
            for chunk in [document] if isinstance(document, bytes) else document:
                part.write(chunk)
    return out.getvalue()


def _paragraphs(text: str) -> bytes:
    return f'<w:document {_W}><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>'.encode()


def _bomb() -> Iterator[bytes]:
    """~210 MB of XML that zips to a few hundred KB."""
    yield f"<w:document {_W}><w:body>".encode()
    run = b"<w:p><w:r><w:t>" + b"A" * 4000 + b"</w:t></w:r></w:p>"
    for _ in range(210 * 1024 * 1024 // len(run)):
        yield run
    yield b"</w:body></w:document>"


def _reason(data: bytes, name: str) -> str:
    with pytest.raises(DocumentError) as caught:
        load_bytes(data, name)
    return caught.value.user_message


def test_a_real_minimal_docx_still_loads() -> None:
    assert "创新积分贷" in load_bytes(_docx(_paragraphs("成都市推出创新积分贷")), "ok.docx")


def test_zip_bomb_docx_is_refused_before_unzipping() -> None:
    data = _docx(_bomb())
    assert len(data) < 2 * 1024 * 1024
    assert "解压后过大" in _reason(data, "bomb.docx")


def test_entity_expansion_docx_is_refused() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        + _paragraphs("&lol2;")
    )
    assert "实体声明" in _reason(_docx(laughs), "lolz.docx")


def test_malformed_xml_docx_is_a_per_file_error_not_a_traceback() -> None:
    reason = _reason(_docx(b"<w:document><w:body><w:p>unclosed"), "broken.docx")
    assert reason == "broken.docx：Word 文件损坏或无法解析，已跳过"


def test_pdf_with_too_many_pages_is_refused() -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(MAX_PDF_PAGES + 1):
        writer.add_blank_page(width=72, height=72)
    out = io.BytesIO()
    writer.write(out)
    assert "页数过多" in _reason(out.getvalue(), "long.pdf")


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[RetrievalEngine]:
    empty = tmp_path / "corpus"
    empty.mkdir()
    config = EngineConfig(data_dir=tmp_path / "engine", corpus_dir=empty, embedder="hash")
    built = RetrievalEngine(config)
    built.ensure_built()
    yield built
    built.close()


def _files(tmp_path: Path) -> list[Path]:
    files = {
        "a_bomb.docx": _docx(_bomb()),
        "b_good.txt": GOOD.encode(),
        "c_broken.docx": _docx(b"<w:document><w:body><w:p>unclosed"),
        "d_slow.html": b"<html><body>" + b"<p>x</p>" * 600_000 + b"</body></html>",
        "e_good.md": ("# 高企认定新规\n\n" + "高新技术企业认定的研发费用比例要求有调整。" * 5).encode(),
    }
    paths = []
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        paths.append(path)
    return paths


def test_a_hostile_batch_indexes_the_good_files_and_names_each_bad_one(
    engine: RetrievalEngine, tmp_path: Path
) -> None:
    ingestor = Ingestor(engine.store, engine.dense, "hash", extract_timeout=3.0)
    report = ingestor.add_paths(_files(tmp_path))
    errors = dict(report.errors)
    assert len(report.added) == 2
    assert "解压后过大" in errors["a_bomb.docx"]
    assert errors["c_broken.docx"] == "c_broken.docx：Word 文件损坏或无法解析，已跳过"
    assert "解析超时" in errors["d_slow.html"]
    assert all("Error" not in message for message in errors.values())
    assert engine.dense.count() == engine.store.chunk_count() > 0


def test_an_ingestion_cut_between_store_and_vectors_is_repaired_by_the_next_add(
    engine: RetrievalEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "first.txt", tmp_path / "second.md"
    first.write_text(GOOD, encoding="utf-8")
    second.write_text("# 科小评价\n\n" + "科技型中小企业评价入库的条件说明。" * 5, encoding="utf-8")
    ingestor = Ingestor(engine.store, engine.dense, "hash", extract_timeout=None)

    def killed(*_args: object) -> None:
        raise KeyboardInterrupt  # the process dies after the store commit, before Chroma

    with monkeypatch.context() as patch:
        patch.setattr(ingestor, "_finish", killed)
        with pytest.raises(KeyboardInterrupt):
            ingestor.add_paths([first])
    assert engine.store.chunk_count() > engine.dense.count()

    again = ingestor.add_paths([first, second])
    assert again.duplicates == ["first.txt"] and len(again.added) == 1
    assert engine.dense.count() == engine.store.chunk_count()
    stored = {r.chunk_id for r in engine.store.chunks()}
    assert set(engine.dense.ids()) == stored
