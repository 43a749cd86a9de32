"""An aiohttp application served inside the running loop: the WeChat callback and the web pages."""

from __future__ import annotations

import logging

from aiohttp import web

__all__ = ["AppSite"]

log = logging.getLogger(__name__)


class AppSite:
    """A Channel (start/stop) serving one aiohttp application on host:port.

    No access log: URLs can carry questions. Port 0 picks a free port (see `port`).
    """

    def __init__(self, app: web.Application, host: str, port: int, *, name: str) -> None:
        self.app = app
        self.host = host
        self._port = port
        self.name = name
        self.runner: web.AppRunner | None = None

    @property
    def port(self) -> int:
        """The port listened on (the one picked when 0 was asked for)."""
        if self.runner is not None and self.runner.addresses:
            return int(self.runner.addresses[0][1])
        return self._port

    async def start(self) -> None:
        """Set the application up and listen."""
        self.runner = web.AppRunner(self.app, access_log=None)
        await self.runner.setup()
        await web.TCPSite(self.runner, self.host, self._port).start()
        log.info("%s listening on http://%s:%s/", self.name, self.host, self.port)

    async def stop(self) -> None:
        """Stop listening and run the application's shutdown and cleanup hooks (safe unstarted)."""
        runner, self.runner = self.runner, None
        if runner is not None:
            await runner.cleanup()
