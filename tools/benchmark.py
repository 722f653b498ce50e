"""Benchmark: full dbt build against a hand-written query and lifetimes, at several sizes.

For each shape of the generator (`--shapes`: `default`, its mix of behaviours, and `dense`, every
customer buying about ten times over the four years) and each size (orders; customers =
orders / 10) it generates the Parquet raw data (timed, once), then measures, each `--runs` times,
reporting the median and the peak RSS:

1. `dbt build` (every model and data test, as `make run` runs it: unit tests, which check the
   logic on fixed fixtures and not the data, are left to `make test`) reading the Parquet files
   through `raw_dir`, into a new DuckDB file;
2. the hand-written single DuckDB query `benchmark/floor_query.sql` computing the same lifecycle
   labels from the same files (and how many of its labels agree with the build's);
3. lifetimes' `summary_data_from_transaction_data` (freq 'D') on the same purchases (the summary
   call alone is timed; loading the purchases is not), against the build's own per-customer
   figures step on those purchases (the node time of `int_customers_summarised`, which computes
   purchase days, frequency, recency, T and repeat spend from the purchases of
   `int_purchases_filtered`, what lifetimes is given);
4. `dbt build` again after one more day of orders is added as a new file (incremental run);
   both builds read the same folder, as a daily job does, so dbt reuses its partial parse;
5. the next day's run of a job that refits on a schedule (`prediction_refit_days: 7`, docs/
   predictions.md): one more day of orders again, a build that reuses the fit stored the day
   before and scores every customer again with it (customer_predictions, the Python model on
   DuckDB; its own target folder holds the partial parse of its vars, as a daily job's would);
and once, the fixed overhead: `dbt parse` and a build of the bundled sample (medians too).
Results go to a Markdown file (default `benchmark/results.md`): the table, each target met or
missed and by how much, and the profile (dbt's node times) that says where the time goes.

Usage: python -m tools.benchmark [--sizes 100000,1000000,10000000] [--shapes default,dense]
                                 [--runs 3] [--memory-limit 1GB]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb

from tools.generate_raw_data import SHAPES

PROJECT_DIR = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
END_DATE = date(2026, 6, 30)
YEARS = 4
# The production build: every model and data test (see the module docstring).
BUILD = ["build", "--exclude-resource-type", "unit_test"]
# The bundled sample, as `make run` builds it without raw_dir.
SAMPLE = ["--vars", json.dumps({"use_sample_data": True})]
# The scale targets (docs/benchmark.md), and the size they are set at.
TARGET_ORDERS = 10_000_000
TARGET_BUILD_PER_QUERY = 2.5
MILESTONE_BUILD_PER_QUERY = 5.0
TARGET_LIFETIMES_PER_FIGURES = 3.0
TARGET_PEAK_MIB = 2048
TARGET_INCREMENTAL_SHARE = 0.10
# The models that compute what lifetimes' summary computes, from the same purchases.
FIGURES_MODELS = ("int_customers_summarised",)
TARGET_OVERHEAD_SECONDS = 10.0


@dataclass
class Measure:
    """Wall-clock seconds and peak resident memory (MiB) of repeated runs."""

    seconds: list[float] = field(default_factory=list)
    peak_mib: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")

    @property
    def peak(self) -> float:
        return max(self.peak_mib) if self.peak_mib else float("nan")


def timed(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Run `command` under /usr/bin/env time-like accounting: returns seconds, peak MiB, output."""
    wrapper = [
        sys.executable,
        "-c",
        "import json, os, resource, subprocess, sys, time;"
        "t = time.perf_counter();"
        "r = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,"
        " text=True);"
        "s = time.perf_counter() - t;"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss;"
        "sys.stdout.write(r.stdout);"
        "sys.stdout.write('\\n@@' + json.dumps([s, u]) + '\\n');"
        "sys.exit(r.returncode)",
        *command,
    ]
    result = subprocess.run(
        wrapper,
        cwd=PROJECT_DIR,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    body, _, tail = result.stdout.rpartition("\n@@")
    if result.returncode != 0 or not tail:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout[-4000:]}{result.stderr}")
    seconds, max_rss_kib = json.loads(tail)
    return float(seconds), float(max_rss_kib) / 1024, body


# DuckDB's memory_limit for the builds and the hand-written query (--memory-limit).
LIMIT_VARIABLE = "SEGMENTS_DUCKDB_MEMORY_LIMIT"
MEMORY_LIMIT: dict[str, str] = {LIMIT_VARIABLE: "1GB"}


