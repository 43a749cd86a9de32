"""Policy knowledge articles (政策摘要): Markdown with YAML front matter, one section one article.

A knowledge file names its sources in the front matter; each `## section` says which source and
which article of it it rests on (`依据：id 第十一条`), so a citation names the document precisely.
Each paragraph is one passage: the files are written so that one paragraph answers a question.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import yaml

from retrieval.errors import DocumentError
from retrieval.pipeline import (
    CHUNK_SIZE,
    ChunkDraft,
    DocumentMeta,
    ProcessedArticle,
    ProcessedDocument,
    chunk_text,
    content_hash,
)
from retrieval.tagging import gazetteer, tag_rules
from retrieval.textutil import compact, match_key

__all__ = [
    "KNOWLEDGE_KIND",
    "KNOWLEDGE_LABEL",
    "KnowledgeSource",
    "is_knowledge",
    "process_knowledge",
]

KNOWLEDGE_KIND = "knowledge"
KNOWLEDGE_LABEL = "政策摘要"
_FRONT = re.compile(r"\A\ufeff?---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.DOTALL)
_HEADING = re.compile(r"^##\s+(.+?)\s*$")
_BASIS = re.compile(r"^依据[：:]\s*(.+)$")
_DATE = re.compile(r"^\d{4}(-\d{2}){0,2}$")


@dataclass(frozen=True)
class KnowledgeSource:
    """One official document an article rests on: name, number, issuer, date."""

    id: str
    document: str
    number: str = ""
    issuer: str = ""
    date: str = ""

    def cite(self, locator: str = "") -> str:
        """《办法》（国科发火〔2016〕32号）第十一条 — the way an answer names it (title marks as written)."""
        name = self.document
        number = f"（{self.number}）" if self.number else ""
        issued = "，".join(x for x in (self.issuer, self.date) if x)
        tail = f"（{issued}）" if issued and not (locator or self.number) else ""
        return f"{name}{number}{locator}{tail}"


def _fail(name: str, reason: str) -> DocumentError:
    return DocumentError(f"{name}: {reason}", user_message=f"{name}：{reason}")


def _front_matter(text: str) -> tuple[Mapping[str, object], str] | None:
    m = _FRONT.match(text)
    if not m:
        return None
    try:
        data = yaml.safe_load(m.group(1))
    except yaml.YAMLError:
        return None
    if not isinstance(data, Mapping):
        return None
    return data, text[m.end():]


def is_knowledge(text: str) -> bool:
    """True when the text opens with front matter of kind `knowledge`."""
    parsed = _front_matter(text)
    return parsed is not None and str(parsed[0].get("kind", "")).strip() == KNOWLEDGE_KIND


def _sources(data: Mapping[str, object], name: str) -> dict[str, KnowledgeSource]:
    raw = data.get("sources")
    if not isinstance(raw, list) or not raw:
        raise _fail(name, "政策摘要缺少 sources（官方文件、文号、发文机关、日期），已跳过")
    out: dict[str, KnowledgeSource] = {}
    for i, item in enumerate(raw, 1):
        if not isinstance(item, Mapping) or not item.get("document"):
            raise _fail(name, f"第 {i} 个来源缺少 document，已跳过")
        sid = str(item.get("id") or f"s{i}")
        out[sid] = KnowledgeSource(
            id=sid,
            document=str(item["document"]).strip(),
            number=str(item.get("number") or "").strip(),
            issuer=str(item.get("issuer") or "").strip(),
            date=str(item.get("date") or "").strip(),
        )
    return out


def _basis(line: str, sources: Mapping[str, KnowledgeSource], default: KnowledgeSource, name: str) -> str:
    """`依据：banfa 第十一条；zhiyin` → the precise citation text of a section."""
    parts: list[str] = []
    for piece in re.split(r"[；;]", line):
        piece = piece.strip()
        if not piece:
            continue
        sid, _, locator = piece.partition(" ")
        src = sources.get(sid)
        if src is None:
            raise _fail(name, f"依据中的来源 {sid} 未在 sources 中列出，已跳过")
        parts.append(src.cite(locator.strip()))
    return "；".join(parts) or default.cite()


@dataclass
class _Section:
    heading: str
    basis: str
    paragraphs: list[str]


def _sections(body: str, sources: Mapping[str, KnowledgeSource], name: str) -> list[_Section]:
    default = next(iter(sources.values()))
    sections: list[_Section] = []
    for raw in body.splitlines():
        line = raw.strip()
        if not line or line.startswith("<!--"):
            continue
        if m := _HEADING.match(line):
            sections.append(_Section(m.group(1).strip(), default.cite(), []))
            continue
        if not sections:
            sections.append(_Section("", default.cite(), []))
        if m := _BASIS.match(line):
            sections[-1].basis = _basis(m.group(1), sources, default, name)
            continue
        sections[-1].paragraphs.append(compact(line.lstrip("-*• ").strip()))
    return [s for s in sections if s.paragraphs]


def _chunks(title: str, paragraphs: list[str]) -> list[ChunkDraft]:
    """One passage a paragraph (long ones split like briefings), each indexed with its heading."""
    out: list[ChunkDraft] = []
    for para in paragraphs:
        pieces = [para] if len(para) <= CHUNK_SIZE * 2 else chunk_text(para)
        for piece in pieces:
            if len(match_key(piece)) < 8:
                continue
            out.append(ChunkDraft(len(out), piece, f"{title}\n{piece}", content_hash(piece)))
    return out


def process_knowledge(text: str, fallback_title: str) -> ProcessedDocument:
    """A knowledge file as a document whose articles are its sections, each with its own basis."""
    parsed = _front_matter(text)
    if parsed is None:
        raise _fail(fallback_title, "政策摘要的文件头（--- … ---）无法解析，已跳过")
    data, body = parsed
    title = str(data.get("title") or fallback_title).strip()
    as_of = str(data.get("as_of") or "").strip()
    if not _DATE.match(as_of):
        raise _fail(fallback_title, "政策摘要缺少 as_of 日期（YYYY-MM-DD），已跳过")
    sources = _sources(data, fallback_title)
    sections = _sections(body, sources, fallback_title)
    if not sections:
        raise _fail(fallback_title, "政策摘要没有正文段落，已跳过")
    raw_tags = data.get("tags")
    extra_tags = tuple(str(t) for t in raw_tags if str(t).strip()) if isinstance(raw_tags, list) else ()
    gaz, rules = gazetteer(), tag_rules()
    articles: list[ProcessedArticle] = []
    for sec in sections:
        art_title = f"{title}：{sec.heading}" if sec.heading else title
        body_text = "\n".join(sec.paragraphs)
        art = ProcessedArticle(
            ordinal=len(articles) + 1,
            title=art_title,
            text=body_text,
            # a section is about the places its title names: a passing mention is not a regional fact
            regions=gaz.with_parents(gaz.mentions(art_title)),
            tags=tuple(dict.fromkeys((*rules.tags_for(art_title, body_text), *extra_tags))),
            hash=content_hash(art_title + "\n" + body_text),
            chunks=_chunks(art_title, sec.paragraphs),
            source=f"{KNOWLEDGE_LABEL}，依据{sec.basis}",
            date=as_of,
            kind=KNOWLEDGE_KIND,
        )
        if art.chunks:
            articles.append(art)
    meta = DocumentMeta(publication=KNOWLEDGE_LABEL, publisher="innobot", date=as_of,
                        label=f"{KNOWLEDGE_LABEL}：{title}")
    return ProcessedDocument(content_hash(text), meta, articles)
