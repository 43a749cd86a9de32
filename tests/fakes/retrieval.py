"""Retrieval fakes: a loopback OpenAI-compatible chat server and a static in-memory searcher."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from retrieval.textutil import match_key
from retrieval.types import Hit, SearchFilters

__all__ = ["FakeChatReply", "FakeOpenAIServer", "StaticSearcher"]


@dataclass
class FakeChatReply:
    """One scripted reply: content, or an HTTP error status, optionally after a delay."""

    content: str = ""
    status: int = 200
    delay: float = 0.0


@dataclass
class FakeOpenAIServer:
    """POST /v1/chat/completions on 127.0.0.1 answering from a queue; records each request body."""

    replies: deque[FakeChatReply] = field(default_factory=deque)
    requests: list[dict[str, Any]] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        """The URL to give the OpenAI client."""
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def push(self, content: str = "", status: int = 200, delay: float = 0.0) -> None:
        """Queue the next reply."""
        self.replies.append(FakeChatReply(content, status, delay))

    def start(self) -> FakeOpenAIServer:
        """Listen on a free loopback port in a daemon thread."""
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                fake.requests.append(body)
                reply = fake.replies.popleft() if fake.replies else FakeChatReply("未找到")
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.status != 200:
                    payload = {"error": {"message": "scripted failure", "type": "server_error"}}
                else:
                    payload = {
                        "id": "chatcmpl-fake",
                        "object": "chat.completion",
                        "created": int(time.time()),
                        "model": body.get("model", "fake"),
                        "choices": [{
                            "index": 0,
                            "message": {"role": "assistant", "content": reply.content},
                            "finish_reason": "stop",
                        }],
                        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                    }
                data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client timed out and went away

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Shut the server down."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


class StaticSearcher:
    """A Searcher over fixed hits: those sharing a character bigram with the query, in order."""

    def __init__(self, hits: list[Hit]) -> None:
        self.hits = hits
        self.queries: list[str] = []

    def search(self, query: str, k: int = 5, filters: SearchFilters | None = None) -> list[Hit]:
        self.queries.append(query)
        q = match_key(query)
        grams = {q[i : i + 2] for i in range(len(q) - 1)}
        out = [h for h in self.hits if any(g in match_key(h.text + h.title) for g in grams)]
        if filters and filters.regions:
            out = [h for h in out if set(filters.regions) & set(h.regions)]
        return out[:k]
