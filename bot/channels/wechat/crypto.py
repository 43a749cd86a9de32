"""WeChat callback protocol crypto: SHA1 signatures and the AES-256-CBC "safe mode" envelope.

Owned here instead of depending on the unmaintained wechatpy; checked against the official
SDK sample vectors in tests/channels/test_wechat_crypto.py.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

__all__ = [
    "InvalidSignatureError",
    "WeChatCrypto",
    "WeChatCryptoError",
    "check_signature",
    "sign",
]

_BLOCK = 32  # WeChat pads PKCS#7 to a multiple of 32 bytes (not AES's 16)


class WeChatCryptoError(Exception):
    """A callback payload that cannot be decrypted or does not belong to this account."""


class InvalidSignatureError(WeChatCryptoError):
    """The signature does not match: a forged or corrupted request."""


def sign(*parts: str) -> str:
    """SHA1 hex of the lexicographically sorted, concatenated parts (WeChat's signature scheme)."""
    return hashlib.sha1("".join(sorted(parts)).encode("utf-8")).hexdigest()


def check_signature(token: str, signature: str, timestamp: str, nonce: str) -> bool:
    """True when `signature` is sha1(sort(token, timestamp, nonce)); constant-time compare."""
    given = (signature or "").lower()
    if not given.isascii():  # compare_digest raises TypeError on non-ASCII text
        return False
    return hmac.compare_digest(sign(token, timestamp, nonce), given)


class WeChatCrypto:
    """Encrypts and decrypts safe-mode messages for one Official Account (token, key, AppID)."""

    def __init__(self, token: str, encoding_aes_key: str, app_id: str) -> None:
        if len(encoding_aes_key) != 43:
            raise WeChatCryptoError("EncodingAESKey must be 43 characters")
        try:
            key = base64.b64decode(encoding_aes_key + "=", validate=True)
        except (binascii.Error, ValueError) as exc:
            raise WeChatCryptoError("EncodingAESKey is not base64") from exc
        if len(key) != 32:
            raise WeChatCryptoError("EncodingAESKey must decode to 32 bytes")
        self.token = token
        self.app_id = app_id
        self._key = key
        self._iv = key[:16]

    # --- raw payload ----------------------------------------------------------------------

    def encrypt(self, plaintext: str, random_prefix: bytes | None = None) -> str:
        """Base64 of AES-CBC(random16 + len(msg) + msg + appid), PKCS#7-padded to 32 bytes."""
        prefix = random_prefix if random_prefix is not None else os.urandom(16)
        if len(prefix) != 16:
            raise WeChatCryptoError("random prefix must be 16 bytes")
        body = plaintext.encode("utf-8")
        data = prefix + struct.pack(">I", len(body)) + body + self.app_id.encode("utf-8")
        pad = _BLOCK - len(data) % _BLOCK
        data += bytes([pad]) * pad
        encryptor = Cipher(algorithms.AES(self._key), modes.CBC(self._iv)).encryptor()
        return base64.b64encode(encryptor.update(data) + encryptor.finalize()).decode("ascii")

    def decrypt(self, encrypted: str) -> str:
        """Inverse of encrypt; checks padding, length and that the AppID is ours."""
        try:
            raw = base64.b64decode(encrypted, validate=False)
        except (binascii.Error, ValueError) as exc:
            raise WeChatCryptoError("payload is not base64") from exc
        if not raw or len(raw) % 16:
            raise WeChatCryptoError("payload length is not a whole number of AES blocks")
        decryptor = Cipher(algorithms.AES(self._key), modes.CBC(self._iv)).decryptor()
        data = decryptor.update(raw) + decryptor.finalize()
        pad = data[-1]
        if not 1 <= pad <= _BLOCK or data[-pad:] != bytes([pad]) * pad:
            raise WeChatCryptoError("bad padding")
        data = data[:-pad]
        if len(data) < 20:
            raise WeChatCryptoError("payload too short")
        (length,) = struct.unpack(">I", data[16:20])
        body, app_id = data[20 : 20 + length], data[20 + length :]
        if len(body) != length:
            raise WeChatCryptoError("declared length exceeds payload")
        if not hmac.compare_digest(app_id, self.app_id.encode("utf-8")):
            raise WeChatCryptoError("payload is for another AppID")
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise WeChatCryptoError("payload is not UTF-8") from exc

    # --- signed envelope --------------------------------------------------------------------

    def decrypt_message(
        self, encrypted: str, msg_signature: str, timestamp: str, nonce: str
    ) -> str:
        """Check msg_signature = sha1(sort(token, timestamp, nonce, Encrypt)), then decrypt."""
        expected = sign(self.token, timestamp, nonce, encrypted)
        given = (msg_signature or "").lower()
        if not given.isascii() or not hmac.compare_digest(expected, given):
            raise InvalidSignatureError("msg_signature mismatch")
        return self.decrypt(encrypted)

    def encrypt_message(
        self, plaintext: str, timestamp: str, nonce: str, random_prefix: bytes | None = None
    ) -> tuple[str, str]:
        """(Encrypt, MsgSignature) for a reply envelope."""
        encrypted = self.encrypt(plaintext, random_prefix)
        return encrypted, sign(self.token, timestamp, nonce, encrypted)
