"""Token buckets keyed by address or session: a flood from one key never slows the others."""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["Buckets"]

_SWEEP_AT = 20_000  # keys kept before full (idle) buckets are dropped


class Buckets:
    """`rate` requests a second per key with bursts of `burst`; memory stays bounded."""

    def __init__(
        self, rate: float, burst: int, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._rate = rate
        self._burst = float(burst)
        self._clock = clock
        self._state: dict[str, tuple[float, float]] = {}  # key -> (tokens, at)

    def take(self, key: str) -> bool:
        """Spend one token of this key; False when the key is over its rate."""
        now = self._clock()
        tokens, at = self._state.get(key, (self._burst, now))
        tokens = min(self._burst, tokens + (now - at) * self._rate)
        if len(self._state) >= _SWEEP_AT:
            self._sweep(now)
        if tokens < 1.0:
            self._state[key] = (tokens, now)
            return False
        self._state[key] = (tokens - 1.0, now)
        return True

    def _sweep(self, now: float) -> None:
        """Drop keys whose bucket has refilled (they would start full anyway)."""
        full = [k for k, (t, at) in self._state.items() if t + (now - at) * self._rate >= self._burst]
        for key in full:
            del self._state[key]
        if len(self._state) >= _SWEEP_AT:  # all busy: start over rather than grow without bound
            self._state.clear()
