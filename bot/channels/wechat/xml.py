"""WeChat callback XML: a safe parser (no DTDs, no entities) and builders for passive replies."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.parsers import expat

__all__ = [
    "WeChatMessage",
    "XmlError",
    "build_encrypted_reply",
    "build_image_reply",
    "build_text_reply",
    "parse_message",
    "parse_xml",
]

_MAX_DEPTH = 8
_MAX_ELEMENTS = 200


class XmlError(ValueError):
    """Malformed, hostile (DTD / entity) or oversized XML."""


def parse_xml(data: bytes | str) -> dict[str, str]:
    """Text of the root's direct children, parsed with expat and every DTD feature refused.

    Refusing DOCTYPE and entity declarations outright (as defusedxml does) rules out
    billion-laughs expansion and external entity fetches; nested elements are ignored.
    """
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    fields: dict[str, str] = {}
    state = {"depth": 0, "count": 0}
    current: list[str] = []
    tag: list[str | None] = [None]

    def forbid(*_args: object) -> None:
        raise XmlError("DTDs and entities are not accepted")

    def start(name: str, _attrs: dict[str, str]) -> None:
        state["depth"] += 1
        state["count"] += 1
        if state["depth"] > _MAX_DEPTH or state["count"] > _MAX_ELEMENTS:
            raise XmlError("XML too deep or too large")
        if state["depth"] == 2:
            tag[0] = name
            current.clear()

    def end(name: str) -> None:
        if state["depth"] == 2 and tag[0] == name:
            fields[name] = "".join(current).strip()
            tag[0] = None
        state["depth"] -= 1

    def chars(text: str) -> None:
        if state["depth"] == 2 and tag[0] is not None:
            current.append(text)

    parser.StartDoctypeDeclHandler = forbid
    parser.EntityDeclHandler = forbid
    parser.UnparsedEntityDeclHandler = forbid
    parser.ExternalEntityRefHandler = forbid  # type: ignore[assignment]
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise XmlError("malformed XML") from exc
    except XmlError:
        raise
    except (ValueError, LookupError) as exc:  # encoding="gbk" (multi-byte) or an unknown one
        raise XmlError("unsupported XML encoding") from exc
    return fields


@dataclass(frozen=True)
class WeChatMessage:
    """One callback message (user message or event) in WeChat's own terms."""

    to_user: str
    from_user: str
    create_time: int
    msg_type: str
    content: str = ""
    msg_id: str = ""
    event: str = ""
    event_key: str = ""
    recognition: str = ""  # speech-to-text of a voice message, when the account enables it
    menu_id: str = ""  # bizmsgmenuid: which menu link of ours the user tapped
    raw: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def dedupe_key(self) -> str:
        """MsgId for messages; FromUserName + CreateTime + Event for events (WeChat's own rule)."""
        if self.msg_id:
            return f"m:{self.msg_id}"
        return f"e:{self.from_user}:{self.create_time}:{self.event}:{self.event_key}"[:190]


def parse_message(fields: dict[str, str]) -> WeChatMessage:
    """Build a WeChatMessage from parsed fields; XmlError when the envelope is incomplete."""
    from_user = fields.get("FromUserName", "")
    msg_type = fields.get("MsgType", "").lower()
    if not from_user or not msg_type:
        raise XmlError("FromUserName and MsgType are required")
    try:
        create_time = int(fields.get("CreateTime", "0") or 0)
    except ValueError:
        create_time = 0
    return WeChatMessage(
        to_user=fields.get("ToUserName", ""),
        from_user=from_user,
        create_time=create_time,
        msg_type=msg_type,
        content=fields.get("Content", ""),
        msg_id=fields.get("MsgId", "") or fields.get("MsgID", ""),
        event=fields.get("Event", "").lower(),
        event_key=fields.get("EventKey", ""),
        recognition=fields.get("Recognition", ""),
        menu_id=fields.get("bizmsgmenuid", ""),
        raw=dict(fields),
    )


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _cdata(text: str) -> str:
    """Wrap in CDATA, splitting any "]]>" so the section cannot be closed early; characters
    XML 1.0 forbids are dropped (WeChat would reject the whole reply)."""
    clean = _NOT_XML.sub("", text)
    return "<![CDATA[" + clean.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _reply_head(to_user: str, from_user: str, create_time: int, msg_type: str) -> str:
    """The elements every passive reply starts with, in the order WeChat's samples use."""
    return (
        f"<ToUserName>{_cdata(to_user)}</ToUserName>"
        f"<FromUserName>{_cdata(from_user)}</FromUserName>"
        f"<CreateTime>{int(create_time)}</CreateTime>"
        f"<MsgType><![CDATA[{msg_type}]]></MsgType>"
    )


def build_text_reply(to_user: str, from_user: str, content: str, create_time: int) -> str:
    """Passive text reply (ToUserName is the user's OpenID, FromUserName the account)."""
    head = _reply_head(to_user, from_user, create_time, "text")
    return f"<xml>{head}<Content>{_cdata(content)}</Content></xml>"


def build_image_reply(to_user: str, from_user: str, media_id: str, create_time: int) -> str:
    """Passive image reply referring to an uploaded temporary media item."""
    head = _reply_head(to_user, from_user, create_time, "image")
    return f"<xml>{head}<Image><MediaId>{_cdata(media_id)}</MediaId></Image></xml>"


def build_encrypted_reply(encrypted: str, signature: str, timestamp: str, nonce: str) -> str:
    """Safe-mode envelope around an encrypted passive reply (timestamp: decimal digits)."""
    return (
        f"<xml><Encrypt>{_cdata(encrypted)}</Encrypt>"
        f"<MsgSignature>{_cdata(signature)}</MsgSignature>"
        f"<TimeStamp>{int(timestamp)}</TimeStamp>"  # as the official SDK writes it
        f"<Nonce>{_cdata(nonce)}</Nonce></xml>"
    )
