"""base_raw__*: incremental runs over a changing raw folder equal full builds of it.

One folder of Parquet files goes through four states: two files per table (built in full), a
daily delta added (new orders, and newer versions of existing orders and customers), an order
file rewritten under the same name, and files removed. After each change an incremental `dbt
build` of the same database must give exactly what a `--full-refresh` build of the folder gives
in a new database, must parse only the new or changed files, must rank again only the ids of new
files (everything after a rewrite or a removal), and must pass its data tests.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tools.tests.conftest import run_dbt

# Everything customer_segments and the data-quality marts need, and the data tests on them.
SELECT = [
    "--select",
    "+customer_segments",
    "+raw_row_accounting",
    "+rejected_customers",
    "+rejected_orders",
    "+rejected_row_counts",
    "+quarantined_customers",
    "+quarantined_lines",
]
COMPARED_TABLES = [
    "staging.base_raw__orders_parsed",
    "staging.base_raw__customers_parsed",
    "staging.base_raw__orders",
    "staging.base_raw__customers",
    "marts.rejected_orders",
    "marts.rejected_customers",
    "marts.raw_row_accounting",
    "marts.rejected_row_counts",
    "quarantine.quarantined_customers",
    "quarantine.quarantined_lines",
    "marts.customer_segments",
]
PARSED_MODELS = {
    "raw_orders": "base_raw__orders_parsed",
    "raw_customers": "base_raw__customers_parsed",
}
RANKING_MODELS = {"raw_orders": "base_raw__orders", "raw_customers": "base_raw__customers"}
# What an incremental run of a ranking model ranks again, from its compiled where-condition.
NEW_FILE_IDS = "ids of new files"
ROWS_WITHOUT_ID = "rows without an id"
EVERYTHING = "everything"
DELTA_DAY = "2025-04-01"
EVERY_FILE = "(every file)"


@dataclass(frozen=True)
class Step:
    """The incremental run after one change of the folder, and the full build it must equal."""

    name: str
    incremental: Path
    incremental_result_code: int
    incremental_output: str
    files_parsed: dict[str, set[str]]
    ranked: dict[str, str]
    full_refresh: Path


def _write(frame: pd.DataFrame, path: Path) -> None:
    with duckdb.connect() as connection:
        connection.register("frame", frame)
        connection.execute(f"copy frame to '{path}' (format parquet)")


def _files_parsed(work_dir: Path) -> dict[str, set[str]]:
    """Per raw table, the files the last run's incremental model read (from its compiled SQL;
    EVERY_FILE when it did not choose)."""
    files: dict[str, set[str]] = {}
    for raw_table, model in PARSED_MODELS.items():
        sql_path = next((work_dir / "target" / "compiled").rglob(f"{model}.sql"))
        source_cte = re.search(r"source as \((.*?)\n\),", sql_path.read_text(), re.DOTALL)
        assert source_cte, f"no source CTE in {sql_path}"
        condition = re.search(r"\bwhere\s+(false|source_file in \(.*\))", source_cte.group(1))
        files[raw_table] = (
            set(re.findall(r"'([^']*)'", condition.group(1))) if condition else {EVERY_FILE}
        )
    return files


def _ranked(work_dir: Path) -> dict[str, str]:
    """Per raw table, what the last run's ranking model ranked again (from its compiled SQL)."""
    ranked: dict[str, str] = {}
    for raw_table, model in RANKING_MODELS.items():
        sql_path = next((work_dir / "target" / "compiled").rglob(f"{model}.sql"))
        parsed_cte = re.search(r"parsed as \((.*?)\n\),", sql_path.read_text(), re.DOTALL)
        assert parsed_cte, f"no parsed CTE in {sql_path}"
        condition = re.search(r"\bwhere\s+(.*)", parsed_cte.group(1), re.DOTALL)
        assert condition, f"{model} was not built incrementally"
        text = " ".join(condition.group(1).split())
        if text == "true":
            ranked[raw_table] = EVERYTHING
        elif text.endswith("_id is null"):
            ranked[raw_table] = ROWS_WITHOUT_ID
        else:
            assert "rows_of_new_files" in text, text
            ranked[raw_table] = NEW_FILE_IDS
    return ranked


def _table(database: Path, table: str) -> pd.DataFrame:
    with duckdb.connect(str(database), read_only=True) as connection:
        return connection.sql(f"select * from {table} order by all").df()


def _assert_same_tables(step: Step) -> None:
    for table in COMPARED_TABLES:
        incremental = _table(step.incremental, table)
        full = _table(step.full_refresh, table)
        assert len(incremental) == len(full), (
            f"after {step.name}: {table} has {len(incremental)} rows incrementally,"
            f" {len(full)} in a full build"
        )
        pd.testing.assert_frame_equal(
            incremental, full, check_exact=False, rtol=1e-9, obj=f"{table} after {step.name}"
        )


