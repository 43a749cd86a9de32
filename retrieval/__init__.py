"""Leaf library: load → clean → split → index (Chroma + BM25) → search → grounded answer.

Importing this package is cheap: chromadb, the encoder and langchain load on first use.
"""

from retrieval.catalog import Catalog
from retrieval.engine import EngineConfig, RetrievalEngine
from retrieval.errors import (
    DocumentError,
    IndexMissingError,
    InvalidQueryError,
    RetrievalError,
    UnknownDocumentError,
)
from retrieval.types import (
    Answer,
    Answerer,
    ArticleRecord,
    Citation,
    Hit,
    Searcher,
    SearchFilters,
)

__all__ = [
    "Answer",
    "Answerer",
    "ArticleRecord",
    "Catalog",
    "Citation",
    "DocumentError",
    "EngineConfig",
    "Hit",
    "IndexMissingError",
    "InvalidQueryError",
    "RetrievalEngine",
    "RetrievalError",
    "SearchFilters",
    "Searcher",
    "UnknownDocumentError",
]
