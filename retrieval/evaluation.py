"""Evaluation on QA files (eval/README.md): hit@1, hit@5, MRR, answer accuracy, and the two sides of
abstention apart: no-answer questions declined, answerable questions kept."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from retrieval.errors import RetrievalError
from retrieval.types import Answer, Hit

__all__ = ["EvalItem", "EvalReport", "evaluate", "load_qa"]

_WS = re.compile(r"\s+")


@dataclass(frozen=True)
class EvalItem:
    """One question with its gold strings (any one counts) and kind."""

    id: str
    q: str
    gold: tuple[str, ...]
    kind: str

    @property
    def answerable(self) -> bool:
        """Unanswerable questions have no gold strings."""
        return bool(self.gold) and self.kind != "unanswerable"


def load_qa(path: Path) -> list[EvalItem]:
    """Read a JSON Lines QA file; a malformed line raises RetrievalError naming the line."""
    items: list[EvalItem] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise RetrievalError(str(exc), user_message=f"无法读取评测文件：{path.name}") from exc
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            gold = obj.get("gold") or []
            items.append(EvalItem(str(obj.get("id", n)), str(obj["q"]), tuple(str(g) for g in gold), str(obj.get("kind", ""))))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise RetrievalError(str(exc), user_message=f"评测文件第 {n} 行格式不正确。") from exc
    return items


def _contains(text: str, gold: tuple[str, ...]) -> bool:
    hay = _WS.sub("", text)
    return any(_WS.sub("", g) in hay for g in gold if g.strip())


@dataclass
class EvalReport:
    """Metrics plus per-question details."""

    hit_at_1: float
    hit_at_5: float
    mrr: float
    answer_accuracy: float
    abstention_accuracy: float
    answerable: int
    total: int
    details: list[dict[str, Any]] = field(default_factory=list)
    declined_rate: float = 0.0
    kept_rate: float = 0.0

    def to_dict(self, with_details: bool = False) -> dict[str, Any]:
        """JSON shape of `innobot eval --json`."""
        out: dict[str, Any] = {
            "hit@1": round(self.hit_at_1, 4),
            "hit@5": round(self.hit_at_5, 4),
            "mrr": round(self.mrr, 4),
            "answer_accuracy": round(self.answer_accuracy, 4),
            "abstention_accuracy": round(self.abstention_accuracy, 4),
            "declined_rate": round(self.declined_rate, 4),
            "kept_rate": round(self.kept_rate, 4),
            "answerable": self.answerable,
            "total": self.total,
        }
        if with_details:
            out["details"] = self.details
        return out


def evaluate(
    items: list[EvalItem],
    search: Callable[[str, int], list[Hit]],
    answer: Callable[[str], Answer] | None,
) -> EvalReport:
    """Run every question through search (top 5) and, when given, the answerer."""
    hit1 = hit5 = rr = ans_ok = abst_ok = kept = declined = 0.0
    answerable = 0
    details: list[dict[str, Any]] = []
    for item in items:
        hits = search(item.q, 5)
        rank = next((i + 1 for i, h in enumerate(hits) if _contains(h.text, item.gold)), None)
        row: dict[str, Any] = {"id": item.id, "kind": item.kind, "rank": rank}
        if item.answerable:
            answerable += 1
            hit1 += rank == 1
            hit5 += rank is not None and rank <= 5
            rr += 1.0 / rank if rank else 0.0
        if answer is not None:
            ans = answer(item.q)
            row["answer"] = ans.answer
            row["grounded"] = ans.grounded
            if item.answerable:
                ans_ok += ans.grounded and _contains(ans.answer, item.gold)
                abst_ok += ans.grounded
                kept += ans.grounded
            else:
                abst_ok += not ans.grounded
                declined += not ans.grounded
        details.append(row)
    n = max(answerable, 1)
    total = max(len(items), 1)
    return EvalReport(
        hit_at_1=hit1 / n,
        hit_at_5=hit5 / n,
        mrr=rr / n,
        answer_accuracy=ans_ok / n if answer else 0.0,
        abstention_accuracy=abst_ok / total if answer else 0.0,
        answerable=answerable,
        total=len(items),
        details=details,
        declined_rate=declined / max(len(items) - answerable, 1) if answer else 0.0,
        kept_rate=kept / n if answer else 0.0,
    )
