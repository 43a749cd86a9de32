"""Scoring benchmarks: one warm estimate with suggestions, and batch scoring of 100,000 firms.

Run: .venv/bin/python bench/bench_scoring.py [--firms 100000] [--xlsx-rows 10000]
Targets: one estimate ≤ 5 ms warm (issue 3); 100,000 firms ≤ 2 s for scoring (issue 13, CPU
time reported next to wall time on a shared machine); XLSX write time of 10,000 ranked rows with
the product's writer (XlsxWriter, constant memory) against openpyxl's write-only mode with the
same formats (issue 13); peak memory reported.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import scoring
from scoring.batch import score_table
from tests.fakes.scoring import generate_firms, row_figures

FIRM = {
    "revenue": 3000, "revenue_prev": 2500, "rd_expense": 150, "rd_expense_prev": 120, "employees": 80,
    "rd_staff": 12, "invention_patents": 0, "class2_ip": 2, "tech_contract_amount": 30,
    "rd_platform_level": "municipal", "high_tech_revenue": 1500, "net_profit": 200, "net_assets": 2000,
    "total_liabilities": 1500, "total_assets": 2600, "tax_paid": 80, "graduates_hired": 2,
    "equity_financing_3y": 300, "qualification": "tech_sme", "standards": "participated",
}


def bench_single(runs: int) -> None:
    scoring.score(FIRM)  # warm: rule file loaded and cached
    times = []
    cpu0 = time.process_time()
    for _ in range(runs):
        t0 = time.perf_counter()
        result = scoring.score(FIRM)
        times.append(time.perf_counter() - t0)
    cpu = (time.process_time() - cpu0) / runs
    assert isinstance(result, scoring.ScoreResult) and len(result.suggestions) == 3
    times.sort()
    print(f"single estimate with {len(result.suggestions)} suggestions (warm, {runs} runs): "
          f"median {statistics.median(times) * 1000:.3f} ms, p95 {times[int(runs * 0.95)] * 1000:.3f} ms "
          f"CPU {cpu * 1000:.3f} ms (target ≤ 5 ms)")
    for rule_set in ("tech-sme-2022", "high-tech-2016"):
        scoring.score(FIRM, rule_set)
        t0 = time.perf_counter()
        for _ in range(runs):
            scoring.score(FIRM, rule_set)
        print(f"single {rule_set}: {(time.perf_counter() - t0) / runs * 1000:.3f} ms")


def bench_batch(n: int) -> None:
    t0 = time.perf_counter()
    df = generate_firms(n, seed=42, missing=0.1, invalid=0.001)
    print(f"generated {n:,} firms in {time.perf_counter() - t0:.2f} s")
    score_table(df.head(100))  # warm imports
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    result = score_table(df)
    elapsed = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    print(f"batch score_table of {n:,} firms: {elapsed:.2f} s wall, {cpu:.2f} s CPU "
          f"({n / elapsed:,.0f} firms/s, target ≤ 2 s); {len(result.errors)} rows with errors")
    tracemalloc.start()
    score_table(df)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"batch peak traced memory (allocations during score_table, input frame excluded): "
          f"{peak / 2**20:.0f} MiB")
    for rule_set in ("tech-sme-2022", "high-tech-2016"):
        t0 = time.perf_counter()
        score_table(df, rule_set)
        print(f"batch {rule_set} of {n:,} firms: {time.perf_counter() - t0:.2f} s")
    # spot check: a few rows against the single-firm engine
    for i in range(0, n, max(1, n // 50)):
        row = result.table.iloc[i]
        if row["error"]:
            continue
        single = scoring.score(row_figures(df.iloc[i]))
        assert row["rectified_total"] == single.rectified_total, i
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "firms.csv"
        df.to_csv(src, index=False)
        t0 = time.perf_counter()
        result = score_table(src)
        mid = time.perf_counter()
        result.write(Path(tmp) / "ranked.csv")
        end = time.perf_counter()
        print(f"CSV round trip of {n:,} firms: read+score {mid - t0:.2f} s, write {end - mid:.2f} s")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS: {rss:.0f} MiB")


def _openpyxl_write_only(path: Path, result: Any) -> None:
    """The same result sheet with openpyxl's write-only mode: header style, formats, freeze, widths."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    from scoring.batch_output import _cell, _format_key, output_headers

    book = Workbook(write_only=True)
    sheet = book.create_sheet("评分结果")
    table = result.table
    headers = output_headers(list(map(str, table.columns)), field_names=False)
    formats = {"decimal": "#,##0.00", "integer": "#,##0"}
    keys = [_format_key(str(c)) for c in table.columns]
    for j, header in enumerate(headers):
        sheet.column_dimensions[chr(65 + j % 26) * (1 + j // 26)].width = max(8, len(header) * 2)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    head = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        head.append(cell)
    sheet.append(head)
    for row in table.itertuples(index=False, name=None):
        cells = []
        for value, key in zip(row, keys, strict=True):
            cell = WriteOnlyCell(sheet, value=_cell(value))
            if key:
                cell.number_format = formats[key]
            cells.append(cell)
        sheet.append(cells)
    book.save(path)


def bench_xlsx(rows: int) -> None:
    df = generate_firms(rows, seed=7, missing=0.1)
    result = score_table(df)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        cpu0 = time.process_time()
        result.write(Path(tmp) / "ranked.xlsx")
        xlsxwriter_s, xlsxwriter_cpu = time.perf_counter() - t0, time.process_time() - cpu0
        t0 = time.perf_counter()
        cpu0 = time.process_time()
        _openpyxl_write_only(Path(tmp) / "openpyxl.xlsx", result)
        openpyxl_s, openpyxl_cpu = time.perf_counter() - t0, time.process_time() - cpu0
    print(f"XLSX write of {rows:,} ranked rows ({len(result.table.columns)} columns): "
          f"XlsxWriter (product: 说明 + result + {len(result.top)} top-10 sheets) {xlsxwriter_s:.2f} s wall "
          f"{xlsxwriter_cpu:.2f} s CPU; openpyxl write-only (result sheet only) {openpyxl_s:.2f} s wall "
          f"{openpyxl_cpu:.2f} s CPU")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--firms", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--xlsx-rows", type=int, default=10_000)
    args = parser.parse_args()
    bench_single(args.runs)
    bench_batch(args.firms)
    bench_xlsx(args.xlsx_rows)


if __name__ == "__main__":
    main()
