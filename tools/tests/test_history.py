"""customer_segment_history and segment_transitions: point in time, incremental, testable."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from tools.reference_segments import Settings, reference_segments
from tools.tests.conftest import Build, run_dbt
from tools.tests.corruption import corrupt_and_test, failed_tests
from tools.tests.test_segments_match_reference import _assert_same_segments

EARLIER_AS_OF = "2024-10-17"  # not a month end: its snapshot must go on the next run


@pytest.mark.parametrize("month_end", [date(2023, 6, 30), date(2024, 2, 29), date(2024, 12, 31)])
def test_history_matches_reference_at_month_ends(default_build: Build, month_end: date) -> None:
    """A past month end of the history is what the reference gives with that as-of date."""
    actual = default_build.query(
        f"select * from marts.customer_segment_history where as_of_date = '{month_end}'"
    )
    assert len(actual) > 0
    expected = reference_segments(
        default_build.raw("raw_customers"),
        default_build.raw("raw_orders"),
        Settings(as_of_date=month_end),
    )
    _assert_same_segments(actual, expected, lifecycle_only=True)


def test_history_covers_every_month_end(default_build: Build) -> None:
    snapshots = default_build.query(
        "select as_of_date, bool_and(is_month_end) as is_month_end, count(*) as customers"
        " from marts.customer_segment_history group by as_of_date order by as_of_date"
    )
    as_of = default_build.query("select as_of_date from intermediate.int_settings_resolved")
    dates = list(pd.to_datetime(snapshots["as_of_date"]).dt.date)
    assert dates[-1] == pd.Timestamp(as_of["as_of_date"].iloc[0]).date()
    expected = [
        moment.date()
        for moment in pd.date_range(dates[0], dates[-1], freq="ME")  # month ends
    ]
    assert [d for d in dates if d in set(expected)] == expected
    assert snapshots["customers"].is_monotonic_increasing  # the population never shrinks


def _build_history(work_dir: Path, database: Path, dbt_vars: dict[str, Any]) -> None:
    """Build the history and transitions (and what they need, with their tests) into database."""
    run_dbt(
        [
            "build",
            "--select",
            "+segment_transitions",
            "--indirect-selection",
            "cautious",  # only tests whose models are all built here
            "--vars",
            json.dumps(dbt_vars),
        ],
        database,
        work_dir,
    )


def _table(database: Path, table: str) -> pd.DataFrame:
    with duckdb.connect(str(database), read_only=True) as connection:
        frame = connection.sql(f"select * from marts.{table}").df()
    return frame.sort_values(list(frame.columns), na_position="first").reset_index(drop=True)


def test_incremental_history_matches_full_refresh(default_build: Build, tmp_path: Path) -> None:
    """Build up to an earlier as-of date, then `dbt build` (incremental) with the defaults (as-of
    = the latest purchase): the stored months are kept as they were, the earlier as-of snapshot
    (not a month end) is replaced, and the history and the transitions equal the full build of
    the defaults. Then back to the earlier date on a copy of the full build: both equal the
    full build of the earlier date."""
    database = tmp_path / "incremental.duckdb"
    _build_history(
        tmp_path / "first", database, {**default_build.vars, "as_of_date": EARLIER_AS_OF}
    )
    first = _table(database, "customer_segment_history")
    assert str(first["as_of_date"].max().date()) == EARLIER_AS_OF
    earlier_full = tmp_path / "earlier_full.duckdb"
    shutil.copy(database, earlier_full)
    # Mark a stored past row: an incremental run must not recompute (and so must keep) it.
    with duckdb.connect(str(database)) as connection:
        marked = connection.execute(
            "update marts.customer_segment_history set average_order_value = 123456.78"
            " where as_of_date = '2024-01-31' and customer_id = (select min(customer_id)"
            " from marts.customer_segment_history where as_of_date = '2024-01-31')"
            " returning customer_id"
        ).fetchall()
    assert len(marked) == 1

    _build_history(tmp_path / "second", database, default_build.vars)
    incremental = _table(database, "customer_segment_history")
    is_marked = incremental["average_order_value"] == 123456.78
    assert list(incremental.loc[is_marked, "customer_id"]) == [marked[0][0]], (
        "a stored month was recomputed"
    )
    snapshots = set(incremental["as_of_date"].dt.date.astype(str))
    assert EARLIER_AS_OF not in snapshots
    assert {"2024-09-30", "2024-10-31", "2025-03-31"} <= snapshots

    full = _table(default_build.database, "customer_segment_history")
    assert len(incremental) == len(full)
    pd.testing.assert_frame_equal(
        incremental[~is_marked].reset_index(drop=True), full[~is_marked].reset_index(drop=True)
    )
    pd.testing.assert_frame_equal(
        _table(database, "segment_transitions"),
        _table(default_build.database, "segment_transitions"),
    )

    # Then the as-of date moved back: an incremental run on the full default build trims the
    # history and the transitions to what a full build at the earlier date gives.
    trimmed = tmp_path / "trimmed.duckdb"
    shutil.copy(default_build.database, trimmed)
    _build_history(tmp_path / "third", trimmed, {**default_build.vars, "as_of_date": EARLIER_AS_OF})
    for table in ("customer_segment_history", "segment_transitions"):
        pd.testing.assert_frame_equal(_table(trimmed, table), _table(earlier_full, table))


def test_history_and_transition_tests_fail_on_broken_rows(
    default_build: Build, tmp_path: Path
) -> None:
    as_of = "(select as_of_date from intermediate.int_settings_resolved)"
    code, output = corrupt_and_test(
        default_build,
        tmp_path,
        [
            # relabelled at the as-of date: no longer customer_segments
            "update marts.customer_segment_history set lifecycle_segment = 'loyal'"
            f" where as_of_date = {as_of} and customer_id = (select min(customer_id)"
            " from marts.customer_segment_history"
            f" where as_of_date = {as_of} and lifecycle_segment = 'churned')",
            # a customer-month missing
            "delete from marts.customer_segment_history where as_of_date = '2024-06-30'"
            " and customer_id = (select min(customer_id) from marts.customer_segment_history"
            " where as_of_date = '2024-05-31')",
            # a customer-month twice
            "insert into marts.customer_segment_history select * from"
            " marts.customer_segment_history where as_of_date = '2023-06-30'"
            " and customer_id = (select max(customer_id) from marts.customer_segment_history"
            " where as_of_date = '2023-06-30')",
            # one customer too many in the migration matrix
            "update marts.segment_transitions set customers = customers + 1"
            " where to_as_of_date = '2024-11-30' and from_segment = to_segment"
            " and from_segment = 'churned'",
        ],
        "customer_segment_history,test_type:data segment_transitions,test_type:data",
    )
    assert code != 0
    assert {
        "assert_customer_segment_history_matches_customer_segments",
        "assert_customer_segment_history_is_complete",
        "unique_customer_id__as_of_date",
        "assert_segment_transitions_add_up",
    } <= failed_tests(output, tmp_path / "corrupted.duckdb"), output[-3000:]
