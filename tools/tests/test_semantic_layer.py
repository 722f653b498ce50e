"""The MetricFlow semantic layer: metrics by segment from the `mf` CLI agree with the marts."""

from __future__ import annotations

import csv
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tools.tests.conftest import PROJECT_DIR, Build

MF = str(Path(sys.executable).parent / "mf")
# Everything of the project but what builds and runs write.
NOT_LINKED = {".git", ".venv", "target", "logs", "data", "dbt_packages", ".pytest_cache"}


@pytest.fixture(scope="module")
def mf_project(tmp_path_factory: pytest.TempPathFactory, default_build: Build) -> Path:
    """The project with the default build's target folder: `mf` reads `<project>/target`."""
    project = tmp_path_factory.mktemp("mf_project")
    for entry in PROJECT_DIR.iterdir():
        if entry.name not in NOT_LINKED:
            (project / entry.name).symlink_to(entry)
    (project / "target").symlink_to(default_build.database.parent / "target")
    return project


def _mf_query(project: Path, output: Path, args: list[str], **env: str) -> list[dict[str, str]]:
    environment = {
        **os.environ,
        "DBT_PROFILES_DIR": str(project),
        "DBT_PROJECT_DIR": str(project),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        **env,
    }
    result = subprocess.run(
        [MF, "query", *args, "--csv", str(output)],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0 and output.exists(), result.stdout[-3000:] + result.stderr[-3000:]
    with output.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _number(text: str) -> float | None:
    return None if text in {"", "None", "nan"} else float(text)


def _close(actual: str, expected: Any) -> bool:
    value = _number(actual)
    if expected is None or value is None:
        return value is None and expected is None
    return math.isclose(value, float(expected), rel_tol=1e-9, abs_tol=1e-9)


def test_metrics_by_segment_match_the_mart(
    mf_project: Path, default_build: Build, tmp_path: Path
) -> None:
    rows = _mf_query(
        mf_project,
        tmp_path / "by_segment.csv",
        [
            "--metrics",
            "customers,revenue,orders,average_order_value,churn_rate",
            "--group-by",
            "customer__segment",
        ],
        DBT_DUCKDB_PATH=str(default_build.database),
    )
    expected = default_build.query(
        """
        select
            lifecycle_segment,
            count(*) as customers,
            sum(total_revenue) as revenue,
            sum(order_count) as orders,
            sum(total_revenue) / nullif(sum(order_count), 0) as average_order_value,
            sum(case when lifecycle_segment = 'churned' then 1 else 0 end)
            / nullif(sum(case when purchase_days > 0 then 1 else 0 end), 0) as churn_rate
        from marts.customer_segments
        group by lifecycle_segment
        """
    ).set_index("lifecycle_segment")
    by_segment = {row["customer__segment"]: row for row in rows}
    assert set(by_segment) == set(expected.index)
    assert by_segment.keys() >= {"churned", "loyal", "prospect"}
    for segment, row in by_segment.items():
        mart = expected.loc[segment]
        for metric in ["customers", "revenue", "orders", "average_order_value", "churn_rate"]:
            value = None if mart[metric] is None or mart[metric] != mart[metric] else mart[metric]
            assert _close(row[metric], value), (segment, metric, row[metric], value)


# The customer types beside the lifecycle segment (docs/customer-types.md): dimensions.
TYPE_DIMENSIONS = [
    "is_weekend_buyer",
    "is_holiday_buyer",
    "is_anniversary_buyer",
    "subregion",
    "prospect_type",
    "is_unhappy",
    "unhappy_basis",
    "is_advocate",
    "is_novice",
    "top_category",
]


@pytest.mark.parametrize("dimension", TYPE_DIMENSIONS)
def test_customers_by_type_match_the_mart(
    mf_project: Path, default_build: Build, tmp_path: Path, dimension: str
) -> None:
    rows = _mf_query(
        mf_project,
        tmp_path / f"by_{dimension}.csv",
        ["--metrics", "customers", "--group-by", f"customer__{dimension}"],
        DBT_DUCKDB_PATH=str(default_build.database),
    )
    expected = default_build.query(
        f"select cast({dimension} as varchar) as value, count(*) as customers"
        f" from marts.customer_segments group by {dimension}"
    )
    shown = {
        (row[f"customer__{dimension}"] or "none").lower(): _number(row["customers"]) for row in rows
    }
    assert shown == {
        "none" if value is None or value != value else str(value).lower(): float(customers)
        for value, customers in zip(expected["value"], expected["customers"], strict=True)
    }


def test_churn_rate_is_churned_over_buyers(
    mf_project: Path, default_build: Build, tmp_path: Path
) -> None:
    rows = _mf_query(
        mf_project,
        tmp_path / "churn.csv",
        ["--metrics", "churn_rate,churned_customers,buyers"],
        DBT_DUCKDB_PATH=str(default_build.database),
    )
    expected = default_build.query(
        "select count(*) filter (where lifecycle_segment = 'churned') as churned, "
        "count(*) filter (where purchase_days > 0) as buyers from marts.customer_segments"
    ).iloc[0]
    assert len(rows) == 1
    assert int(rows[0]["churned_customers"]) == expected["churned"] > 0
    assert int(rows[0]["buyers"]) == expected["buyers"]
    assert _close(rows[0]["churn_rate"], expected["churned"] / expected["buyers"])


def test_shares_by_segment_from_the_published_file_while_the_build_database_is_locked(
    mf_project: Path, default_build: Build, published: Path, tmp_path: Path
) -> None:
    # A build in progress holds the build database; the `published` target does not need it.
    writer = duckdb.connect(str(default_build.database))
    try:
        writer.execute("begin transaction")
        rows = _mf_query(
            mf_project,
            tmp_path / "shares.csv",
            [
                "--metrics",
                "customer_share,revenue_share,customers",
                "--group-by",
                "lifecycle_segment,lifecycle_segment__segment_order",
                "--order",
                "lifecycle_segment__segment_order",
            ],
            DBT_TARGET="published",
            SEGMENTS_PUBLISHED_PATH=str(published),
            DBT_DUCKDB_PATH=str(default_build.database),
        )
    finally:
        writer.close()
    with duckdb.connect(str(published), read_only=True) as connection:
        summary = connection.execute(
            "select lifecycle_segment, customer_share, revenue_share "
            "from marts.segment_summary order by segment_order"
        ).fetchall()
        customers = dict(
            connection.execute(
                "select lifecycle_segment, count(*) from marts.customer_segments group by 1"
            ).fetchall()
        )
    assert [row["lifecycle_segment"] for row in rows] == [segment for segment, _, _ in summary]
    for row, (segment, customer_share, revenue_share) in zip(rows, summary, strict=True):
        assert _close(row["customer_share"], customer_share), segment
        assert _close(row["revenue_share"], revenue_share), segment
        assert _close(row["customers"], customers.get(segment)), segment
    assert math.isclose(sum(float(row["customer_share"]) for row in rows), 1.0)
