"""The same project on PostgreSQL and Spark: the bundled sample built and tested on each, the
marts identical to DuckDB's, and the read-only BI role on a real PostgreSQL server.

PostgreSQL: a throwaway server on 127.0.0.1 (tools/postgres_server.py), stopped afterwards.
Spark: a local pyspark session (dbt-spark's session method), its tables in a temporary folder.
"""

from __future__ import annotations

import decimal
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import numpy as np
import pandas as pd
import psycopg2
import pytest

from tools import postgres_server
from tools.tests.conftest import run_dbt

# Scores of the Python fit (DuckDB only): empty on the other engines (the horizon is a setting).
PREDICTION_COLUMNS = {
    "p_alive",
    "expected_purchases",
    "expected_purchases_90d",
    "expected_spend_per_purchase",
    "expected_revenue",
    "predicted_churn_risk",
}
# Marts only the Python models make.
DUCKDB_ONLY_MARTS = {"predictive_model_parameters"}
# Figures agree within rounding: money is rounded to cents, and DuckDB divides decimals in double
# precision where PostgreSQL and Spark divide exactly, so a half cent can round either way.
TOLERANCE = 0.01 + 1e-9
# The bundled sample (loaded into raw_sample).
SAMPLE_VARS = {"use_sample_data": True}


