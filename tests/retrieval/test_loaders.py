"""Loading files: formats, encodings, and one clear error per bad file."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from retrieval.errors import DocumentError
from retrieval.loaders import load_bytes, load_file

SAMPLE = "成都正式出台企业创新积分制工作实施方案，用积分为企业创新画像。\n\n积分贷产品缓解融资难题。"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_text_encodings_are_detected(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "brief.txt"
    path.write_bytes(SAMPLE.encode(encoding))
    assert load_file(path).strip() == SAMPLE


def test_markdown_is_text(tmp_path: Path) -> None:
    path = tmp_path / "brief.md"
    path.write_text("## 标题\n\n" + SAMPLE, encoding="utf-8")
    assert "## 标题" in load_file(path)


def test_docx_keeps_headings(tmp_path: Path) -> None:
    from docx import Document

    doc = Document()
    doc.add_heading("南京打通科创金融服务", level=1)
    doc.add_paragraph("截至目前，服务科技型企业超200家。")
    path = tmp_path / "brief.docx"
    doc.save(str(path))
    text = load_file(path)
    assert "## 南京打通科创金融服务" in text and "超200家" in text


def test_html_drops_scripts_and_keeps_paragraphs(tmp_path: Path) -> None:
    html = (
        "<html><head><script>var x=1;</script><style>p{}</style></head><body>"
        "<h1>重庆高新区积分制平台</h1><p>首批试点企业527家。</p><nav>菜单</nav></body></html>"
    )
    path = tmp_path / "brief.html"
    path.write_bytes(html.encode("gbk").replace(b"<head>", b'<head><meta charset="gbk">'))
    text = load_file(path)
    assert "## 重庆高新区积分制平台" in text and "527家" in text
    assert "var x" not in text and "菜单" not in text


def _minimal_pdf(text: str) -> bytes:
    """A one-page PDF with a Helvetica text line (written by hand: no PDF writer needed)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n".encode() + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def test_pdf_text_is_extracted(tmp_path: Path) -> None:
    path = tmp_path / "brief.pdf"
    path.write_bytes(_minimal_pdf("Innovation points pilot: 527 firms"))
    assert "527 firms" in load_file(path)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "为空"),
        ("blank.md", b"  \n\n ", "为空"),
        ("binary.txt", bytes(range(256)) * 20, "二进制"),
        ("broken.pdf", b"%PDF-1.4\n garbage without objects", "PDF"),
        ("fake.pdf", b"not a pdf at all", "PDF"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "Word"),
        ("image.png", b"\x89PNG\r\n", "不支持"),
    ],
)
def test_bad_files_raise_one_clear_error(name: str, data: bytes, reason: str) -> None:
    with pytest.raises(DocumentError) as info:
        load_bytes(data, name)
    assert reason in info.value.user_message and name in info.value.user_message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match=r"nope\.txt"):
        load_file(tmp_path / "nope.txt")
