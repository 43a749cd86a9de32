"""Read a briefing file (txt/md/pdf/docx/html) into plain text; one clear error per bad file."""

from __future__ import annotations

import io
import re
from pathlib import Path

from retrieval.errors import DocumentError

__all__ = ["SUPPORTED_SUFFIXES", "decode_bytes", "load_bytes", "load_file"]

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".pdf", ".docx", ".html", ".htm")
_MAX_BYTES = 50 * 1024 * 1024
# Hostile-file limits (a 65 KB docx unzipped to gigabytes and ran for minutes): what a real
# briefing never comes near.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # all members of a .docx together
MAX_XML_BYTES = 50 * 1024 * 1024  # any one XML part of a .docx
MAX_ZIP_MEMBERS = 2000
MAX_PDF_PAGES = 500
_CJK_OR_TEXT = re.compile(r"[\u4e00-\u9fff]|[A-Za-z]{2,}")


def _fail(path: Path | str, reason: str) -> DocumentError:
    name = Path(path).name
    return DocumentError(f"{name}: {reason}", user_message=f"{name}：{reason}")


def decode_bytes(data: bytes, name: str = "文件") -> str:
    """Decode text bytes: UTF-8 (with or without BOM), then GB18030, then charset detection."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _fail(name, "看起来是二进制文件，已跳过")
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
        if _CJK_OR_TEXT.search(text):
            return text
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise _fail(name, "无法识别文件编码，已跳过")
    return str(best)


def _check_textual(text: str, name: str) -> str:
    if not text.strip():
        raise _fail(name, "文件为空或没有可提取的文字，已跳过")
    sample = text[:4000]
    bad = sum(1 for ch in sample if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\n\r\t"))
    if bad > max(20, len(sample) // 20):
        raise _fail(name, "内容像是二进制或已损坏，已跳过")
    return text


def _pdf_text(data: bytes, name: str) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError, PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if len(reader.pages) > MAX_PDF_PAGES:
            raise _fail(name, f"PDF 页数过多（超过 {MAX_PDF_PAGES} 页），已跳过")
        pages = [page.extract_text() or "" for page in reader.pages]
    except DocumentError:
        raise
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        raise _fail(name, "PDF 文件损坏或无法解析，已跳过") from exc
    return "\n\n".join(pages)


def _check_zip(data: bytes, name: str) -> None:
    """Refuse a zip bomb or a part with a DTD before anything is decompressed in full."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise _fail(name, "Word 文件内部结构异常（部件过多），已跳过")
            if sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
                raise _fail(name, "Word 文件解压后过大，疑似压缩炸弹，已跳过")
            for member in members:
                if not member.filename.endswith((".xml", ".rels")):
                    continue
                if member.file_size > MAX_XML_BYTES:
                    raise _fail(name, "Word 文件中的 XML 过大，已跳过")
                with archive.open(member) as part:
                    head = part.read(4096)
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise _fail(name, "Word 文件含有不允许的实体声明，已跳过")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, ValueError) as exc:
        raise _fail(name, "Word 文件损坏或无法解析，已跳过") from exc


def _docx_text(data: bytes, name: str) -> str:
    import zipfile

    from docx import Document
    from lxml import etree

    _check_zip(data, name)
    try:
        doc = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, etree.LxmlError) as exc:
        raise _fail(name, "Word 文件损坏或无法解析，已跳过") from exc
    parts: list[str] = []
    for para in doc.paragraphs:
        text = para.text.strip()
        if not text:
            continue
        style = (para.style.name if para.style is not None else "") or ""
        if style.lower().startswith(("heading", "title")) or style.startswith("标题"):
            text = "## " + text
        parts.append(text)
    for table in doc.tables:
        for row in table.rows:
            cells = [c.text.strip() for c in row.cells if c.text.strip()]
            if cells:
                parts.append("，".join(cells) + "。")
    return "\n\n".join(parts)


def _html_text(data: bytes, name: str) -> str:
    from bs4 import BeautifulSoup

    html = decode_bytes(data, name)
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "nav", "footer", "header"]):
        tag.decompose()
    parts: list[str] = []
    for el in soup.find_all(["h1", "h2", "h3", "p", "li", "td", "div"]):
        if el.name == "div" and el.find(["p", "div", "h1", "h2", "h3", "li", "table"]):
            continue
        text = el.get_text(" ", strip=True)
        if not text:
            continue
        parts.append(("## " + text) if el.name in ("h1", "h2") else text)
    if not parts:
        parts = [soup.get_text("\n", strip=True)]
    return "\n\n".join(parts)


def load_bytes(data: bytes, name: str) -> str:
    """Extract the text of one file's bytes, chosen by its suffix."""
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise _fail(name, "不支持的文件类型（支持 txt、md、pdf、docx、html），已跳过")
    if not data.strip():
        raise _fail(name, "文件为空，已跳过")
    if len(data) > _MAX_BYTES:
        raise _fail(name, "文件过大（超过 50MB），已跳过")
    if suffix == ".pdf":
        if not data.startswith(b"%PDF"):
            raise _fail(name, "不是有效的 PDF 文件，已跳过")
        text = _pdf_text(data, name)
    elif suffix == ".docx":
        if not data.startswith(b"PK"):
            raise _fail(name, "不是有效的 Word(docx) 文件，已跳过")
        text = _docx_text(data, name)
    elif suffix in (".html", ".htm"):
        text = _html_text(data, name)
    else:
        text = decode_bytes(data, name)
    return _check_textual(text.replace("\r\n", "\n").replace("\r", "\n"), name)


def load_file(path: Path) -> str:
    """Extract the text of one file on disk."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise _fail(path, "文件不存在") from exc
    except IsADirectoryError as exc:
        raise _fail(path, "这是一个目录，不是文件") from exc
    except OSError as exc:
        raise _fail(path, "无法读取文件") from exc
    return load_bytes(data, path.name)
