"""The connection guide works: SQLAlchemy (duckdb-engine) and the DuckDB CLI read every mart of
the published file, read-only, and get what the build made."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from tools.tests.conftest import Build

DUCKDB_CLI = str(Path(sys.executable).parent / "duckdb")


def _build_counts(default_build: Build) -> dict[str, int]:
    tables = default_build.query(
        "select table_name from duckdb_tables() where schema_name = 'marts' order by 1"
    )["table_name"]
    return {
        table: int(default_build.query(f"select count(*) as n from marts.{table}")["n"].iloc[0])
        for table in tables
    }


def test_sqlalchemy_reads_every_mart_read_only(default_build: Build, published: Path) -> None:
    expected = _build_counts(default_build)
    assert {"customer_segments", "segment_summary"} <= expected.keys()

    # The URL as the README gives it to Superset-style tools.
    engine = sa.create_engine(f"duckdb:///{published}?access_mode=read_only")
    try:
        inspector = sa.inspect(engine)
        assert sorted(inspector.get_table_names(schema="marts")) == sorted(expected)
        with engine.connect() as connection:
            for table, rows in expected.items():
                columns = [column["name"] for column in inspector.get_columns(table, "marts")]
                assert columns, table
                count = connection.execute(sa.text(f"select count(*) from marts.{table}"))
                assert count.scalar_one() == rows, table
                sample = connection.execute(sa.text(f"select * from marts.{table} limit 5"))
                assert list(sample.keys()) == columns
                assert len(sample.fetchall()) == min(rows, 5)
            summary = connection.execute(
                sa.text(
                    "select lifecycle_segment, customers from marts.segment_summary "
                    "order by segment_order"
                )
            ).fetchall()
            assert [segment for segment, _ in summary][:2] == ["prospect", "new"]
            assert sum(customers for _, customers in summary) == expected["customer_segments"]
            with pytest.raises(sa.exc.DBAPIError, match="read-only"):
                connection.execute(sa.text("create table marts.scratch as select 1 as x"))
    finally:
        engine.dispose()


def test_the_duckdb_cli_reads_every_mart_read_only(default_build: Build, published: Path) -> None:
    # duckdb-cli is DuckDB 1.x: this also proves older BI drivers can open the published file.
    expected = _build_counts(default_build)
    queries = " union all ".join(
        f"select '{table}' as mart, count(*) as n from marts.{table}" for table in expected
    )
    result = subprocess.run(
        [DUCKDB_CLI, "-readonly", "-csv", "-noheader", str(published), queries],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    counts = dict(line.split(",") for line in result.stdout.split())
    assert {table: int(n) for table, n in counts.items()} == expected

    write = subprocess.run(
        [DUCKDB_CLI, "-readonly", str(published), "create table marts.scratch as select 1"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert write.returncode != 0 and "read-only" in write.stdout + write.stderr
