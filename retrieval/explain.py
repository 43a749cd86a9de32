"""Why the assistant said what it said: hits per leg, the detected target, the candidates, the deciding check."""

from __future__ import annotations

from dataclasses import dataclass, field

from retrieval.hybrid import HitTrace
from retrieval.selection import Candidate
from retrieval.targets import Target
from retrieval.types import Answer, Hit

__all__ = ["Explanation"]


@dataclass
class Explanation:
    """One question's path through the answerer (for administrators: `innobot ask --explain`)."""

    question: str
    corrected: str = ""
    fixes: tuple[tuple[str, str], ...] = ()
    hits: list[Hit] = field(default_factory=list)
    traces: list[HitTrace] = field(default_factory=list)
    targets: tuple[Target, ...] = ()
    candidates: list[Candidate] = field(default_factory=list)
    decision: str = ""
    answer: Answer = field(default_factory=lambda: Answer("", False))

    def to_dict(self) -> dict[str, object]:
        """JSON shape of `innobot ask --explain --json`."""
        return {
            "question": self.question,
            "corrected": self.corrected,
            "fixes": [list(f) for f in self.fixes],
            "targets": [t.to_dict() for t in self.targets],
            "hits": [
                {"rank": i + 1, "title": h.title, "chunk_id": h.chunk_id, **t.to_dict(), "text": h.text[:120]}
                for i, (h, t) in enumerate(zip(self.hits, self.traces, strict=False))
            ],
            "candidates": [c.to_dict() for c in self.candidates[:8]],
            "decision": self.decision,
            "answer": self.answer.to_dict(),
        }

    def render(self) -> str:
        """Plain text for the console."""
        lines = [f"问题：{self.question}"]
        if self.fixes:
            lines.append("纠正：" + "，".join(f"{a}→{b}" for a, b in self.fixes) + f"（按“{self.corrected}”检索）")
        lines.append("目标：" + ("；".join(f"{t.kind}（{t.noun or t.cue}）" for t in self.targets) or "主题问题"))
        lines.append("命中（BM25 名次/分数 | 向量 名次/分数 | 融合 | 最终）：")
        for i, (h, t) in enumerate(zip(self.hits, self.traces, strict=False), 1):
            lex = f"{t.lexical_rank}/{t.lexical_score:.2f}" if t.lexical_score is not None else "-"
            den = f"{t.dense_rank}/{t.dense_score:.3f}" if t.dense_score is not None else "-"
            fused = f"{t.fused:.4f}" if t.fused is not None else "-"
            lines.append(f"  {i}. 《{h.title}》 {lex} | {den} | {fused} | {t.final:.3f}")
        lines.append("候选句（分数 覆盖 含目标）：")
        for c in self.candidates[:5]:
            lines.append(f"  {c.score:.3f} {c.coverage:.2f} {'是' if c.holds else '否'} {c.text[:60]}")
        lines.append(f"判定：{self.decision}")
        lines.append(f"回答：{self.answer.answer}")
        return "\n".join(lines)