def _changes(
    customers: pd.DataFrame, orders: pd.DataFrame
) -> list[tuple[str, Callable[[Path], None]]]:
    """The folder's changes, in order, each a (name, change) pair."""
    half = len(orders) // 2
    first_orders = orders.iloc[:half]
    second_orders = orders.iloc[half:]

    def add_delta(folder: Path) -> None:
        new_orders = orders.sample(n=200, random_state=1).assign(
            order_id=lambda frame: "N" + frame["order_id"].str.strip(),
            ordered_at=f"{DELTA_DAY} 12:00:00",
            updated_at=f"{DELTA_DAY} 23:00:00",
        )
        # newer exports of orders of both older files: they supersede the stored versions
        restated = (
            orders[orders["order_id"].str.strip() != ""]
            .drop_duplicates("order_id")
            .sample(n=100, random_state=2)
            .assign(status="cancelled", updated_at=f"{DELTA_DAY} 23:30:00")
        )
        _write(pd.concat([new_orders, restated]), folder / f"raw_orders_{DELTA_DAY}.parquet")
        moved = (
            customers[customers["customer_id"].str.strip() != ""]
            .drop_duplicates("customer_id")
            .sample(n=50, random_state=3)
            .assign(city="Da Nang", updated_at=f"{DELTA_DAY} 23:30:00")
        )
        _write(moved, folder / f"raw_customers_{DELTA_DAY}.parquet")

    def rewrite_file(folder: Path) -> None:
        # the same name, other content: rows dropped, statuses changed
        rewritten = second_orders.iloc[::10].assign(status="refunded")
        _write(
            pd.concat([second_orders.drop(second_orders.index[::10]), rewritten.iloc[::2]]),
            folder / "raw_orders_2.parquet",
        )

    def remove_files(folder: Path) -> None:
        # the delta's newer versions go: the versions before them are current again
        (folder / f"raw_orders_{DELTA_DAY}.parquet").unlink()
        (folder / "raw_customers_2.parquet").unlink()

    def initial(folder: Path) -> None:
        _write(first_orders, folder / "raw_orders.parquet")
        _write(second_orders, folder / "raw_orders_2.parquet")
        _write(customers.iloc[: len(customers) // 2], folder / "raw_customers.parquet")
        _write(customers.iloc[len(customers) // 2 :], folder / "raw_customers_2.parquet")

    return [
        ("initial", initial),
        ("a file added", add_delta),
        ("a file rewritten", rewrite_file),
        ("files removed", remove_files),
    ]


@pytest.fixture(scope="module")
def steps(
    tmp_path_factory: pytest.TempPathFactory, raw_tables: tuple[pd.DataFrame, pd.DataFrame]
) -> dict[str, Step]:
    """Runs the folder through its changes: after each, an incremental build of one database
    and a full-refresh build of the folder into a new one."""
    work = tmp_path_factory.mktemp("incremental_raw")
    folder = work / "raw"
    folder.mkdir()
    dbt_vars = ["--vars", json.dumps({"raw_dir": str(folder)})]
    incremental_work = work / "incremental"
    database = incremental_work / "segments.duckdb"
    results: dict[str, Step] = {}
    for number, (name, change) in enumerate(_changes(*raw_tables)):
        change(folder)
        if number == 0:
            run_dbt(
                ["build", *SELECT, "--exclude-resource-type", "test", "unit_test", *dbt_vars],
                database,
                incremental_work,
            )
            continue
        incremental = run_dbt(
            [
                "build",
                *SELECT,
                "--exclude-resource-type",
                "unit_test",
                "--indirect-selection",
                "cautious",  # only the data tests whose models are all built here
                *dbt_vars,
            ],
            database,
            incremental_work,
            check=False,
        )
        snapshot = work / f"incremental_{number}.duckdb"
        snapshot.write_bytes(database.read_bytes())
        full_work = work / f"full_refresh_{number}"
        run_dbt(
            [
                "build",
                "--full-refresh",
                *SELECT,
                "--exclude-resource-type",
                "test",
                "unit_test",
                *dbt_vars,
            ],
            full_work / "segments.duckdb",
            full_work,
        )
        results[name] = Step(
            name=name,
            incremental=snapshot,
            incremental_result_code=incremental.returncode,
            incremental_output=incremental.stdout,
            files_parsed=_files_parsed(incremental_work),
            ranked=_ranked(incremental_work),
            full_refresh=full_work / "segments.duckdb",
        )
    return results


def _check(
    step: Step, expected_files: dict[str, set[str]], expected_ranked: dict[str, str]
) -> None:
    _assert_same_tables(step)
    assert step.files_parsed == expected_files, f"after {step.name}: parsed {step.files_parsed}"
    assert step.ranked == expected_ranked, f"after {step.name}: ranked again {step.ranked}"
    assert step.incremental_result_code == 0, (
        f"the incremental build after {step.name} failed:\n{step.incremental_output[-4000:]}"
    )


def test_incremental_parse_after_a_file_is_added(steps: dict[str, Step]) -> None:
    """Only the new files are parsed; their newer versions supersede stored rows of other files."""
    _check(
        steps["a file added"],
        {
            "raw_orders": {f"raw_orders_{DELTA_DAY}.parquet"},
            "raw_customers": {f"raw_customers_{DELTA_DAY}.parquet"},
        },
        {"raw_orders": NEW_FILE_IDS, "raw_customers": NEW_FILE_IDS},
    )
    with duckdb.connect(str(steps["a file added"].incremental), read_only=True) as connection:
        restated = connection.execute(
            "select count(distinct order_id) from staging.base_raw__orders"
            " where row_outcome = 'superseded' and order_id in ("
            "     select order_id from staging.base_raw__orders_parsed"
            f"    where source_file = 'raw_orders_{DELTA_DAY}.parquet')"
        ).fetchone()
    assert restated is not None and restated[0] >= 100


def test_incremental_parse_after_a_file_is_rewritten(steps: dict[str, Step]) -> None:
    """A file rewritten under the same name is parsed again; its old rows are gone."""
    _check(
        steps["a file rewritten"],
        {"raw_orders": {"raw_orders_2.parquet"}, "raw_customers": set()},
        {"raw_orders": EVERYTHING, "raw_customers": ROWS_WITHOUT_ID},
    )


def test_incremental_parse_after_files_are_removed(steps: dict[str, Step]) -> None:
    """Rows of removed files are dropped, nothing is parsed, older versions are current again."""
    _check(
        steps["files removed"],
        {"raw_orders": set(), "raw_customers": set()},
        {"raw_orders": EVERYTHING, "raw_customers": EVERYTHING},
    )
