"""Text extraction in a child process with a time and memory limit per file.

A hostile file (a docx that unzips to gigabytes, a PDF that loops) costs one per-file error and
at most `timeout` seconds; the rest of the batch goes on. One worker serves a whole batch and is
replaced only after a file had to be killed.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.pool
from pathlib import Path
from types import TracebackType

from retrieval.errors import DocumentError
from retrieval.loaders import load_file

__all__ = ["FileExtractor"]

_GENERIC = "无法解析，已跳过"


def _limit_memory(megabytes: int) -> None:
    """Worker initializer: cap the address space so a bomb fails with MemoryError, not the host."""
    try:
        import resource

        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # not on this platform: the timeout still holds
        pass


def _extract(path: str) -> tuple[bool, str]:
    """(True, text) or (False, the Chinese per-file reason) — plain values cross the pipe."""
    try:
        return True, load_file(Path(path))
    except DocumentError as exc:
        return False, exc.user_message
    except MemoryError:
        return False, f"{Path(path).name}：文件解析占用内存过多，已跳过"
    except Exception:  # a parser bug on a hostile file: that file fails, the batch goes on
        return False, f"{Path(path).name}：{_GENERIC}"


class FileExtractor:
    """load_file with a per-file timeout; use as a context manager around one batch."""

    def __init__(self, timeout: float = 60.0, memory_mb: int = 2048) -> None:
        self.timeout = timeout
        self.memory_mb = memory_mb
        self._pool: multiprocessing.pool.Pool | None = None

    def __enter__(self) -> FileExtractor:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop the worker."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None

    def _worker(self) -> multiprocessing.pool.Pool:
        if self._pool is None:
            context = multiprocessing.get_context("spawn")  # no fork of a threaded parent
            self._pool = context.Pool(1, initializer=_limit_memory, initargs=(self.memory_mb,))
        return self._pool

    def extract(self, path: Path) -> str:
        """The file's text; DocumentError with a Chinese per-file message on any failure."""
        pending = self._worker().apply_async(_extract, (str(path),))
        try:
            ok, value = pending.get(timeout=self.timeout)
        except multiprocessing.TimeoutError:
            self.close()  # the worker is stuck on this file: kill it, the next file gets a new one
            reason = f"{path.name}：解析超时（超过 {self.timeout:g} 秒），已跳过"
            raise DocumentError(reason, user_message=reason) from None
        if not ok:
            raise DocumentError(value, user_message=value)
        return value
