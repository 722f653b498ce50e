"""The same project on PostgreSQL and Spark, reading raw tables where a loader put them.

A fresh raw data set (not the sample) is loaded as a loader would load it (dlt, Airbyte, Fivetran,
COPY) into raw.raw_customers / raw.raw_orders and the four optional raw tables: on a throwaway
PostgreSQL server (tools/postgres_server.py, stopped afterwards) with `create table` and COPY, in
a local Spark session (dbt-spark's session method, its tables in a temporary folder) with Spark's
CSV reader, and into a DuckDB file. `dbt build` without raw_dir or use_sample_data reads them:
the raw tables are left exactly as they were, and every mart equals DuckDB's build of the same
files (raw_dir).
On PostgreSQL the bundled sample is built too (use_sample_data, into schema raw_sample, beside
loaded raw tables it must not touch), its marts equal to DuckDB's; the read-only roles are tried
on a real server: bi_reader reads the marts only, data_quality_reader the quarantine schema only.
Missing raw tables stop the run on every engine with one message.
"""

from __future__ import annotations

import csv
import decimal
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import psycopg2
import pytest

from tools import postgres_server
from tools.generate_optional_tables import OPTIONAL_TABLES, generate_optional
from tools.generate_raw_data import generate, write
from tools.tests.conftest import PROJECT_DIR, SAMPLE_END_DATE, run_dbt

# Scores of the Python fit (DuckDB only): on the other engines scored in SQL from the parameters
# of the var prediction_parameters, and empty without it (the horizon is a setting).
PREDICTION_COLUMNS = {
    "p_alive",
    "expected_purchases",
    "expected_purchases_90d",
    "expected_spend_per_purchase",
    "expected_revenue",
    "customer_lifetime_value",
    "prediction_model",
    "predicted_churn_risk",
}
# Marts only the Python fit makes (the back-test reads its parameters).
DUCKDB_ONLY_MARTS = {"predictive_model_parameters", "prediction_backtest"}
# Figures agree within rounding: money is rounded to cents, and DuckDB divides decimals in double
# precision where PostgreSQL and Spark divide exactly, so a half cent can round either way.
TOLERANCE = 0.01 + 1e-9
RAW_TABLES = ("raw_customers", "raw_orders", *OPTIONAL_TABLES)
# The second database of the PostgreSQL server: the bundled sample, beside loaded raw tables.
SAMPLE_DATABASE = "segments_sample"
MISSING_RAW_TABLES = "The raw tables are not there"
Fingerprints = dict[str, tuple[int, str]]


@dataclass(frozen=True)
class EngineBuild:
    """A `dbt build` on one engine: its marts, and the raw tables' fingerprints around it."""

    marts: dict[str, pd.DataFrame]
    raw_before: Fingerprints
    raw_after: Fingerprints
    work_dir: Path


def dbt_on(
    target: str,
    work_dir: Path,
    env: dict[str, str],
    dbt_vars: dict[str, Any] | None = None,
    unit_tests: bool = True,
) -> subprocess.CompletedProcess[str]:
    """`dbt build --target <target>` with its own target and log folders, the unit tests left
    out when `unit_tests` is false. On Spark they are always left out: there they take as long
    as the models and data tests together (2.5 minutes), and the marts are compared with
    DuckDB's build of the same rows; PostgreSQL runs them once (the loaded tables' build)."""
    args = ["build", "--target", target]
    if target == "spark" or not unit_tests:
        args += ["--exclude-resource-type", "unit_test"]
    if dbt_vars:
        args += ["--vars", json.dumps(dbt_vars)]
    result = run_dbt(args, None, work_dir, check=False, env=env)
    summary = [line for line in result.stdout.splitlines() if "Done." in line or "ERROR" in line]
    assert result.returncode == 0, (
        f"dbt build --target {target} failed:\n" + "\n".join(summary[-30:]) + result.stdout[-4000:]
    )
    return result


