"""Shared fixtures: freshly generated raw data and dbt builds of it in temporary folders."""

from __future__ import annotations

import os

# The predictive fits run many small optimisations (in the tests and in the dbt builds they
# start); OpenBLAS threads only add synchronisation to those, which on a shared machine costs
# several times the work itself. Set before numpy loads OpenBLAS.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from lifetimes.utils import summary_data_from_transaction_data

from tools.generate_optional_tables import generate_optional
from tools.generate_raw_data import generate, write
from tools.publish import publish

PROJECT_DIR = Path(__file__).resolve().parents[2]
DBT = str(Path(sys.executable).parent / "dbt")
SAMPLE_END_DATE = date(2025, 3, 31)


@dataclass(frozen=True)
class Build:
    """A dbt build of one raw folder into its own DuckDB file."""

    raw_dir: Path
    database: Path
    vars: dict[str, Any]
    result: subprocess.CompletedProcess[str]

    def query(self, sql: str) -> pd.DataFrame:
        with duckdb.connect(str(self.database), read_only=True) as connection:
            return connection.sql(sql).df()

    def raw(self, table: str) -> pd.DataFrame:
        return pd.read_csv(self.raw_dir / f"{table}.csv", dtype=str, keep_default_na=False)

    def lifetimes_daily_summary(self) -> pd.DataFrame:
        """lifetimes' daily summary (frequency, recency, T, monetary_value) of the build's
        purchases, restated here from int_orders_validated and the as-of date."""
        purchases = self.query(
            """
            select orders.customer_id, orders.order_date, orders.amount
            from intermediate.int_orders_validated as orders
            cross join intermediate.int_settings_resolved as settings
            where orders.is_purchase and orders.has_known_customer
                and orders.order_date <= settings.as_of_date
            """
        )
        as_of = self.query("select as_of_date from intermediate.int_settings_resolved")
        return summary_data_from_transaction_data(
            purchases.assign(
                order_date=pd.to_datetime(purchases["order_date"]),
                amount=purchases["amount"].astype(float),
            ),
            customer_id_col="customer_id",
            datetime_col="order_date",
            monetary_value_col="amount",
            observation_period_end=pd.Timestamp(as_of["as_of_date"].iloc[0]),
            freq="D",
        )


