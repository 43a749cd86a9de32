"""Shared helpers for the benchmarks: percentiles, peak memory, a plain report line."""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable, Sequence

__all__ = ["peak_rss_mb", "percentile", "report", "time_calls"]


def percentile(samples: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile of samples (pct in 0..100)."""
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def time_calls(fn: Callable[[], object], repeat: int) -> list[float]:
    """Run fn repeat times and return each call's wall time in milliseconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def report(name: str, samples_ms: Sequence[float]) -> str:
    """One line: count, p50, p95, max in ms."""
    return (
        f"{name}: n={len(samples_ms)} p50={statistics.median(samples_ms):.2f}ms "
        f"p95={percentile(samples_ms, 95):.2f}ms max={max(samples_ms):.2f}ms"
    )