def fitted_parameters(marts: dict[str, pd.DataFrame]) -> dict[str, Any]:
    """The parameters of a DuckDB build's chosen model, as the var prediction_parameters takes
    them."""
    row = marts["predictive_model_parameters"].iloc[0]
    model = str(row["prediction_model"])
    prefix = "mbgnbd_" if model == "mbgnbd" else ""
    parameters = {name: float(row[prefix + name]) for name in ("r", "alpha", "a", "b")}
    parameters.update({name: float(row[name]) for name in ("p", "q", "v")})
    assert all(np.isfinite(value) for value in parameters.values()), parameters
    return {"model": model, **parameters}


def fingerprint(rows: list[tuple[Any, ...]]) -> tuple[int, str]:
    """Row count and md5 of the rows in order (every value as text, null as null)."""
    lines = sorted(
        json.dumps([None if value is None else str(value) for value in row]) for row in rows
    )
    return len(lines), hashlib.md5("\n".join(lines).encode()).hexdigest()


def frame_fingerprint(frame: pd.DataFrame) -> tuple[int, str]:
    values = frame.astype(object).where(frame.notna(), None)
    return fingerprint([tuple(row) for row in values.itertuples(index=False)])


@pytest.fixture(scope="module")
def loaded_raw_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small fresh raw data set as CSV files, what a loader would load (not the sample), the
    optional tables with it."""
    customers, orders = generate(customers=400, seed=11, end_date=SAMPLE_END_DATE, years=3)
    sample = pd.read_csv(PROJECT_DIR / "seeds" / "raw_customers.csv", dtype=str)
    assert len(customers) != len(sample), "the loaded data must differ from the sample"
    folder = tmp_path_factory.mktemp("loaded_raw")
    optional = generate_optional(customers, orders, seed=11, end_date=SAMPLE_END_DATE)
    write(customers, orders, folder, "csv", optional)
    return folder


def duckdb_marts_of(database: Path) -> dict[str, pd.DataFrame]:
    with duckdb.connect(str(database), read_only=True) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "select table_name from information_schema.tables where table_schema = 'marts'"
            ).fetchall()
        ]
        return {table: connection.sql(f"select * from marts.{table}").df() for table in tables}


def duckdb_raw_fingerprints(database: Path) -> Fingerprints:
    with duckdb.connect(str(database), read_only=True) as connection:
        return {
            table: fingerprint(connection.execute(f"select * from raw.{table}").fetchall())
            for table in RAW_TABLES
        }


@pytest.fixture(scope="module")
def duckdb_sample_marts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    """The bundled sample built on DuckDB."""
    work_dir = tmp_path_factory.mktemp("engines_duckdb_sample")
    database = work_dir / "segments.duckdb"
    run_dbt(["build", "--vars", json.dumps({"use_sample_data": True})], database, work_dir)
    return duckdb_marts_of(database)


@pytest.fixture(scope="module")
def duckdb_raw_dir_marts(
    tmp_path_factory: pytest.TempPathFactory, loaded_raw_dir: Path
) -> dict[str, pd.DataFrame]:
    """DuckDB's build of the loaded data's files, read in place with raw_dir: the reference."""
    work_dir = tmp_path_factory.mktemp("engines_duckdb_raw_dir")
    database = work_dir / "segments.duckdb"
    run_dbt(["build", "--vars", json.dumps({"raw_dir": str(loaded_raw_dir)})], database, work_dir)
    return duckdb_marts_of(database)


@pytest.fixture(scope="module")
def duckdb_loaded(tmp_path_factory: pytest.TempPathFactory, loaded_raw_dir: Path) -> EngineBuild:
    """A DuckDB file whose raw tables a loader created; built without raw_dir or the sample."""
    work_dir = tmp_path_factory.mktemp("engines_duckdb_loaded")
    database = work_dir / "segments.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute("create schema raw")
        for table in RAW_TABLES:
            path = str(loaded_raw_dir / f"{table}.csv").replace("'", "''")
            connection.execute(
                f"create table raw.{table} as"
                f" select * from read_csv('{path}', header = true, all_varchar = true)"
            )
    before = duckdb_raw_fingerprints(database)
    run_dbt(["build"], database, work_dir)
    return EngineBuild(
        duckdb_marts_of(database), before, duckdb_raw_fingerprints(database), work_dir
    )


@pytest.fixture(scope="module")
def postgres() -> Iterator[postgres_server.Server]:
    """A throwaway PostgreSQL server (builder, bi_reader and data_quality_reader roles)."""
    server = postgres_server.start()
    try:
        yield server
    finally:
        postgres_server.stop(server.folder)


def postgres_tables(
    server: postgres_server.Server, schema: str, database: str = postgres_server.DATABASE
) -> list[str]:
    with closing(server.connect(database=database)) as connection, connection.cursor() as cursor:
        cursor.execute(
            "select table_name from information_schema.tables where table_schema = %s", (schema,)
        )
        return sorted(row[0] for row in cursor.fetchall())


def postgres_marts_of(server: postgres_server.Server, database: str) -> dict[str, pd.DataFrame]:
    marts = {}
    with closing(server.connect(database=database)) as connection:
        for table in postgres_tables(server, "marts", database):
            with connection.cursor() as cursor:
                cursor.execute(f"select * from marts.{table}")
                columns = [column.name for column in cursor.description]
                marts[table] = pd.DataFrame(cursor.fetchall(), columns=columns)
    return marts


def postgres_load_raw(server: postgres_server.Server, database: str, raw_dir: Path) -> None:
    """What a loader does: the raw tables with a text column per CSV column, rows by COPY. Empty
    values are loaded as null (force_null), as DuckDB's CSV reader reads them (raw_dir), so that
    both hold the same raw text."""
    with closing(server.connect(database=database)) as connection:
        with connection.cursor() as cursor:
            cursor.execute("create schema raw")
            for table in RAW_TABLES:
                path = raw_dir / f"{table}.csv"
                with path.open(newline="", encoding="utf-8") as handle:
                    header = next(csv.reader(handle))
                columns = ", ".join(f'"{column}" text' for column in header)
                cursor.execute(f"create table raw.{table} ({columns})")
                names = ", ".join(f'"{column}"' for column in header)
                with path.open(encoding="utf-8") as handle:
                    cursor.copy_expert(
                        f"copy raw.{table} from stdin"
                        f" with (format csv, header true, force_null ({names}))",
                        handle,
                    )
        connection.commit()


def postgres_raw_fingerprints(server: postgres_server.Server, database: str) -> Fingerprints:
    with closing(server.connect(database=database)) as connection, connection.cursor() as cursor:
        fingerprints = {}
        for table in RAW_TABLES:
            cursor.execute(f"select * from raw.{table}")
            fingerprints[table] = fingerprint(cursor.fetchall())
        return fingerprints


def postgres_create_database(server: postgres_server.Server, database: str) -> None:
    with closing(server.connect("postgres", "postgres")) as connection:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f"create database {database} owner {postgres_server.BUILDER}")


@pytest.fixture(scope="module")
def postgres_loaded(
    postgres: postgres_server.Server,
    loaded_raw_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> EngineBuild:
    """`dbt build --target postgres`, as the README says, on raw tables a loader wrote."""
    database = postgres_server.DATABASE
    postgres_load_raw(postgres, database, loaded_raw_dir)
    before = postgres_raw_fingerprints(postgres, database)
    work_dir = tmp_path_factory.mktemp("engines_postgres")
    dbt_on("postgres", work_dir, postgres.env())
    return EngineBuild(
        postgres_marts_of(postgres, database),
        before,
        postgres_raw_fingerprints(postgres, database),
        work_dir,
    )


@pytest.fixture(scope="module")
def postgres_sample(
    postgres: postgres_server.Server,
    loaded_raw_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
    duckdb_sample_marts: dict[str, pd.DataFrame],
) -> EngineBuild:
    """The bundled sample built (use_sample_data) in a database that has loaded raw tables too,
    scored in SQL with the parameters DuckDB fitted on it."""
    postgres_create_database(postgres, SAMPLE_DATABASE)
    postgres_load_raw(postgres, SAMPLE_DATABASE, loaded_raw_dir)
    before = postgres_raw_fingerprints(postgres, SAMPLE_DATABASE)
    work_dir = tmp_path_factory.mktemp("engines_postgres_sample")
    env = {**postgres.env(), "PGDATABASE": SAMPLE_DATABASE}
    dbt_vars = {
        "use_sample_data": True,
        "prediction_parameters": fitted_parameters(duckdb_sample_marts),
    }
    dbt_on("postgres", work_dir, env, dbt_vars, unit_tests=False)
    return EngineBuild(
        postgres_marts_of(postgres, SAMPLE_DATABASE),
        before,
        postgres_raw_fingerprints(postgres, SAMPLE_DATABASE),
        work_dir,
    )


# A Spark session like the `spark` target's (the same warehouse and metastore folders).
SPARK_SESSION = """
import sys
from pyspark.sql import SparkSession
spark_dir = sys.argv[1]
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
"""

# What a loader does on Spark: CSV read with Spark's reader (every column a string), saved as
# tables of the database `raw`. Empty values are written as null, as DuckDB's CSV reader reads
# them (raw_dir), so that both hold the same raw text. The tables as written are pickled into the
# folder <raw_dir>/spark_before.
SPARK_LOAD = (
    SPARK_SESSION
    + """
