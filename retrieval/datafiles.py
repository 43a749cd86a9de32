"""The package's YAML data files: parsed once, then read back from a cache keyed by their content.

A cold `innobot ask` reads several thousand lines of YAML (~50 ms even with libyaml); like a
.pyc, the parsed data is kept in `__pycache__` beside the file, named by a hash of the file's
bytes, so an edited file is parsed again and an unwritable install just parses every time.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["data_file", "load_yaml"]

log = logging.getLogger(__name__)

def load_yaml(text: str) -> Any:
    """Parse YAML text safely, with libyaml when it is there (same safe schema, C speed)."""
    import yaml  # imported on a cache miss only: loading the parser costs ~20 ms a process

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)


def data_file(name: str, package: str = "retrieval.data") -> Any:
    """The parsed content of a YAML data file shipped in `package` (a fresh copy each call)."""
    folder = resources.files(package)
    raw = folder.joinpath(name).read_bytes()
    cache = _cache_path(folder, name, raw)
    if cache is not None:
        try:
            return marshal.loads(cache.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            pass  # not cached yet (or written by another Python): parse below
    data = load_yaml(raw.decode("utf-8"))
    if cache is not None:
        _save(cache, name, data)
    return data


def _cache_path(folder: object, name: str, raw: bytes) -> Path | None:
    if not isinstance(folder, Path):  # a zipped install: nowhere to keep a cache
        return None
    digest = hashlib.blake2b(raw, digest_size=12).hexdigest()
    return folder / "__pycache__" / f"{name}.{digest}.m{marshal.version}"


def _save(cache: Path, name: str, data: Any) -> None:
    """Write the parsed data (atomically) and drop the caches of earlier versions of the file."""
    try:
        blob = marshal.dumps(data)
        cache.parent.mkdir(exist_ok=True)
        for old in cache.parent.glob(f"{name}.*.m*"):
            if not old.name.endswith(".tmp"):
                old.unlink(missing_ok=True)
        tmp = cache.with_name(f"{cache.name}.{os.getpid()}.tmp")
        tmp.write_bytes(blob)
        tmp.replace(cache)
    except (OSError, ValueError) as exc:  # read-only install, or data marshal cannot hold
        log.debug("data file cache not written: %s", type(exc).__name__)
