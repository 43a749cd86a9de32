"""From extracted text to articles and chunks: clean, split, tag, chunk, hash (no I/O here)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from retrieval.cleaning import parse_bulletin
from retrieval.splitting import split_articles
from retrieval.tagging import gazetteer, tag_rules
from retrieval.textutil import match_key

__all__ = [
    "CHUNK_OVERLAP",
    "CHUNK_SIZE",
    "PIPELINE_VERSION",
    "SUBHEADING_GLUE",
    "ChunkDraft",
    "DocumentMeta",
    "ProcessedArticle",
    "ProcessedDocument",
    "chunk_text",
    "content_hash",
    "infer_meta",
    "process_document",
]

PIPELINE_VERSION = "10"
CHUNK_SIZE = 260
CHUNK_OVERLAP = 60
SUBHEADING_GLUE = "\u3000"  # sentences() splits here too, so answers never start with a heading
_SEPARATORS = ["\n", "。", "！", "？", "；", "，", ""]


def content_hash(text: str) -> str:
    """Hash of the normalised text: the same content in another encoding or format dedupes."""
    return hashlib.sha256(match_key(text).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class DocumentMeta:
    """Bulletin metadata (from the corpus manifest, else read from the masthead)."""

    publication: str = ""
    issue: str = ""
    publisher: str = ""
    date: str = ""
    label: str = ""

    @property
    def source(self) -> str:
        """How a citation names the bulletin, e.g. "科技情报参考 2023年第10期"."""
        if self.label:
            return self.label
        return " ".join(x for x in (self.publication, self.issue) if x) or "未注明来源"


@dataclass(frozen=True)
class ChunkDraft:
    """One passage of an article, with the text the indexes see (title + passage)."""

    ordinal: int
    text: str
    index_text: str
    hash: str


@dataclass
class ProcessedArticle:
    """One article with its tags and chunks."""

    ordinal: int
    title: str
    text: str
    regions: tuple[str, ...]
    tags: tuple[str, ...]
    hash: str
    chunks: list[ChunkDraft] = field(default_factory=list)
    source: str = ""  # set when the article cites its own basis (knowledge); else the bulletin's
    date: str = ""
    kind: str = "briefing"


@dataclass
class ProcessedDocument:
    """A processed bulletin."""

    hash: str
    meta: DocumentMeta
    articles: list[ProcessedArticle]


_ISSUE = re.compile(r"(\d{4})\s*年\s*第\s*(\d+)\s*期(\s*[（(]总第\s*\d+\s*期[）)])?")
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?")


def infer_meta(masthead: list[str], fallback_date: str = "") -> DocumentMeta:
    """Read publication, issue, publisher and date from the masthead lines when no manifest has them."""
    publication = issue = publisher = date = ""
    for line in masthead:
        s = line.strip()
        if m := _ISSUE.search(s):
            issue = re.sub(r"\s+", "", m.group(0))
            if not date and int(m.group(2)) <= 12:
                date = f"{m.group(1)}-{int(m.group(2)):02d}"
        elif m := _DATE.fullmatch(s):
            y, mo, d = m.group(1), int(m.group(2)), m.group(3)
            date = f"{y}-{mo:02d}-{int(d):02d}" if d else f"{y}-{mo:02d}"
        elif s.endswith("编辑") or s.endswith("编印"):
            publisher = s.removesuffix("编辑").removesuffix("编印").strip()
        elif not publication and len(s) <= 20:
            publication = s
    return DocumentMeta(publication, issue, publisher, date or fallback_date)


def _is_subheading(para: str) -> bool:
    return len(para) <= 40 and not para.rstrip().endswith(tuple("。！？；…”）:："))


def chunk_text(text: str) -> list[str]:
    """Split text into overlapping passages of about CHUNK_SIZE characters at sentence ends."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=CHUNK_SIZE,
        chunk_overlap=CHUNK_OVERLAP,
        separators=_SEPARATORS,
        keep_separator="end",
        strip_whitespace=True,
    )
    return splitter.split_text(text)


def _chunk(title: str, text: str) -> list[ChunkDraft]:
    # glue each sub-heading to the paragraph it introduces, so no chunk ends on a bare heading
    units: list[str] = []
    for para in text.split("\n"):
        if units and _is_subheading(units[-1]):
            units[-1] = units[-1] + SUBHEADING_GLUE + para
        else:
            units.append(para)
    out: list[ChunkDraft] = []
    for piece in chunk_text("\n".join(units)):
        piece = piece.strip()
        if len(match_key(piece)) < 8:
            continue
        out.append(ChunkDraft(len(out), piece, f"{title}\n{piece}", content_hash(piece)))
    return out


def process_document(text: str, meta: DocumentMeta | None, fallback_title: str) -> ProcessedDocument:
    """Clean, split into articles, tag and chunk one extracted bulletin."""
    parsed = parse_bulletin(text, meta.publication if meta else None)
    if meta is None or not (meta.publication or meta.label):
        inferred = infer_meta(parsed.masthead, meta.date if meta else "")
        meta = inferred if meta is None else DocumentMeta(
            inferred.publication, meta.issue or inferred.issue, meta.publisher or inferred.publisher,
            meta.date or inferred.date, meta.label,
        )
    title = meta.source if (meta.publication or meta.label) else fallback_title
    gaz, rules = gazetteer(), tag_rules()
    articles: list[ProcessedArticle] = []
    for draft in split_articles(parsed, title):
        body = draft.text
        regions = gaz.with_parents(gaz.mentions(draft.title + "\n" + body))
        art = ProcessedArticle(
            ordinal=len(articles) + 1,
            title=draft.title,
            text=body,
            regions=regions,
            tags=rules.tags_for(draft.title, body),
            hash=content_hash(draft.title + "\n" + body),
        )
        art.chunks = _chunk(draft.title, body)
        if art.chunks:
            articles.append(art)
    return ProcessedDocument(content_hash(text), meta, articles)