from pyspark.sql import functions
raw_dir, out_dir = sys.argv[2], sys.argv[3]
spark.sql("create database if not exists raw")
for table in sys.argv[4].split(","):
    frame = (
        spark.read.option("header", True).option("multiLine", True).option("escape", '"')
        .csv(raw_dir + "/" + table + ".csv")
    )
    frame.select([
        functions.when(functions.col(name) != "", functions.col(name)).alias(name)
        for name in frame.columns
    ]).write.saveAsTable("raw." + table)
    spark.table("raw." + table).toPandas().to_pickle(out_dir + "/raw." + table + ".pkl")
"""
)

# Every mart and the raw tables, as pickled pandas frames named <schema>.<table>.pkl.
SPARK_EXPORT = (
    SPARK_SESSION
    + """
out_dir = sys.argv[2]
tables = ["marts." + row.tableName for row in spark.sql("show tables in marts").collect()]
for name in tables + ["raw." + table for table in sys.argv[3].split(",")]:
    spark.table(name).toPandas().to_pickle(out_dir + "/" + name + ".pkl")
"""
)


def spark_script(script: str, env: dict[str, str], spark_dir: Path, *arguments: Path | str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", script, str(spark_dir), *map(str, arguments)],
        cwd=spark_dir.parent,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]


def spark_tables(spark_dir: Path, env: dict[str, str], out_dir: Path) -> dict[str, pd.DataFrame]:
    out_dir.mkdir()
    spark_script(SPARK_EXPORT, env, spark_dir, out_dir, ",".join(RAW_TABLES))
    return {path.stem: pd.read_pickle(path) for path in out_dir.glob("*.pkl")}


@pytest.fixture(scope="module")
def spark_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    spark_dir = tmp_path_factory.mktemp("engines_spark") / "spark"
    return {"SEGMENTS_SPARK_DIR": str(spark_dir), "SPARK_LOCAL_IP": "127.0.0.1"}


@pytest.fixture(scope="module")
def spark_loaded(
    spark_env: dict[str, str],
    loaded_raw_dir: Path,
    duckdb_raw_dir_marts: dict[str, pd.DataFrame],
) -> EngineBuild:
    """Raw tables loaded with Spark's CSV reader, then `dbt build --target spark` on them,
    scored in SQL with the parameters DuckDB fitted on the same data."""
    spark_dir = Path(spark_env["SEGMENTS_SPARK_DIR"])
    work_dir = spark_dir.parent
    (work_dir / "before").mkdir()
    spark_script(
        SPARK_LOAD, spark_env, spark_dir, loaded_raw_dir, work_dir / "before", ",".join(RAW_TABLES)
    )
    before = {path.stem: pd.read_pickle(path) for path in (work_dir / "before").glob("*.pkl")}
    dbt_on(
        "spark",
        work_dir,
        spark_env,
        {"prediction_parameters": fitted_parameters(duckdb_raw_dir_marts)},
    )
    after = spark_tables(spark_dir, spark_env, work_dir / "after")
    return EngineBuild(
        marts={
            name[len("marts.") :]: frame
            for name, frame in after.items()
            if name.startswith("marts.")
        },
        raw_before={table: frame_fingerprint(before[f"raw.{table}"]) for table in RAW_TABLES},
        raw_after={table: frame_fingerprint(after[f"raw.{table}"]) for table in RAW_TABLES},
        work_dir=work_dir,
    )


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


def assert_same_marts(
    engine: str,
    expected: dict[str, pd.DataFrame],
    actual: dict[str, pd.DataFrame],
    scored: bool = False,
) -> None:
    """Every mart of `actual` holds the rows of DuckDB's (`expected`), scores included when
    `scored` (DuckDB, or another engine given DuckDB's parameters); otherwise scores empty."""
    duckdb_only = set() if engine.startswith("duckdb") else DUCKDB_ONLY_MARTS
    assert set(actual) == set(expected) - duckdb_only, engine
    for table in sorted(actual):
        if scored or engine.startswith("duckdb"):
            assert_same_table(
                f"{engine}: marts.{table}", normalised(expected[table]), normalised(actual[table])
            )
            continue
        assert_same_table(
            f"{engine}: marts.{table}", comparable(expected[table]), comparable(actual[table])
        )
        scores = [
            c
            for c in actual[table].columns
            if c.lower() in PREDICTION_COLUMNS and c.lower() != "predicted_churn_risk"
        ]
        assert actual[table][scores].isna().all().all(), f"{engine}: {table} has scores"
        # without a fitted model a buyer's churn risk is `unknown`, a prospect's null
        bands = [c for c in actual[table].columns if c.lower() == "predicted_churn_risk"]
        for band in bands:
            assert set(actual[table][band].dropna()) <= {"unknown"}, f"{engine}: {table}.{band}"


@pytest.mark.parametrize("engine", ["duckdb", "postgres", "spark"])
def test_loaded_raw_tables_are_read_in_place_and_never_written(
    engine: str,
    request: pytest.FixtureRequest,
    duckdb_raw_dir_marts: dict[str, pd.DataFrame],
    loaded_raw_dir: Path,
) -> None:
    """`dbt build` without raw_dir or use_sample_data reads the raw tables a loader wrote: they
    hold exactly the rows they held before, and the marts are DuckDB's build of the same files."""
    built: EngineBuild = request.getfixturevalue(f"{engine}_loaded")
    customers = pd.read_csv(loaded_raw_dir / "raw_customers.csv", dtype=str)
    orders = pd.read_csv(loaded_raw_dir / "raw_orders.csv", dtype=str)
    assert built.raw_before["raw_customers"][0] == len(customers)
    assert built.raw_before["raw_orders"][0] == len(orders)
    assert built.raw_after == built.raw_before
    assert len(duckdb_raw_dir_marts["customer_segments"]) > 300
    # the file a row came from is the file's name with raw_dir, the table's name when loaded
    # Spark's build was given DuckDB's parameters (scores in SQL), PostgreSQL's none (no scores)
    assert_same_marts(
        f"{engine} (loaded tables)",
        without_source_file(duckdb_raw_dir_marts),
        without_source_file(built.marts),
        scored=engine == "spark",
    )


def without_source_file(marts: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {
        table: frame.drop(columns=[c for c in frame.columns if c.lower() == "source_file"])
        for table, frame in marts.items()
    }


def test_the_sample_lands_beside_loaded_raw_tables_on_postgres(
    postgres: postgres_server.Server,
    postgres_sample: EngineBuild,
    duckdb_sample_marts: dict[str, pd.DataFrame],
) -> None:
    """With use_sample_data the sample seeds load into raw_sample and the marts are DuckDB's
    build of the sample; the loaded raw tables in raw are left as they were."""
    assert postgres_sample.raw_after == postgres_sample.raw_before
    sample_rows = {
        table: len(pd.read_csv(PROJECT_DIR / "seeds" / f"{table}.csv", dtype=str))
        for table in RAW_TABLES
    }
    with (
        closing(postgres.connect(database=SAMPLE_DATABASE)) as connection,
        connection.cursor() as cursor,
    ):
        for table in RAW_TABLES:
            cursor.execute(f"select count(*) from raw_sample.{table}")
            assert cursor.fetchone()[0] == sample_rows[table], table
    # the generator's product catalogue is the same in both; the other tables differ
    for table in ("raw_customers", "raw_orders", "raw_events", "raw_feedback", "raw_order_items"):
        assert sample_rows[table] != postgres_sample.raw_before[table][0], table
    assert len(duckdb_sample_marts["customer_segments"]) > 1000
    assert_same_marts("postgres (sample)", duckdb_sample_marts, postgres_sample.marts, scored=True)


def test_missing_raw_tables_stop_the_run_with_one_message(
    tmp_path: Path,
    postgres: postgres_server.Server,
    spark_loaded: EngineBuild,
    spark_env: dict[str, str],
) -> None:
    """Without raw tables (and without raw_dir or the sample) nothing is built: the run stops at
    its start with one message naming the relations looked for and the ways to fix it."""
    postgres_create_database(postgres, "segments_empty")
    runs = {
        "duckdb": run_dbt(["build"], tmp_path / "empty.duckdb", tmp_path / "duckdb", check=False),
        "postgres": run_dbt(
            ["build", "--target", "postgres"],
            None,
            tmp_path / "postgres",
            check=False,
            env={**postgres.env(), "PGDATABASE": "segments_empty"},
        ),
        # the Spark session of the loaded build, where raw.raw_customers exists but not elsewhere
        "spark": run_dbt(
            ["build", "--target", "spark", "--vars", json.dumps({"raw_schema": "landing"})],
            None,
            tmp_path / "spark",
            check=False,
            env=spark_env,
        ),
    }
    looked_for = {
        "duckdb": ['"empty"."raw"."raw_customers"', '"empty"."raw"."raw_orders"'],
        "postgres": [
            '"segments_empty"."raw"."raw_customers"',
            '"segments_empty"."raw"."raw_orders"',
        ],
        "spark": ["landing.raw_customers", "landing.raw_orders"],
    }
    for engine, result in runs.items():
        output = result.stdout
        assert result.returncode != 0, f"{engine}: {output[-3000:]}"
        assert output.count(MISSING_RAW_TABLES) == 1, f"{engine}: {output[-3000:]}"
        message = output[output.index(MISSING_RAW_TABLES) :].split("\n")[0]
        for relation in looked_for[engine]:
            assert relation in message, f"{engine}: {message}"
        for way_out in (
            "raw_schema",
            "raw_customers_identifier",
            "raw_dir",
            "use_sample_data: true",
        ):
            assert way_out in message, f"{engine}: {message}"
        assert "START sql" not in output and "START seed" not in output, engine


def test_use_sample_data_is_true_or_false(tmp_path: Path) -> None:
    """A use_sample_data that is not a boolean ("false" as text is true to Jinja) stops the run
    naming the var, before anything is built."""
    result = run_dbt(
        ["build", "--vars", json.dumps({"use_sample_data": "false"})],
        tmp_path / "segments.duckdb",
        tmp_path,
        check=False,
    )
    assert result.returncode != 0
    assert "var 'use_sample_data' must be true or false, got: false" in result.stdout
    assert "START sql" not in result.stdout and "START seed" not in result.stdout


@pytest.mark.parametrize("database", [postgres_server.DATABASE, SAMPLE_DATABASE])
def test_bi_reader_reads_the_marts_and_nothing_else(
    postgres: postgres_server.Server, database: str, request: pytest.FixtureRequest
) -> None:
    request.getfixturevalue(
        "postgres_loaded" if database == postgres_server.DATABASE else "postgres_sample"
    )
    marts = postgres_tables(postgres, "marts", database)
    assert {"customer_segments", "segment_summary", "customer_segment_history"} <= set(marts)
    schemas = ["raw", "reference", "staging", "intermediate"]
    if database == SAMPLE_DATABASE:
        schemas.append("raw_sample")
    hidden = {schema: postgres_tables(postgres, schema, database) for schema in schemas}
    assert all(hidden.values()), hidden
    with closing(postgres.connect(postgres_server.BI_READER, database)) as connection:
        connection.autocommit = True
        with connection.cursor() as cursor:
            for table in marts:
                cursor.execute(f"select count(*) from marts.{table}")
                assert cursor.fetchone()[0] >= 0
            cursor.execute("select count(*) from marts.customer_segments")
            assert cursor.fetchone()[0] > 300
            for schema, tables in hidden.items():
                for table in tables:
                    with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                        cursor.execute(f"select * from {schema}.{table} limit 1")
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cursor.execute("create table marts.bi_reader_was_here (x integer)")
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cursor.execute("delete from marts.customer_segments")


def test_bi_reader_gets_nothing_in_audiences(
    postgres: postgres_server.Server, postgres_loaded: EngineBuild
) -> None:
    """Schema audiences (contact lists: names, emails, phones): built, and the BI role holds no
    privilege on any relation in it nor usage of the schema, and cannot select from it."""
    relations = postgres_tables(postgres, "audiences")
    assert "audience_members" in relations
    with (
        closing(postgres.connect(postgres_server.BI_READER)) as connection,
        closing(postgres.connect()) as owner,
        connection.cursor() as cursor,
        owner.cursor() as privileges,
    ):
        connection.autocommit = True
        privileges.execute("select count(*) from audiences.audience_members")
        assert privileges.fetchone()[0] > 0
        privileges.execute(
            "select has_schema_privilege(%s, 'audiences', 'usage')", (postgres_server.BI_READER,)
        )
        assert privileges.fetchone()[0] is False
        for table in relations:
            privileges.execute(
                "select has_table_privilege(%s, %s, 'select, insert, update, delete')",
                (postgres_server.BI_READER, f"audiences.{table}"),
            )
            assert privileges.fetchone()[0] is False, f"bi_reader holds a privilege on {table}"
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cursor.execute(f"select * from audiences.{table} limit 1")


def quarantine_models(work_dir: Path) -> list[str]:
    """The models the build's manifest puts into schema quarantine."""
    manifest = json.loads((work_dir / "target" / "manifest.json").read_text())
    return sorted(
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] == "quarantine"
    )


@pytest.mark.parametrize(
    ("role", "may_read"),
    [(postgres_server.BI_READER, False), (postgres_server.DATA_QUALITY_READER, True)],
)
def test_only_the_data_quality_role_reads_the_quarantine(
    postgres: postgres_server.Server,
    postgres_loaded: EngineBuild,
    role: str,
    may_read: bool,
    subtests: pytest.Subtests,
) -> None:
    """Schema quarantine (raw personal fields of rejected rows): data_quality_reader reads every
    relation in it, bi_reader none and holds no privilege there. The schema must hold a relation
    as soon as the manifest configures a model into it."""
    relations = postgres_tables(postgres, "quarantine")
    models = quarantine_models(postgres_loaded.work_dir)
    assert set(models) <= set(relations), f"models of schema quarantine not built: {models}"
    with (
        closing(postgres.connect(role)) as connection,
        closing(postgres.connect()) as owner,
        connection.cursor() as cursor,
        owner.cursor() as privileges,
    ):
        connection.autocommit = True
        for table in relations:
            with subtests.test(relation=f"quarantine.{table}"):
                privileges.execute(
                    "select has_table_privilege(%s, %s, 'select, insert, update, delete')",
                    (role, f"quarantine.{table}"),
                )
                if may_read:
                    assert privileges.fetchone()[0] is True
                    cursor.execute(f"select count(*) from quarantine.{table}")
                    assert cursor.fetchone()[0] >= 0
                    continue
                assert privileges.fetchone()[0] is False, f"{role} holds a privilege"
                with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                    cursor.execute(f"select * from quarantine.{table} limit 1")
        if relations:
            privileges.execute("select has_schema_privilege(%s, 'quarantine', 'usage')", (role,))
            assert privileges.fetchone()[0] is may_read