def dbt_on(target: str, work_dir: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`dbt build --target <target>` of the bundled sample, with its own target and log folders."""
    result = run_dbt(
        ["build", "--target", target, "--vars", json.dumps(SAMPLE_VARS)],
        None,
        work_dir,
        check=False,
        env=env,
    )
    summary = [line for line in result.stdout.splitlines() if "Done." in line or "ERROR" in line]
    assert result.returncode == 0, (
        f"dbt build --target {target} failed:\n" + "\n".join(summary[-30:]) + result.stdout[-4000:]
    )
    return result


@pytest.fixture(scope="module")
def duckdb_marts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    work_dir = tmp_path_factory.mktemp("engines_duckdb")
    database = work_dir / "segments.duckdb"
    run_dbt(["build", "--vars", json.dumps(SAMPLE_VARS)], database, work_dir)
    import duckdb

    with duckdb.connect(str(database), read_only=True) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        ]
        return {table: connection.sql(f"select * from marts.{table}").df() for table in tables}


@pytest.fixture(scope="module")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[postgres_server.Server]:
    """A throwaway PostgreSQL server with the sample built into it by the builder role."""
    server = postgres_server.start()
    try:
        dbt_on("postgres", tmp_path_factory.mktemp("engines_postgres"), server.env())
        yield server
    finally:
        postgres_server.stop(server.folder)


def postgres_tables(server: postgres_server.Server, schema: str) -> list[str]:
    with closing(server.connect()) as connection, connection.cursor() as cursor:
        cursor.execute(
            "select table_name from information_schema.tables where table_schema = %s", (schema,)
        )
        return sorted(row[0] for row in cursor.fetchall())


@pytest.fixture(scope="module")
def postgres_marts(postgres: postgres_server.Server) -> dict[str, pd.DataFrame]:
    marts = {}
    with closing(postgres.connect()) as connection:
        for table in postgres_tables(postgres, "marts"):
            with connection.cursor() as cursor:
                cursor.execute(f"select * from marts.{table}")
                columns = [column.name for column in cursor.description]
                marts[table] = pd.DataFrame(cursor.fetchall(), columns=columns)
    return marts


SPARK_EXPORT = """
import sys
from pyspark.sql import SparkSession
spark_dir, out_dir = sys.argv[1], sys.argv[2]
spark = (
    SparkSession.builder.master("local[2]").enableHiveSupport()
    .config("spark.ui.enabled", "false")
    .config("spark.sql.session.timeZone", "UTC")
    .config("spark.sql.warehouse.dir", spark_dir + "/warehouse")
    .config("spark.hadoop.javax.jdo.option.ConnectionURL",
            "jdbc:derby:;databaseName=" + spark_dir + "/metastore_db;create=true")
    .config("spark.driver.extraJavaOptions", "-Dderby.system.home=" + spark_dir)
    .getOrCreate()
)
spark.sparkContext.setLogLevel("ERROR")
for row in spark.sql("show tables in marts").collect():
    frame = spark.table("marts." + row.tableName).toPandas()
    frame.to_pickle(out_dir + "/" + row.tableName + ".pkl")
"""


@pytest.fixture(scope="module")
def spark_marts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    """The sample built and tested in a local Spark session; its marts read back afterwards."""
    work_dir = tmp_path_factory.mktemp("engines_spark")
    spark_dir = work_dir / "spark"
    env = {"SEGMENTS_SPARK_DIR": str(spark_dir), "SPARK_LOCAL_IP": "127.0.0.1"}
    dbt_on("spark", work_dir, env)
    out_dir = work_dir / "marts"
    out_dir.mkdir()
    subprocess.run(
        [sys.executable, "-c", SPARK_EXPORT, str(spark_dir), str(out_dir)],
        cwd=work_dir,
        env={**os.environ, **env},
        check=True,
        capture_output=True,
    )
    return {path.stem: pd.read_pickle(path) for path in out_dir.glob("*.pkl")}


def normalised(frame: pd.DataFrame) -> pd.DataFrame:
    """Engine-neutral values: numbers as floats, dates and timestamps as pandas timestamps,
    text as text; rows sorted by every column that is not a float."""
    frame = frame.copy()
    frame.columns = [column.lower() for column in frame.columns]
    for column in frame.columns:
        values = frame[column]
        sample = values.dropna()
        first = sample.iloc[0] if len(sample) else None
        if isinstance(first, (decimal.Decimal, float, np.floating)) or (
            pd.api.types.is_float_dtype(values)
        ):
            frame[column] = pd.to_numeric(values.astype(object), errors="raise").astype(float)
        elif isinstance(first, (bool, np.bool_)):
            frame[column] = values.astype("boolean")
        elif isinstance(first, (int, np.integer)):
            frame[column] = values.astype("Int64")
        elif first is not None and hasattr(first, "year"):
            frame[column] = pd.to_datetime(values).dt.tz_localize(None).astype("datetime64[us]")
        elif first is None:
            frame[column] = values.astype(object).where(values.notna(), None)
    keys = [column for column in frame.columns if frame[column].dtype != float]
    return frame.sort_values(keys, na_position="last").reset_index(drop=True)


def assert_same_table(name: str, expected: pd.DataFrame, actual: pd.DataFrame) -> None:
    assert sorted(expected.columns) == sorted(actual.columns), name
    assert len(expected) == len(actual), f"{name}: {len(expected)} rows vs {len(actual)}"
    for column in expected.columns:
        left, right = expected[column], actual[column]
        if left.dtype == float or right.dtype == float:
            both = pd.concat([left, right], axis=1).astype(float)
            assert (both.iloc[:, 0].isna() == both.iloc[:, 1].isna()).all(), f"{name}.{column}"
            gap = (both.iloc[:, 0] - both.iloc[:, 1]).abs().max()
            assert pd.isna(gap) or gap <= TOLERANCE, f"{name}.{column} differs by {gap}"
        else:
            mismatch = ~(
                (left.astype(object).fillna("<null>").astype(str).to_numpy())
                == (right.astype(object).fillna("<null>").astype(str).to_numpy())
            )
            assert not mismatch.any(), (
                f"{name}.{column}: {int(mismatch.sum())} rows differ, e.g. "
                f"{left[mismatch].head(3).tolist()} vs {right[mismatch].head(3).tolist()}"
            )


def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    return normalised(frame.drop(columns=[c for c in frame.columns if c in PREDICTION_COLUMNS]))


def test_marts_agree_across_engines(
    duckdb_marts: dict[str, pd.DataFrame],
    postgres_marts: dict[str, pd.DataFrame],
    spark_marts: dict[str, pd.DataFrame],
) -> None:
    expected_marts = set(duckdb_marts) - DUCKDB_ONLY_MARTS
    assert set(postgres_marts) == expected_marts
    assert set(spark_marts) == expected_marts
    assert len(duckdb_marts["customer_segments"]) > 1000
    for engine, marts in (("postgres", postgres_marts), ("spark", spark_marts)):
        for table in sorted(expected_marts):
            assert_same_table(
                f"{engine}: marts.{table}",
                comparable(duckdb_marts[table]),
                comparable(marts[table]),
            )
            scores = [c for c in marts[table].columns if c.lower() in PREDICTION_COLUMNS]
            assert marts[table][scores].isna().all().all(), f"{engine}: {table} has scores"


def test_bi_reader_reads_the_marts_and_nothing_else(postgres: postgres_server.Server) -> None:
    marts = postgres_tables(postgres, "marts")
    assert {"customer_segments", "segment_summary", "customer_segment_history"} <= set(marts)
    hidden = {
        schema: postgres_tables(postgres, schema)
        for schema in ("raw_sample", "reference", "staging", "intermediate")
    }
    assert all(hidden.values()), hidden
    with closing(postgres.connect(postgres_server.BI_READER)) as connection:
        connection.autocommit = True
        with connection.cursor() as cursor:
            for table in marts:
                cursor.execute(f"select count(*) from marts.{table}")
                assert cursor.fetchone()[0] >= 0
            cursor.execute("select count(*) from marts.customer_segments")
            assert cursor.fetchone()[0] > 1000
            for schema, tables in hidden.items():
                for table in tables:
                    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                        cursor.execute(f"select * from {schema}.{table} limit 1")
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cursor.execute("create table marts.bi_reader_was_here (x integer)")
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cursor.execute("delete from marts.customer_segments")
