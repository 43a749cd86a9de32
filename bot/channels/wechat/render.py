"""Core replies → WeChat message parts: byte-safe text chunks, images, tappable choices."""

from __future__ import annotations

import base64
import binascii
import html
import json
from dataclasses import dataclass
from functools import lru_cache

from bot.core.split import split_text
from bot.core.texts import Texts
from bot.core.types import Reply

__all__ = [
    "MAX_PARTS",
    "TEXT_MAX_BYTES",
    "TEXT_MAX_CHARS",
    "WECHAT_TEXT_KEYS",
    "ChoiceMenu",
    "OutPart",
    "RenderedReplies",
    "load_wechat_texts",
    "merge_menus",
    "parts_from_payload",
    "parts_to_payload",
    "render_replies",
    "split_for_wechat",
]

TEXT_MAX_BYTES = 2000  # WeChat rejects text over 2048 bytes (passive and customer service)
TEXT_MAX_CHARS = 600
MAX_PARTS = 6  # one passive reply + a handful of customer-service messages per user message


WECHAT_TEXT_KEYS = (
    "greeting_fallback",
    "unsupported",
    "internal_error",
    "choices_header",
    "choice_item",
    "push_choices_header",
    "push_choice_item",
    "document_unsupported",
    "truncated",
    "pending_header",
    "notice_fields",
    "notice_title_limit",
)


@lru_cache(maxsize=1)
def load_wechat_texts() -> Texts:
    """The channel's own texts (texts.yaml), read once; a missing key stops the start-up."""
    return Texts.load("bot.channels.wechat", required=WECHAT_TEXT_KEYS)


@dataclass(frozen=True)
class OutPart:
    """One WeChat message to send: text or a PNG image."""

    text: str = ""
    image_png: bytes | None = None

    @property
    def is_image(self) -> bool:
        return self.image_png is not None


@dataclass(frozen=True)
class ChoiceMenu:
    """The options shown last: a tap on a menu link, the exact label or (in a conversation)
    the number brings back the option's callback data — WeChat has no inline buttons."""

    items: tuple[tuple[str, str], ...]  # (callback data, label), in display order
    numbers: bool = True  # pushes already number their articles: there, digits stay text

    def pick(self, text: str, menu_id: str = "") -> str | None:
        """The callback data the user chose with this message, or None."""
        typed = text.strip()
        if menu_id.isdigit() and 1 <= int(menu_id) <= len(self.items):
            data, label = self.items[int(menu_id) - 1]
            if not typed or typed == label:
                return data
        for data, label in self.items:
            if typed and typed == label:
                return data
        if self.numbers and typed.isdigit() and 1 <= int(typed) <= len(self.items):
            return self.items[int(typed) - 1][0]
        return None

    def to_json(self) -> str:
        return json.dumps(
            {"numbers": self.numbers, "items": [list(item) for item in self.items]},
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, raw: str | None) -> ChoiceMenu | None:
        """Tolerant decoding: anything unreadable is simply no menu."""
        if not raw:
            return None
        try:
            data = json.loads(raw)
            items = tuple((str(d), str(lab)) for d, lab in data["items"])
            return cls(items=items, numbers=bool(data.get("numbers", True))) if items else None
        except (ValueError, KeyError, TypeError):
            return None


def merge_menus(current: str | None, menus: list[ChoiceMenu]) -> str:
    """Stored menu JSON extended with pushed menus: earlier options keep their numbers."""
    base = ChoiceMenu.from_json(current)
    items = list(base.items) if base is not None else []
    for menu in menus:
        items.extend(item for item in menu.items if item not in items)
    numbers = base.numbers if base is not None else False
    return ChoiceMenu(items=tuple(items), numbers=numbers).to_json()


@dataclass(frozen=True)
class RenderedReplies:
    """Parts in send order, plus the menu of options shown (None when there were none)."""

    parts: list[OutPart]
    menu: ChoiceMenu | None = None


def split_for_wechat(
    text: str, max_bytes: int = TEXT_MAX_BYTES, max_chars: int = TEXT_MAX_CHARS
) -> list[str]:
    """Chunks within WeChat's per-message limit, cut at paragraph/sentence boundaries."""
    out: list[str] = []
    for chunk in split_text(text, max_chars):
        if len(chunk.encode("utf-8")) <= max_bytes:
            out.append(chunk)
        elif max_chars > 1:
            out.extend(split_for_wechat(chunk, max_bytes, max(1, max_chars // 2)))
        else:  # a single code point cannot exceed 4 bytes; unreachable for sane limits
            out.append(chunk)
    return out


def render_replies(
    replies: list[Reply], texts: Texts | None = None, *, numbers: bool = True
) -> RenderedReplies:
    """Translate core replies; choices become tappable menu links (and numbers in a chat)."""
    texts = texts or load_wechat_texts()
    parts: list[OutPart] = []
    items: list[tuple[str, str]] = []
    prefix = "" if numbers else "push_"
    for reply in replies:
        body = reply.text.strip()
        if reply.document is not None:
            name = reply.document_name or "file"
            note = texts.get("document_unsupported", name=name)
            body = f"{body}\n\n{note}" if body else note
        options = [choice for row in reply.choices for choice in row]
        if options:
            lines = [texts.get(prefix + "choices_header")]
            for choice in options:
                items.append((choice.data, choice.label))
                label = html.escape(choice.label, quote=True)
                lines.append(texts.get(prefix + "choice_item", number=len(items), label=label))
            body = (body + "\n\n" if body else "") + "\n".join(lines)
        parts.extend(OutPart(text=chunk) for chunk in split_for_wechat(body))
        if reply.image_png is not None:  # after its text: the text can go out as the passive reply
            parts.append(OutPart(image_png=reply.image_png))
    if len(parts) > MAX_PARTS:
        kept = parts[: MAX_PARTS - 1]
        parts = [*kept, OutPart(text=texts.get("truncated"))]
    menu = ChoiceMenu(items=tuple(items), numbers=numbers) if items else None
    return RenderedReplies(parts=parts, menu=menu)


def parts_to_payload(parts: list[OutPart]) -> list[dict[str, str]]:
    """JSON-safe form of parts, for the pending-delivery queue."""
    payload: list[dict[str, str]] = []
    for part in parts:
        if part.image_png is not None:
            payload.append({"image_b64": base64.b64encode(part.image_png).decode("ascii")})
        else:
            payload.append({"text": part.text})
    return payload


def parts_from_payload(payload: list[dict[str, str]]) -> list[OutPart]:
    """Inverse of parts_to_payload; skips entries that do not decode."""
    parts: list[OutPart] = []
    for item in payload:
        if not isinstance(item, dict):
            continue
        if "image_b64" in item:
            try:
                parts.append(OutPart(image_png=base64.b64decode(item["image_b64"])))
            except (binascii.Error, ValueError):
                continue
        elif item.get("text"):
            parts.append(OutPart(text=str(item["text"])))
    return parts
