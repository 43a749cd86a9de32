"""The answerer's user-facing texts (data file) and how a hedge names what the sources do not give."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from retrieval.datafiles import data_file
from retrieval.entities import KeyEntities
from retrieval.evidence import has_quantity
from retrieval.scope import FIGURE_KINDS
from retrieval.targets import Target

# Kinds whose missing answer is said plainly (未收录), never with a sentence quoted beside it: the
# nearest sentence about 材料 may be about 新材料, which a reader would take for an answer.
PLAIN_KINDS = frozenset({"materials"})

__all__ = ["messages", "not_given", "what_missing"]


@lru_cache(maxsize=1)
def _texts() -> dict[str, Any]:
    return data_file("messages.yaml") or {}


def messages() -> dict[str, str]:
    """User-facing answer texts (data file)."""
    return {str(k): str(v) for k, v in _texts().items() if not isinstance(v, dict)}


def what_missing(target: Target) -> str:
    """How a partial answer names what the briefings do not give ("投资的具体金额")."""
    what = {str(k): str(v) for k, v in (_texts().get("what") or {}).items()}
    key = target.kind
    if key == "quantity":
        key = {"money": "money", "area": "area", "people": "people"}.get(target.unit or "", "")
        key = key or ("count" if target.counter else "quantity")
    head = target.anchors[0] if target.anchors else target.noun or "相关"
    return what.get(key, what["quantity"]).format(cue=target.cue, head=head, noun=target.noun)


def not_given(said: str, target: Target, ents: KeyEntities) -> str:
    """The asked value is not in the evidence: say so; quote what is said only when it holds no other
    figure a reader could take for the answer (a 15% tax rate under "高企申请费用多少")."""
    what = what_missing(target)
    if target.kind not in (*FIGURE_KINDS, *PLAIN_KINDS) or (target.kind in FIGURE_KINDS and not has_quantity(said)):
        return messages()["partial"].format(said=said, what=what)
    where = f"关于{'、'.join(ents.places)}" if ents.places else ""
    return messages()["not_given"].format(where=where, what=what)
