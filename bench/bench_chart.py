"""Chart renderers side by side: CPU time per chart and PNG size, matplotlib (before) vs Pillow.

    .venv/bin/python bench/bench_chart.py [--repeat 20]

CPU time (process_time) is reported rather than wall time: the machine may be shared.
Target (issue 16): <= 30 ms CPU median per chart and <= 60 KB per PNG.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import scoring
from bench import chart_matplotlib
from scoring.chart import render_chart

FIRM = {
    "revenue": 3000, "revenue_prev": 2500, "rd_expense": 150, "rd_expense_prev": 120,
    "employees": 80, "rd_staff": 12, "invention_patents": 0, "class2_ip": 2,
}

Renderer = Callable[[scoring.ScoreResult | scoring.TechSmeResult | scoring.HighTechResult], bytes]
RENDERERS: dict[str, Renderer] = {
    "matplotlib (before: dpi 110, bbox tight)": chart_matplotlib.render_chart,
    "matplotlib tuned (dpi 72, no bbox tight)": lambda r: chart_matplotlib.render_chart(r, dpi=72, tight=False),
    "Pillow (now)": render_chart,
}


def cpu_ms(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(first call, median of the next `repeat` calls) in CPU milliseconds."""
    start = time.process_time()
    fn()
    first = (time.process_time() - start) * 1000
    samples = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        samples.append((time.process_time() - start) * 1000)
    return first, statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    results = {rs: scoring.score(FIRM, rs) for rs in ("cn-ref-2024", "tech-sme-2022", "high-tech-2016")}
    print(f"{'renderer':44s} {'rule set':16s} {'first':>9s} {'median':>9s} {'PNG':>8s}")
    for name, render in RENDERERS.items():
        for rule_set, result in results.items():
            first, median = cpu_ms(lambda r=result, f=render: f(r), args.repeat)  # type: ignore[misc]
            size = len(render(result)) / 1024
            print(f"{name:44s} {rule_set:16s} {first:7.1f}ms {median:7.1f}ms {size:6.1f}KB")


if __name__ == "__main__":
    main()
