"""Undo what PDF extraction does to a bulletin: TOC lines, mastheads, footers, broken paragraphs."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from retrieval.textutil import CJK, compact, segmenter, strip_controls

__all__ = ["Paragraph", "ParsedBulletin", "parse_bulletin", "strip_trailing_names"]

_TOC_LEADER = re.compile(r"(\.{2,}|…+|·{3,}|-{3,}|—{2,}|_{3,})\s*\d{1,3}\s*$")
_TOC_HEADER = re.compile(r"^[【\[]?\s*(本期目录|目\s*录)\s*[】\]]?$")
_TOC_MARK = "★☆"
_LIST_MARK = re.compile(r"^\s*(?:[-*+•]\s+|[-*+•]$)")
_HEADING = re.compile(r"^(#{1,6})\s*(.*)$")
_BOLD_LINE = re.compile(r"^\*\*(.+?)\*\*$")
_MD_EMPHASIS = re.compile(r"\*\*|__")
_TERMINAL = tuple("。！？!?；;…")
_CLOSERS = tuple("”’」』）)】")
_PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*)?\d{1,3}(\s*页)?([/／]\s*\d{1,3})?[-—–\s]*$")
_BOILERPLATE = re.compile(
    r"^(责任编辑|编辑|主编|副主编|审核|审稿|校对|签发|电话|联系电话|传真|地址|邮编|邮箱|E-?mail|网址|报送|抄送|印发|发送)\s*[：:]",
    re.IGNORECASE,
)
_EDITED_BY = re.compile(rf"^[{CJK}（）()]{{2,30}}\s*编(辑|印)$")
_ISSUE_LINE = re.compile(r"^\d{4}\s*年\s*第\s*\d+\s*期")
_DATE_LINE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月(\s*\d{1,2}\s*日)?$")
_TRAILING_NAMES = re.compile(rf"(?<=[。！？”])\s+[{CJK}]{{2,4}}(?:\s+[{CJK}]{{2,4}}){{0,3}}$")


@dataclass
class Paragraph:
    """A paragraph after line joining; heading > 0 when marked as a heading (# level, 9 = bold)."""

    text: str
    heading: int = 0

    @property
    def looks_like_heading(self) -> bool:
        """Short and without a sentence end: a title or sub-title even if unmarked."""
        t = self.text.rstrip()
        return self.heading > 0 or (len(t) <= 40 and not t.endswith(_TERMINAL + _CLOSERS + ("：", ":")))


@dataclass
class ParsedBulletin:
    """A bulletin as paragraphs, with the TOC titles and masthead lines pulled out."""

    paragraphs: list[Paragraph]
    toc_titles: list[str] = field(default_factory=list)
    masthead: list[str] = field(default_factory=list)


def strip_trailing_names(text: str) -> str:
    """Drop reporter names a newspaper prints after the last sentence ("…。 赵越 梅春来")."""
    return _TRAILING_NAMES.sub("", text)


def _is_toc_line(line: str) -> bool:
    s = line.strip()
    if not s:
        return False
    if _TOC_HEADER.match(s) or any(m in s for m in _TOC_MARK):
        return True
    return bool(_TOC_LEADER.search(s)) and len(s) <= 120


def _clean_toc_entry(text: str) -> str:
    text = _LIST_MARK.sub("", text.strip())
    text = text.strip(_TOC_MARK + " \t-*")
    text = _TOC_LEADER.sub("", text)
    return re.sub(r"\s+", " ", text).strip(" .…·")


def _join(a: str, b: str, hard_break: bool) -> str:
    if not a:
        return b
    if hard_break:
        return a + " " + b
    if re.match(rf"[{CJK}，。、；：！？“”（）《》]", a[-1]) or re.match(rf"[{CJK}，。、；：！？“”（）《》]", b[0]):
        return a + b
    return a + " " + b


def _blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    for raw in text.split("\n"):
        if raw.strip():
            blocks[-1].append(raw.rstrip("\n"))
        elif blocks[-1]:
            blocks.append([])
    out: list[list[str]] = []
    for b in blocks:
        if b:
            out.extend(_unwrap(b))
    return out


def _unwrap(block: list[str]) -> list[list[str]]:
    """Split a PDF page (hard-wrapped lines, no blank lines) back into paragraphs.

    TOC, page-number and editor/phone lines stand alone. In a block of wrapped lines, a line
    clearly shorter than the page's line width ends its paragraph (or is a heading).
    """
    wrapped = len(block) >= 4
    widths = sorted(len(x.strip()) for x in block)
    width = widths[int(len(widths) * 0.8)]
    wrapped = wrapped and width >= 15
    out: list[list[str]] = [[]]
    for line in block:
        s = line.strip()
        if _is_toc_line(s) or _is_boilerplate(s):
            if out[-1]:
                out.append([])
            out[-1].append(line)
            out.append([])
            continue
        heading_like = len(s) <= 40 and not s.endswith(_TERMINAL + _CLOSERS)
        if out[-1] and heading_like and out[-1][-1].strip().endswith(_TERMINAL + _CLOSERS):
            out.append([])  # a title right after a paragraph that filled its last line
        out[-1].append(line)
        if wrapped and len(s) < 0.85 * width:
            out.append([])
    return [b for b in out if b]


def _strip_marks(text: str) -> tuple[str, int]:
    """Remove markdown heading/bold/list marks; return (text, heading level)."""
    level = 0
    text = _LIST_MARK.sub("", text).strip()
    m = _HEADING.match(text)
    if m:
        level, text = len(m.group(1)), m.group(2).strip()
    b = _BOLD_LINE.match(text)
    if b:
        text = b.group(1).strip()
        level = level or 9
    return _MD_EMPHASIS.sub("", text).strip(), level


def _toc_titles(lines: list[str]) -> list[str]:
    titles: list[str] = []
    pending = ""
    for line in lines:
        s = line.strip()
        if _TOC_HEADER.match(s):
            continue
        entry = _clean_toc_entry(s)
        has_leader = bool(_TOC_LEADER.search(s))
        starts = any(m in s for m in _TOC_MARK)
        if starts:
            if pending:
                titles.append(pending)
            pending = entry
            if has_leader:
                titles.append(pending)
                pending = ""
        elif entry:
            pending = (pending + " " + entry).strip()
            if has_leader:
                titles.append(pending)
                pending = ""
    if pending:
        titles.append(pending)
    return [t for t in titles if len(t) >= 4]


def _is_boilerplate(text: str) -> bool:
    s = text.strip()
    return bool(
        _BOILERPLATE.match(s) or _EDITED_BY.match(s) or _PAGE_NUMBER.match(s) or s in ("-", "*")
    )


def _word_crosses(a: str, b: str) -> bool:
    """True when a word runs across the break ("…分院有" / "限公司…"): the line was cut mid-word."""
    left, right = a[-4:], b[:4]
    if not (re.match(rf"[{CJK}]", left[-1:]) and re.match(rf"[{CJK}]", right[:1])):
        return False
    pos = 0
    for token in segmenter().cut(left + right):
        if pos < len(left) < pos + len(token):
            return True
        pos += len(token)
    return False


def _continues(prev: Paragraph, nxt: Paragraph) -> bool:
    """True when a page/line break cut one paragraph in two."""
    if prev.heading or nxt.heading:
        return False
    p = prev.text.rstrip()
    if p.endswith(_TERMINAL + _CLOSERS + ("：", ":")):
        return False
    n = nxt.text.strip()
    open_quote = p.count("“") > p.count("”")
    if len(p) <= 40 and not open_quote and not _word_crosses(p, n):
        return False
    return len(n) >= 40 or n.endswith(_TERMINAL + _CLOSERS)


def parse_bulletin(text: str, publication: str | None = None) -> ParsedBulletin:
    """Turn extracted text into clean paragraphs plus the TOC titles and masthead lines."""
    text = strip_controls(text.replace("\r\n", "\n").replace("\r", "\n")).replace("\u3000", " ")
    paragraphs: list[Paragraph] = []
    toc_lines: list[str] = []
    first_toc_at: int | None = None
    for block in _blocks(text):
        current = ""
        hard = False
        level = 0
        for raw in block:
            if _is_toc_line(raw):
                if first_toc_at is None:
                    first_toc_at = len(paragraphs) + (1 if current else 0)
                toc_lines.append(raw)
                continue
            if toc_lines and raw.strip() and _TOC_LEADER.search(raw.strip()):
                toc_lines.append(raw)
                continue
            line, line_level = _strip_marks(raw)
            if not line:
                continue
            if line_level and current:
                paragraphs.append(Paragraph(current, level))
                current, level = "", 0
            if line_level:
                paragraphs.append(Paragraph(line, line_level))
                continue
            current = _join(current, line, hard)
            hard = raw.endswith("  ")
        if current:
            paragraphs.append(Paragraph(current, level))

    repeated = Counter(p.text for p in paragraphs if len(p.text) <= 40)
    masthead: list[str] = []
    if first_toc_at is not None:
        masthead = [p.text for p in paragraphs[:first_toc_at]]
        paragraphs = paragraphs[first_toc_at:]
    else:
        while paragraphs and len(masthead) < 8 and _is_masthead(paragraphs[0].text, publication):
            masthead.append(paragraphs.pop(0).text)

    kept: list[Paragraph] = []
    for p in paragraphs:
        if _is_boilerplate(p.text) or (repeated[p.text] >= 3 and not p.heading):
            continue
        p.text = strip_trailing_names(p.text.strip()) if not p.heading else p.text.strip()
        if kept and _continues(kept[-1], p):
            kept[-1].text = _join(kept[-1].text, p.text, False)
            continue
        kept.append(p)
    for p in kept:
        p.text = compact(re.sub(r"[ \t]+", " ", p.text)).strip()
    return ParsedBulletin(kept, _toc_titles(toc_lines), [compact(m) for m in masthead])


def _is_masthead(text: str, publication: str | None) -> bool:
    s = text.strip()
    if publication and s.replace(" ", "") == publication.replace(" ", ""):
        return True
    return bool(_ISSUE_LINE.match(s) or _DATE_LINE.match(s) or _EDITED_BY.match(s))
