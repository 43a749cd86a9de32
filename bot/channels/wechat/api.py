"""WeChat Official Account HTTP API client: access-token cache, customer-service messages, media."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from typing import Any

import httpx

__all__ = ["TOKEN_ERRORS", "UNSUBSCRIBED_ERRORS", "WeChatAPI", "WeChatAPIError"]

log = logging.getLogger(__name__)

TOKEN_ERRORS = frozenset({40001, 40014, 42001})  # invalid / malformed / expired access_token
UNSUBSCRIBED_ERRORS = frozenset({43004, 43019})  # user unfollowed / blocked the account
_REFRESH_MARGIN = 300.0  # refresh this many seconds before WeChat's expiry
_Files = dict[str, tuple[str, bytes, str]]  # multipart field -> (filename, bytes, content type)


class WeChatAPIError(Exception):
    """A WeChat API call failed: errcode from WeChat, or -1 for transport problems."""

    def __init__(self, errcode: int, errmsg: str = "") -> None:
        super().__init__(f"wechat api error {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg

    @property
    def transient(self) -> bool:
        """Worth retrying later (network trouble, rate limits, WeChat busy)."""
        return self.errcode in {-1, 45009, 45047, 45011} or self.errcode >= 50000


class WeChatAPI:
    """One account's API client over an injected `httpx.AsyncClient` (owned from then on)."""

    def __init__(
        self,
        *,
        app_id: str,
        app_secret: str,
        http: httpx.AsyncClient,
        base_url: str = "https://api.weixin.qq.com",
        token_mode: str = "stable",
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if token_mode not in ("stable", "classic"):
            raise ValueError("token_mode is 'stable' or 'classic'")
        self.app_id = app_id
        self.token_mode = token_mode
        self._secret = app_secret
        self.base_url = base_url.rstrip("/")
        self._http = http
        self._monotonic = monotonic
        self._token: str | None = None
        self._token_expires = 0.0
        self._lock: asyncio.Lock | None = None

    # --- lifecycle --------------------------------------------------------------------------

    async def aclose(self) -> None:
        """Close the HTTP client handed in (call once on shutdown)."""
        await self._http.aclose()

    @property
    def closed(self) -> bool:
        """True once aclose ran: shows who owns a client shared by webhook and notifier."""
        return self._http.is_closed

    # --- access token -------------------------------------------------------------------------

    async def access_token(self, *, stale: str | None = None) -> str:
        """A valid access token, fetched once and reused until shortly before it expires.

        `stale` is a token WeChat just rejected: it is replaced, but only once however many
        concurrent callers report it.
        """
        if self._lock is None:
            self._lock = asyncio.Lock()
        if self._usable(stale):
            return self._token  # type: ignore[return-value]
        async with self._lock:
            if self._usable(stale):
                return self._token  # type: ignore[return-value]
            data = await self._fetch_token(force=stale is not None and stale == self._token)
            token = data.get("access_token")
            if not isinstance(token, str) or not token:
                raise WeChatAPIError(-1, "no access_token in response")
            try:
                expires_in = float(data.get("expires_in") or 7200)
            except (TypeError, ValueError):
                expires_in = 7200.0
            self._token = token
            self._token_expires = self._monotonic() + max(
                expires_in - _REFRESH_MARGIN, expires_in / 2
            )
            log.info("wechat access token refreshed (valid %.0fs)", expires_in)
            return token

    async def _fetch_token(self, *, force: bool) -> dict[str, Any]:
        """Stable mode: every process gets the same token (POST /cgi-bin/stable_token), so
        several bot processes never invalidate each other's; classic: GET /cgi-bin/token."""
        if self.token_mode == "stable":
            data = await self._stable_token(force_refresh=False)
            if force and data.get("access_token") == self._token:
                # WeChat rejected the token the stable cache still hands out: renew it once
                data = await self._stable_token(force_refresh=True)
            return data
        return await self._request(
            "GET",
            "/cgi-bin/token",
            params={
                "grant_type": "client_credential",
                "appid": self.app_id,
                "secret": self._secret,
            },
        )

    async def _stable_token(self, *, force_refresh: bool) -> dict[str, Any]:
        """POST /cgi-bin/stable_token; force_refresh asks WeChat for a new token."""
        return await self._request(
            "POST",
            "/cgi-bin/stable_token",
            json_body={
                "grant_type": "client_credential",
                "appid": self.app_id,
                "secret": self._secret,
                "force_refresh": force_refresh,
            },
        )

    def _usable(self, stale: str | None) -> bool:
        return (
            self._token is not None
            and self._token != stale
            and self._monotonic() < self._token_expires
        )

    def invalidate_token(self) -> None:
        """Drop the cached token (WeChat said it is invalid or expired)."""
        self._token = None
        self._token_expires = 0.0

    # --- calls ---------------------------------------------------------------------------------

    async def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json_body: Any = None,
        files: _Files | None = None,
    ) -> dict[str, Any]:
        """One HTTP call; WeChatAPIError for transport failures and non-zero errcode."""
        if self._http.is_closed:  # shutting down: a late push fails like a lost connection
            raise WeChatAPIError(-1, "client closed")
        headers = None
        content = None
        if json_body is not None:  # WeChat rejects \uXXXX escapes (errcode 40033): send UTF-8
            content = json.dumps(json_body, ensure_ascii=False).encode("utf-8")
            headers = {"Content-Type": "application/json; charset=utf-8"}
        try:
            resp = await self._http.request(
                method,
                self.base_url + path,
                params=params,
                content=content,
                files=files,
                headers=headers,
            )
            if resp.status_code >= 500:
                raise WeChatAPIError(-1, f"http {resp.status_code}")
            payload = resp.json()
        except (TimeoutError, httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
            raise WeChatAPIError(-1, type(exc).__name__) from exc
        if not isinstance(payload, dict):
            raise WeChatAPIError(-1, "unexpected response")
        try:
            errcode = int(payload.get("errcode") or 0)
        except (TypeError, ValueError):
            errcode = -1
        if errcode:
            raise WeChatAPIError(errcode, str(payload.get("errmsg", "")))
        return payload

    async def _call(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json_body: Any = None,
        files: _Files | None = None,
    ) -> dict[str, Any]:
        """An authenticated call, retried once with a fresh token on 40001/42001."""
        stale: str | None = None
        for attempt in (0, 1):
            token = await self.access_token(stale=stale)
            query = {"access_token": token, **(params or {})}
            try:
                return await self._request(
                    method, path, params=query, json_body=json_body, files=files
                )
            except WeChatAPIError as exc:
                if exc.errcode in TOKEN_ERRORS and attempt == 0:
                    stale = token
                    continue
                raise
        raise WeChatAPIError(-1, "unreachable")  # pragma: no cover

    async def send_text(self, openid: str, content: str) -> None:
        """Customer-service text message (allowed within 48 h of the user's last message)."""
        await self._call(
            "POST",
            "/cgi-bin/message/custom/send",
            json_body={"touser": openid, "msgtype": "text", "text": {"content": content}},
        )

    async def send_image(self, openid: str, media_id: str) -> None:
        """Customer-service image message referring to uploaded media."""
        await self._call(
            "POST",
            "/cgi-bin/message/custom/send",
            json_body={"touser": openid, "msgtype": "image", "image": {"media_id": media_id}},
        )

    async def upload_image(self, png: bytes, filename: str = "chart.png") -> str:
        """Upload a temporary image (kept 3 days by WeChat) and return its media_id."""
        data = await self._call(
            "POST",
            "/cgi-bin/media/upload",
            params={"type": "image"},
            files={"media": (filename, png, "image/png")},
        )
        media_id = data.get("media_id")
        if not isinstance(media_id, str) or not media_id:
            raise WeChatAPIError(-1, "no media_id in response")
        return media_id

    async def send_subscription_notice(
        self, openid: str, template_id: str, data: dict[str, str], page: str | None = None
    ) -> None:
        """Subscription notice (订阅通知) — works outside the 48-hour window once authorised."""
        body: dict[str, Any] = {
            "touser": openid,
            "template_id": template_id,
            "data": {key: {"value": value} for key, value in data.items()},
        }
        if page:
            body["page"] = page
        await self._call("POST", "/cgi-bin/message/subscribe/bizsend", json_body=body)

    async def create_menu(self, menu: dict[str, Any]) -> None:
        """Replace the account's custom menu."""
        await self._call("POST", "/cgi-bin/menu/create", json_body=menu)
