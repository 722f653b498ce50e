"""Broken and odd raw folders (tools/hostile_raw.py) built through `raw_dir`: each is built with
every raw record accounted for and the figures its case states, or refused with a message
naming the problem; nothing BI tools read holds personal data."""

from __future__ import annotations

import json
import subprocess
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tools.check_pii import check_build, check_published
from tools.hostile_raw import Case, cases, write_case
from tools.publish import publish
from tools.tests.conftest import Build, run_dbt

CASES = {case.name: case for case in cases()}
WORK = Path(__file__).resolve().parents[2] / "data" / "hostile_tests"


@cache
def _build(name: str) -> tuple[Build, subprocess.CompletedProcess[str]]:
    case = CASES[name]
    work_dir = WORK / name
    if work_dir.exists():
        subprocess.run(["rm", "-rf", str(work_dir)], check=True)
    raw_dir = write_case(case, work_dir / "raw")
    database = work_dir / "segments.duckdb"
    all_vars = {"raw_dir": str(raw_dir), **case.vars}
    result = run_dbt(
        ["build", "--exclude-resource-type", "unit_test", "--vars", json.dumps(all_vars)],
        database,
        work_dir,
        check=False,
    )
    return Build(raw_dir=raw_dir, database=database, vars=all_vars, result=result), result


def _accounting(build: Build) -> dict[str, tuple[int, int, int, int]]:
    """raw, kept, rejected and superseded rows of each raw table the build read (an absent
    optional table has a row with zeros and is_present false: left out here)."""
    rows = build.query("select * from marts.raw_row_accounting where is_present order by raw_table")
    return {
        str(row.raw_table): (
            int(row.raw_rows),
            int(row.kept_rows),
            int(row.rejected_rows),
            int(row.superseded_rows),
        )
        for row in rows.itertuples()
    }


def _reasons(build: Build) -> dict[str, dict[str, int]]:
    rows = build.query(
        "select raw_table, reject_reason, sum(rejected_rows) as n"
        " from marts.rejected_row_counts group by all order by all"
    )
    reasons: dict[str, dict[str, int]] = {}
    for row in rows.itertuples():
        reasons.setdefault(str(row.raw_table), {})[str(row.reject_reason)] = int(row.n)
    return reasons


@pytest.mark.parametrize("name", [case.name for case in cases()])
def test_hostile_folder(name: str, tmp_path: Path) -> None:
    case: Case = CASES[name]
    build, result = _build(name)
    if case.refused:
        assert result.returncode != 0, f"{name}: the build was not refused"
        for text in case.refused:
            assert text in result.stdout, f"{name}: the message does not name {text!r}"
        return
    assert result.returncode == 0, f"{name}: {result.stdout[-4000:]}"
    assert _accounting(build) == case.accounting
    assert _reasons(build) == {table: found for table, found in case.reasons.items() if found}
    segments = build.query(
        "select lifecycle_segment, count(*) as n from marts.customer_segments group by 1"
    )
    if case.customers is not None:
        assert int(segments["n"].sum()) == case.customers
    for segment, count in case.segments.items():
        assert (
            dict(zip(segments["lifecycle_segment"], segments["n"], strict=True))[segment] == count
        )
    if case.as_of_date is not None:
        as_of = build.query(
            "select cast(as_of_date as varchar) as as_of_date"
            " from intermediate.int_settings_resolved"
        )
        assert str(as_of["as_of_date"].iloc[0]) == case.as_of_date
    for customer_id, expected in case.types.items():
        row = build.query(
            f"select {', '.join(expected)} from marts.customer_segments"
            f" where customer_id = '{customer_id}'"
        )
        shown = {column: row[column].iloc[0] for column in expected}
        shown = {column: None if pd.isna(value) else value for column, value in shown.items()}
        assert shown == expected, (customer_id, shown)
    # nothing BI tools read, in the build or in the published file, holds personal data
    assert check_build(build.database, build.database.parent / "target") == []
    published = tmp_path / "published.duckdb"
    publish(build.database, published, target_path=build.database.parent / "target")
    assert check_published(published, build.database.parent / "target") == []


def test_malformed_lines_are_kept_with_file_line_and_text() -> None:
    build, result = _build("messy_shop")
    assert result.returncode == 0
    lines = build.query(
        "select source_file, line_number, malformed_line_error, raw_line"
        " from quarantine.quarantined_lines order by source_file, line_number"
    )
    assert list(lines["line_number"]) == [7, 8, 9, 11], "records, the header being 1"
    assert set(lines["source_file"]) == {"raw_orders.csv"}
    assert lines["raw_line"].iloc[0].startswith("O6,C1,2024-04-01")
    assert "too_many_columns" in lines["malformed_line_error"].iloc[0]
    assert "O11" in lines["raw_line"].iloc[-1], "an unterminated quote takes the rest of the file"
    orders = build.query("select order_id, channel, amount from intermediate.int_orders_validated")
    by_id = orders.set_index("order_id")
    assert by_id.loc["O9", "channel"] == "other", "a quoted comma and line break is one field"
    assert by_id.loc["O30", "amount"] == 60, "the semicolon file is read by its header's names"
    assert "'; drop table raw_orders; --" in by_id.index
    assert '=HYPERLINK("http://x.example","y")' in by_id.index


