"""The stored state of a scoring dialogue (测算对话状态): JSON-able, so it survives restarts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.core.estimate.port import Figure

__all__ = ["FormState"]


@dataclass
class FormState:
    """Everything a scoring dialogue knows so far; JSON-able so it survives restarts."""

    rule_set: str
    stage: str = "collect"  # "profile" | "collect" | "confirm"
    figures: dict[str, Figure] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)
    core: list[str] = field(default_factory=list)  # quick check: score as soon as these are known
    kinds: dict[str, list[str]] = field(default_factory=dict)  # Ⅱ类: which kinds are counted so far
    last: list[str] = field(default_factory=list)  # fields the last message recorded: what "不对，是3500万" corrects
    offer: dict[str, Figure] = field(default_factory=dict)  # named back ("是研发费用吗？"): "是" records it

    def to_dict(self) -> dict[str, Any]:
        """The stored form of the state."""
        return {
            "rule_set": self.rule_set,
            "stage": self.stage,
            "figures": dict(self.figures),
            "skipped": list(self.skipped),
            "asked": list(self.asked),
            "core": list(self.core),
            "kinds": dict(self.kinds),
            "last": list(self.last),
            "offer": dict(self.offer),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FormState:
        """Rebuild a stored state (unknown keys ignored)."""
        return cls(
            rule_set=str(data["rule_set"]),
            stage=str(data.get("stage", "collect")),
            figures=dict(data.get("figures") or {}),
            skipped=list(data.get("skipped") or []),
            asked=list(data.get("asked") or []),
            core=list(data.get("core") or []),
            kinds=dict(data.get("kinds") or {}),
            last=list(data.get("last") or []),
            offer=dict(data.get("offer") or {}),
        )