def dbt_env(database: Path, work: Path) -> dict[str, str]:
    return {
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "DBT_DUCKDB_PATH": str(database),
        "SEGMENTS_DUCKDB_TEMP_DIRECTORY": str(work / "duckdb_tmp"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        **MEMORY_LIMIT,
    }


def dbt(args: list[str], database: Path, work: Path) -> tuple[float, float, str]:
    command = [
        str(BIN / "dbt"),
        *args,
        "--target-path",
        str(work / "target"),
        "--log-path",
        str(work / "logs"),
    ]
    return timed(command, dbt_env(database, work))


def prepare_data(orders: int, shape: str, work: Path) -> tuple[Path, float]:
    """Generate the Parquet data set of `orders` orders in `shape` (again, timed); returns it and
    seconds."""
    raw_dir = work / f"raw_{shape}_{orders}"
    if raw_dir.exists():
        shutil.rmtree(raw_dir)
    seconds, _, _ = timed(
        [
            sys.executable,
            "-m",
            "tools.generate_raw_data",
            "--out",
            str(raw_dir),
            "--customers",
            str(max(orders // 10, 100)),
            "--orders",
            str(orders),
            "--end-date",
            END_DATE.isoformat(),
            "--years",
            str(YEARS),
            "--format",
            "parquet",
            "--shape",
            shape,
            "--no-optional-tables",
        ]
    )
    return raw_dir, seconds


def link_raw_files(raw_dir: Path, target: Path) -> Path:
    """A new folder `target` holding the files of raw_dir (hard links, or copies)."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for file in sorted(raw_dir.iterdir()):
        try:
            os.link(file, target / file.name)
        except OSError:
            shutil.copy2(file, target / file.name)
    return target


def add_one_day(raw_dir: Path, target: Path, days: int) -> Path:
    """Add to target a file with one more day of orders of raw_dir (the daily delta), dated
    `days` after the data's end."""
    next_day = END_DATE + timedelta(days=days)
    share_percent = 100 / (YEARS * 365)  # about one day's worth of the history
    delta = target / f"raw_orders_{next_day.isoformat()}.parquet"
    with duckdb.connect() as con:
        con.execute(
            f"""
            copy (
                select
                    'N{days}-' || trim(order_id) as order_id,
                    customer_id,
                    '{next_day.isoformat()} 12:00:00' as ordered_at,
                    status, channel, amount, discount_amount,
                    '{next_day.isoformat()} 23:59:59' as updated_at
                from read_parquet('{raw_dir}/raw_orders.parquet')
                using sample {share_percent:.6f} percent (bernoulli, {6 + days})
            ) to '{delta}' (format parquet)
            """
        )
    return target


def floor_labels(raw_dir: Path, output: Path) -> tuple[float, float]:
    query = (
        (PROJECT_DIR / "benchmark" / "floor_query.sql")
        .read_text()
        .replace("{raw_dir}", str(raw_dir))
    )
    script = (
        "import duckdb, sys\n"
        f"con = duckdb.connect(config={{'memory_limit': {MEMORY_LIMIT[LIMIT_VARIABLE]!r},"
        " 'threads': 2})\n"
        f"con.sql({query!r}).write_parquet({str(output)!r})\n"
    )
    seconds, peak, _ = timed([sys.executable, "-c", script])
    return seconds, peak


def lifetimes_summary(database: Path) -> tuple[float, float]:
    """Time lifetimes' summary on the build's purchases; returns (summary seconds, peak MiB)."""
    script = f"""
import time, duckdb, pandas as pd
from lifetimes.utils import summary_data_from_transaction_data
with duckdb.connect({str(database)!r}, read_only=True) as con:
    purchases = con.sql('''
        select orders.customer_id, cast(orders.order_date as timestamp) as order_date, orders.amount
        from intermediate.int_orders_validated as orders
        cross join intermediate.int_settings_resolved as settings
        where orders.is_purchase and orders.has_known_customer
            and orders.order_date <= settings.as_of_date
    ''').df()
    as_of = con.execute('select as_of_date from intermediate.int_settings_resolved').fetchone()[0]
start = time.perf_counter()
summary_data_from_transaction_data(purchases, 'customer_id', 'order_date',
    observation_period_end=pd.Timestamp(as_of), freq='D')
print('@seconds', time.perf_counter() - start)
"""
    _, peak, output = timed([sys.executable, "-c", script])
    seconds = float(output.rsplit("@seconds", 1)[1].split()[0])
    return seconds, peak


def agreement(database: Path, floor_output: Path) -> str:
    script = f"""
import duckdb
with duckdb.connect({str(database)!r}, read_only=True) as con:
    row = con.execute('''
        select count(*), count(*) filter (where s.lifecycle_segment = f.lifecycle_segment)
        from marts.customer_segments as s
        full outer join read_parquet({str(floor_output)!r}) as f using (customer_id)
    ''').fetchone()
print(f'{{row[1]}}/{{row[0]}}')
"""
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.strip()


def benchmark_size(orders: int, shape: str, runs: int, work: Path) -> dict[str, Any]:
    print(f"== {orders:,} orders, {shape} shape", flush=True)
    raw_dir, generator_seconds = prepare_data(orders, shape, work)
    size_work = work / f"run_{shape}_{orders}"
    size_work.mkdir(parents=True, exist_ok=True)
    database = size_work / "segments.duckdb"
    build, floor, summary, incremental = Measure(), Measure(), Measure(), Measure()
    scheduled = Measure()
    figures: list[float] = []
    agrees = ""
    # The builds read one folder, as a daily job does: the delta is a file added to it. The same
    # vars let dbt reuse its partial parse (`dbt parse` from scratch is timed in fixed_overhead).
    folder = size_work / "raw"
    dbt_vars = ["--vars", json.dumps({"raw_dir": str(folder)})]
    scheduled_vars = ["--vars", json.dumps({"raw_dir": str(folder), "prediction_refit_days": 7})]
    scheduled_work = size_work / "scheduled"
    dbt(["parse", *scheduled_vars], database, scheduled_work)
    for run in range(runs):
        database.unlink(missing_ok=True)
        link_raw_files(raw_dir, folder)
        seconds, peak, _ = dbt([*BUILD, *dbt_vars], database, size_work)
        build.seconds.append(seconds)
        build.peak_mib.append(peak)
        full_results = json.loads((size_work / "target" / "run_results.json").read_text())
        figures.append(figures_seconds(full_results))
        seconds, peak = floor_labels(raw_dir, size_work / "floor_labels.parquet")
        floor.seconds.append(seconds)
        floor.peak_mib.append(peak)
        seconds, peak = lifetimes_summary(database)
        summary.seconds.append(seconds)
        summary.peak_mib.append(peak)
        agrees = agreement(database, size_work / "floor_labels.parquet")
        add_one_day(raw_dir, folder, 1)
        seconds, peak, _ = dbt([*BUILD, *dbt_vars], database, size_work)
        incremental.seconds.append(seconds)
        incremental.peak_mib.append(peak)
        add_one_day(raw_dir, folder, 2)
        seconds, peak, _ = dbt([*BUILD, *scheduled_vars], database, scheduled_work)
        scheduled.seconds.append(seconds)
        scheduled.peak_mib.append(peak)
        scheduled_results = json.loads((scheduled_work / "target" / "run_results.json").read_text())
        if not reused_fit(database):
            raise RuntimeError("the scheduled daily run refitted: it should reuse the stored fit")
        print(
            f"   run {run + 1}: build {build.seconds[-1]:.1f}s, floor {floor.seconds[-1]:.1f}s,"
            f" lifetimes {summary.seconds[-1]:.1f}s, incremental {incremental.seconds[-1]:.1f}s,"
            f" scheduled fit {scheduled.seconds[-1]:.1f}s",
            flush=True,
        )
    delta_results = json.loads((size_work / "target" / "run_results.json").read_text())
    return {
        "orders": orders,
        "shape": shape,
        "generator": generator_seconds,
        "profile": {
            "full build": profile(full_results),
            "daily delta": profile(delta_results),
            "daily delta, fit on a schedule": profile(scheduled_results),
        },
        "build": build,
        "floor": floor,
        "lifetimes": summary,
        "figures": figures,
        "incremental": incremental,
        "scheduled": scheduled,
        "agreement": agrees,
    }


def reused_fit(database: Path) -> bool:
    """Whether the last build of `database` reused a stored fit (is_refitted false)."""
    with duckdb.connect(str(database), read_only=True) as con:
        row = con.execute("select is_refitted from marts.predictive_model_parameters").fetchone()
    return row is not None and not row[0]


def figures_seconds(run_results: dict[str, Any]) -> float:
    """Node time of the per-customer figures step (FIGURES_MODELS) in a build."""
    return sum(
        node["execution_time"]
        for node in run_results["results"]
        if node["unique_id"].startswith("model.")
        and node["unique_id"].split(".")[-1] in FIGURES_MODELS
    )


def profile(run_results: dict[str, Any]) -> str:
    """Where a build's time goes: node time by resource type, dbt's own time, slowest nodes."""
    nodes = run_results["results"]
    by_type: dict[str, list[float]] = {}
    for node in nodes:
        by_type.setdefault(node["unique_id"].split(".")[0], []).append(node["execution_time"])
    kinds = ", ".join(
        f"{len(times)} {kind}s {sum(times):.1f} s"
        for kind, times in sorted(by_type.items(), key=lambda item: -sum(item[1]))
    )
    slowest = sorted(nodes, key=lambda node: -node["execution_time"])[:6]
    top = ", ".join(
        f"{node['unique_id'].split('.')[-1][:48]} {node['execution_time']:.1f} s"
        for node in slowest
    )
    return (
        f"dbt elapsed {run_results['elapsed_time']:.1f} s (node time, 2 threads: {kinds});"
        f" slowest: {top}"
    )


def fixed_overhead(work: Path, runs: int) -> tuple[Measure, Measure]:
    """`dbt parse` from scratch, then the build of the bundled sample, `runs` times each."""
    overhead_work = work / "overhead"
    overhead_work.mkdir(parents=True, exist_ok=True)
    database = overhead_work / "sample.duckdb"
    parse, build = Measure(), Measure()
    for _ in range(runs):
        database.unlink(missing_ok=True)
        seconds, peak, _ = dbt(["parse", "--no-partial-parse", *SAMPLE], database, overhead_work)
        parse.seconds.append(seconds)
        parse.peak_mib.append(peak)
        seconds, peak, _ = dbt([*BUILD, *SAMPLE], database, overhead_work)
        build.seconds.append(seconds)
        build.peak_mib.append(peak)
    return parse, build


def verdict(value: float, target: float, *, at_most: bool, unit: str = "") -> str:
    """'met' or 'missed by' how much, for a value against a target bound."""
    met = value <= target if at_most else value >= target
    if met:
        return "**met**"
    factor = value / target if at_most else target / value
    return f"**missed**, by {factor:.1f}x ({value:,.1f}{unit} against {target:,.1f}{unit})"


def targets(results: list[dict[str, Any]], overhead: tuple[Measure, Measure]) -> list[str]:
    """Each scale target, on each shape's largest size measured, met or missed and by how
    much."""
    lines: list[str] = []
    for shape in dict.fromkeys(result["shape"] for result in results):
        largest = max((r for r in results if r["shape"] == shape), key=lambda r: r["orders"])
        lines += [*shape_targets(largest, overhead), ""]
    return lines[:-1]


def shape_targets(largest: dict[str, Any], overhead: tuple[Measure, Measure]) -> list[str]:
    build, floor = largest["build"], largest["floor"]
    summary, incremental = largest["lifetimes"], largest["incremental"]
    figures, scheduled = statistics.median(largest["figures"]), largest["scheduled"]
    fixed = overhead[0].median + overhead[1].median
    where = f"{largest['orders']:,} orders"
    if largest["orders"] < TARGET_ORDERS:
        where += f"; the targets are set at {TARGET_ORDERS:,}"
    return [
        f"Targets, {largest['shape']} shape, on the largest size measured ({where}):",
        "",
        f"- full build ≤ {TARGET_BUILD_PER_QUERY}x the hand-written query: "
        + verdict(build.median / floor.median, TARGET_BUILD_PER_QUERY, at_most=True, unit="x"),
        f"- full build ≤ {MILESTONE_BUILD_PER_QUERY}x the hand-written query (first milestone): "
        + verdict(build.median / floor.median, MILESTONE_BUILD_PER_QUERY, at_most=True, unit="x"),
        f"- per-customer figures step ≥ {TARGET_LIFETIMES_PER_FIGURES}x faster than the lifetimes"
        " summary on the same purchases: "
        + verdict(summary.median / figures, TARGET_LIFETIMES_PER_FIGURES, at_most=False, unit="x"),
        f"- build peak ≤ {TARGET_PEAK_MIB:,} MiB: "
        + verdict(build.peak, TARGET_PEAK_MIB, at_most=True, unit=" MiB"),
        f"- incremental daily run ≤ {TARGET_INCREMENTAL_SHARE:.0%} of the full build: "
        + verdict(
            100 * incremental.median / build.median,
            100 * TARGET_INCREMENTAL_SHARE,
            at_most=True,
            unit="%",
        ),
        "- the same, the fit on a schedule (prediction_refit_days: 7): "
        + verdict(
            100 * scheduled.median / build.median,
            100 * TARGET_INCREMENTAL_SHARE,
            at_most=True,
            unit="%",
        ),
        f"- fixed overhead (parse + sample build) ≤ {TARGET_OVERHEAD_SECONDS:.0f} s: "
        + verdict(fixed, TARGET_OVERHEAD_SECONDS, at_most=True, unit=" s"),
    ]


def report(results: list[dict[str, Any]], overhead: tuple[Measure, Measure], runs: int) -> str:
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, "
        f"Python {platform.python_version()}, DuckDB {duckdb.__version__}; {runs} runs each,"
        f" medians; peak = max RSS; DuckDB memory limit {MEMORY_LIMIT[LIMIT_VARIABLE]}.",
        "",
        "| shape | orders | generator | full build | hand-written query | build / query |"
        " lifetimes summary | figures step | lifetimes / figures | incremental (+1 day) |"
        " incremental / build | +1 day, fit on a schedule | scheduled / build | build peak |"
        " labels agree |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        build = result["build"]
        floor = result["floor"]
        summary = result["lifetimes"]
        incremental = result["incremental"]
        figures = statistics.median(result["figures"])
        scheduled = result["scheduled"]
        assert isinstance(build, Measure) and isinstance(floor, Measure)
        assert isinstance(summary, Measure) and isinstance(incremental, Measure)
        lines.append(
            f"| {result['shape']} | {result['orders']:,} | {result['generator']:.1f} s |"
            f" {build.median:.1f} s |"
            f" {floor.median:.1f} s |"
            f" {build.median / floor.median:.2f}x | {summary.median:.1f} s"
            f" ({summary.peak:,.0f} MiB) | {figures:.1f} s |"
            f" {summary.median / figures:.1f}x |"
            f" {incremental.median:.1f} s | {incremental.median / build.median:.0%} |"
            f" {scheduled.median:.1f} s | {scheduled.median / build.median:.0%} |"
            f" {build.peak:,.0f} MiB | {result['agreement']} |"
        )
    lines += [
        "",
        f"Fixed overhead: `dbt parse` from scratch {overhead[0].median:.1f} s, then the build of"
        f" the bundled sample {overhead[1].median:.1f} s (it reuses the parse).",
        "",
        *targets(results, overhead),
        "",
        "Profile of the last run of each shape and size (dbt run_results):",
        "",
    ]
    for result in results:
        for build_kind, text in result["profile"].items():
            lines.append(f"- {result['shape']}, {result['orders']:,} orders, {build_kind}: {text}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000,10000000")
    parser.add_argument(
        "--shapes",
        default=",".join(SHAPES),
        help="shapes of the generated data, comma-separated (default: %(default)s)",
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--memory-limit",
        default=MEMORY_LIMIT[LIMIT_VARIABLE],
        help="DuckDB memory limit of the builds and the hand-written query (default: %(default)s,"
        " the profile's default)",
    )
    parser.add_argument("--work", type=Path, default=PROJECT_DIR / "data" / "benchmark")
    parser.add_argument("--out", type=Path, default=PROJECT_DIR / "benchmark" / "results.md")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    MEMORY_LIMIT[LIMIT_VARIABLE] = args.memory_limit
    overhead = fixed_overhead(args.work, args.runs)
    shapes = args.shapes.split(",")
    unknown = sorted(set(shapes) - set(SHAPES))
    if unknown:
        parser.error(f"unknown shapes {', '.join(unknown)} (known: {', '.join(SHAPES)})")
    results: list[dict[str, Any]] = []
    for shape in shapes:
        for size in args.sizes.split(","):
            results.append(benchmark_size(int(size), shape, args.runs, args.work))
            table = report(results, overhead, args.runs)
            # after every size, so a long run keeps its figures
            args.out.write_text(table, encoding="utf-8")
    print(table)


if __name__ == "__main__":
    main()