def run_dbt(
    args: list[str],
    database: Path | None,
    work_dir: Path,
    check: bool = True,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run dbt in the project with its own target and log folders, on its own DuckDB file (none
    for other targets); `env` adds environment variables (another target's connection)."""
    env = {
        **os.environ,
        **(env or {}),
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
        "SEGMENTS_DUCKDB_TEMP_DIRECTORY": str(work_dir / "duckdb_tmp"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    if database is not None:
        env["DBT_DUCKDB_PATH"] = str(database)
    if args[:1] == ["build"] and database is not None and "--exclude-resource-type" not in args:
        # The unit tests check the logic on fixed fixtures, not the data: `make build-test` runs
        # them on DuckDB once; a build of test data here has no need of them again. Builds on the
        # other engines keep them (their dialects).
        args = [*args, "--exclude-resource-type", "unit_test"]
    command = [
        DBT,
        *args,
        "--no-use-colors",
        "--target-path",
        str(work_dir / "target"),
        "--log-path",
        str(work_dir / "logs"),
    ]
    result = subprocess.run(
        command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=False
    )
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(command)} failed:\n{result.stdout[-6000:]}")
    return result


def build(work_dir: Path, raw_dir: Path, **dbt_vars: Any) -> Build:
    work_dir.mkdir(parents=True, exist_ok=True)
    database = work_dir / "segments.duckdb"
    all_vars = {"raw_dir": str(raw_dir), **dbt_vars}
    result = run_dbt(["build", "--vars", json.dumps(all_vars)], database, work_dir)
    return Build(raw_dir=raw_dir, database=database, vars=all_vars, result=result)


@pytest.fixture(scope="session")
def raw_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    """A fresh raw data set, different from the bundled sample."""
    return generate(customers=2000, seed=7, end_date=SAMPLE_END_DATE, years=3)


@pytest.fixture(scope="session")
def optional_tables(raw_tables: tuple[pd.DataFrame, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The four optional raw tables of the fresh data set."""
    return generate_optional(*raw_tables, seed=7, end_date=SAMPLE_END_DATE)


@pytest.fixture(scope="session")
def raw_dir(
    tmp_path_factory: pytest.TempPathFactory,
    raw_tables: tuple[pd.DataFrame, pd.DataFrame],
    optional_tables: dict[str, pd.DataFrame],
) -> Path:
    """The fresh data set as CSV files, the optional tables with it."""
    folder = tmp_path_factory.mktemp("raw_csv")
    write(*raw_tables, folder, "csv", optional_tables)
    return folder


@pytest.fixture(scope="session")
def raw_parquet_dir(
    tmp_path_factory: pytest.TempPathFactory,
    raw_tables: tuple[pd.DataFrame, pd.DataFrame],
    optional_tables: dict[str, pd.DataFrame],
) -> Path:
    """The same data set as Parquet files."""
    folder = tmp_path_factory.mktemp("raw_parquet")
    write(*raw_tables, folder, "parquet", optional_tables)
    return folder


@pytest.fixture(scope="session")
def default_build(tmp_path_factory: pytest.TempPathFactory, raw_dir: Path) -> Iterator[Build]:
    """The project built on the fresh data with every default (as-of = latest purchase)."""
    yield build(tmp_path_factory.mktemp("build_default"), raw_dir)


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory, default_build: Build) -> Path:
    """The default build's marts, published as BI tools read them (tools/publish.py)."""
    target = tmp_path_factory.mktemp("published") / "segments_published.duckdb"
    publish(default_build.database, target, target_path=default_build.database.parent / "target")
    return target


def load_model_module(name: str) -> Any:
    """A dbt Python model of models/marts/predictions/ as a module, to call its functions."""
    path = PROJECT_DIR / "models" / "marts" / "predictions" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CUSTOMER_COLUMNS = [
    "customer_id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "signed_up_at",
    "country_code",
    "city",
    "birth_date",
    "gender",
    "company_name",
    "referred_by_customer_id",
    "updated_at",
]
ORDER_COLUMNS = [
    "order_id",
    "customer_id",
    "ordered_at",
    "status",
    "channel",
    "amount",
    "discount_amount",
    "updated_at",
]


def write_purchases_as_raw_files(purchases: pd.DataFrame, folder: Path) -> int:
    """Write purchases (customer_id, ordered_at as YYYY-MM-DD, amount) as raw_customers.csv /
    raw_orders.csv in the raw contract: every purchase a completed order, every customer signed
    up on the day of their first purchase, other values empty. Returns the customer count."""
    orders = pd.DataFrame({column: "" for column in ORDER_COLUMNS}, index=purchases.index)
    orders["order_id"] = [f"order-{position}" for position in range(len(purchases))]
    orders["customer_id"] = purchases["customer_id"]
    orders["ordered_at"] = purchases["ordered_at"]
    orders["status"] = "completed"
    orders["amount"] = purchases["amount"].map("{:.2f}".format)
    first_purchases = purchases.groupby("customer_id", as_index=False)["ordered_at"].min()
    customers = pd.DataFrame(
        {column: "" for column in CUSTOMER_COLUMNS}, index=first_purchases.index
    )
    customers["customer_id"] = first_purchases["customer_id"]
    customers["signed_up_at"] = first_purchases["ordered_at"]
    folder.mkdir(parents=True, exist_ok=True)
    customers.to_csv(folder / "raw_customers.csv", index=False)
    orders.to_csv(folder / "raw_orders.csv", index=False)
    return len(customers)