def test_typed_parquet_gives_the_same_marts_as_csv() -> None:
    parquet, parquet_result = _build("typed_parquet")
    csv, csv_result = _build("one_csv_export")
    assert parquet_result.returncode == 0 and csv_result.returncode == 0
    for table in ("customer_segments", "segment_summary", "raw_row_accounting"):
        left = parquet.query(f"select * from marts.{table} order by all")
        right = csv.query(f"select * from marts.{table} order by all")
        pd.testing.assert_frame_equal(left, right, check_exact=True)
    raw = parquet.query(
        "select cast(amount as varchar) as amount_text"
        " from staging.base_raw__orders_parsed order by amount"
    )
    assert list(raw["amount_text"]) == [
        "45.0000",
        "80.0000",
        "120.5000",
        "150.0000",
        "300.0000",
    ]
    text = parquet.query("select raw_amount from staging.base_raw__orders_parsed order by 1")
    assert all("e" not in value.lower() for value in text["raw_amount"]), "no 1.0E3 in the text"


def test_malformed_lines_follow_the_files(tmp_path: Path) -> None:
    """An incremental run after a file with malformed lines is added and another removed keeps
    exactly the malformed lines a full build of the folder finds."""
    case = CASES["one_csv_export"]
    raw_dir = write_case(case, tmp_path / "raw")
    database = tmp_path / "incremental.duckdb"
    vars_json = json.dumps({"raw_dir": str(raw_dir)})
    build_args = ["build", "--exclude-resource-type", "unit_test", "--vars", vars_json]
    run_dbt(build_args, database, tmp_path / "first")
    (raw_dir / "raw_orders_2024-07-01.csv").write_bytes(
        b"order_id,customer_id,ordered_at,status,amount\n"
        b"O40,C1,2024-07-01,completed,10\n"
        b"O41,C1,2024-07-01,completed,10,surplus\n"
        b"O42,C2\n"
    )
    (raw_dir / "raw_customers_2024-07-01.csv").write_bytes(b"customer_id,email\nC9,x@y\n\xff,z\n")
    run_dbt(build_args, database, tmp_path / "second")
    (raw_dir / "raw_customers_2024-07-01.csv").unlink()
    run_dbt(build_args, database, tmp_path / "third")
    full = tmp_path / "full.duckdb"
    run_dbt(build_args, full, tmp_path / "full")
    for table in (
        "quarantine.quarantined_lines",
        "marts.raw_row_accounting",
        "marts.rejected_orders",
    ):
        with duckdb.connect(str(database), read_only=True) as connection:
            incremental = connection.sql(f"select * from {table} order by all").df()
        with duckdb.connect(str(full), read_only=True) as connection:
            expected = connection.sql(f"select * from {table} order by all").df()
        pd.testing.assert_frame_equal(incremental, expected, check_exact=True)
    assert list(expected_lines(full)) == [
        ("raw_orders_2024-07-01.csv", 3),
        ("raw_orders_2024-07-01.csv", 4),
    ]


def expected_lines(database: Path) -> list[tuple[str, int]]:
    with duckdb.connect(str(database), read_only=True) as connection:
        return [
            (str(source_file), int(line))
            for source_file, line in connection.execute(
                "select source_file, line_number from quarantine.quarantined_lines order by all"
            ).fetchall()
        ]


def _load_raw_tables(database: Path, orders_columns: str) -> None:
    """Loads the three good customers (column names in other case) and their orders (only
    `orders_columns`) into raw.raw_customers / raw.raw_orders, as a loader would."""
    case = CASES["one_csv_export"]
    folder = write_case(case, database.parent / "loaded_raw")
    with duckdb.connect(str(database)) as connection:
        connection.execute("create schema raw")
        connection.execute(
            'create table raw.raw_customers as select customer_id as "Customer_ID",'
            " * exclude (customer_id)"
            f" from read_csv('{folder / 'raw_customers.csv'}', all_varchar = true)"
        )
        connection.execute(
            f"create table raw.raw_orders as select {orders_columns}"
            f" from read_csv('{folder / 'raw_orders.csv'}', all_varchar = true)"
        )


def test_loaded_tables_are_read_by_name_with_optional_columns_missing(tmp_path: Path) -> None:
    database = tmp_path / "loaded.duckdb"
    _load_raw_tables(database, "order_id, customer_id, ordered_at, status, amount")
    result = run_dbt(["build", "--exclude-resource-type", "unit_test"], database, tmp_path)
    assert result.returncode == 0
    build = Build(raw_dir=tmp_path, database=database, vars={}, result=result)
    assert _accounting(build) == {"raw_customers": (3, 3, 0, 0), "raw_orders": (5, 5, 0, 0)}
    channels = build.query("select distinct channel from intermediate.int_orders_validated")
    assert list(channels["channel"]) == ["unknown"], "a missing optional column reads as missing"


def test_a_loaded_table_without_a_required_column_is_refused(tmp_path: Path) -> None:
    database = tmp_path / "loaded.duckdb"
    _load_raw_tables(database, "order_id, customer_id, ordered_at, status")
    result = run_dbt(
        ["build", "--exclude-resource-type", "unit_test"], database, tmp_path, check=False
    )
    assert result.returncode != 0
    assert "raw table" in result.stdout and "lacks the required column(s) amount" in result.stdout
