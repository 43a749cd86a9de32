"""Strict reading of a WeChat callback's query string: every parameter in WeChat's exact shape.

Anything else (a second copy of a parameter, " 179…", "+179…", full-width or underscored digits,
a non-ASCII signature, an unknown encrypt_type) is refused before any signature is computed, so
malformed input can neither reach a comparison that raises nor pass a lenient int().
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

__all__ = ["CallbackQuery", "QueryError", "parse_query"]

_HEX40 = re.compile(r"[0-9a-fA-F]{40}", re.ASCII)
_DIGITS = re.compile(r"[0-9]{1,12}", re.ASCII)
_NONCE = re.compile(r"[0-9A-Za-z_-]{1,64}", re.ASCII)
_ECHOSTR = re.compile(r"[\x21-\x7e]{1,256}", re.ASCII)
_OPENID = re.compile(r"[0-9A-Za-z_-]{1,128}", re.ASCII)
_ENCRYPT_TYPES = ("raw", "aes")
_KNOWN = ("signature", "timestamp", "nonce", "echostr", "encrypt_type", "msg_signature", "openid")


class QueryError(ValueError):
    """The query string is not one WeChat would send (answered 400, never processed)."""


@dataclass(frozen=True)
class CallbackQuery:
    """The parameters WeChat signs and sends with every callback, already validated."""

    signature: str  # lower-case hex
    timestamp: str  # ASCII decimal digits, as signed
    nonce: str
    encrypt_type: str = "raw"  # "raw" | "aes"
    msg_signature: str = ""  # lower-case hex, safe mode only
    echostr: str = ""  # URL verification only

    @property
    def seconds(self) -> int:
        """The timestamp as a number (safe: digits only, at most 12 of them)."""
        return int(self.timestamp)


def _one(values: Mapping[str, Sequence[str]], name: str) -> str | None:
    """The single value of a parameter; QueryError when it is repeated."""
    found = values.get(name, ())
    if len(found) > 1:
        raise QueryError(f"{name} given more than once")
    return found[0] if found else None


def _match(pattern: re.Pattern[str], value: str | None, name: str, *, required: bool) -> str:
    if value is None or value == "":
        if required:
            raise QueryError(f"{name} missing")
        return ""
    if not pattern.fullmatch(value):
        raise QueryError(f"{name} malformed")
    return value


def parse_query(values: Mapping[str, Sequence[str]]) -> CallbackQuery:
    """Validate the callback parameters (name → every value given); QueryError if any is off."""
    for name in _KNOWN:
        _one(values, name)
    signature = _match(_HEX40, _one(values, "signature"), "signature", required=True)
    timestamp = _match(_DIGITS, _one(values, "timestamp"), "timestamp", required=True)
    nonce = _match(_NONCE, _one(values, "nonce"), "nonce", required=True)
    msg_signature = _match(_HEX40, _one(values, "msg_signature"), "msg_signature", required=False)
    echostr = _match(_ECHOSTR, _one(values, "echostr"), "echostr", required=False)
    _match(_OPENID, _one(values, "openid"), "openid", required=False)
    encrypt_type = (_one(values, "encrypt_type") or "raw").lower()
    if encrypt_type not in _ENCRYPT_TYPES:
        raise QueryError("encrypt_type unknown")
    if encrypt_type == "aes" and not msg_signature:
        raise QueryError("msg_signature missing")
    return CallbackQuery(
        signature=signature.lower(),
        timestamp=timestamp,
        nonce=nonce,
        encrypt_type=encrypt_type,
        msg_signature=msg_signature.lower(),
        echostr=echostr,
    )
