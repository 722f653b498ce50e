"""The project installed as a dbt package by another project (integration_tests/, copied to a
temporary folder): raw tables of its own under other names, located by vars scoped to the
package; its marts equal the standalone build of the same data, row for row, every mart."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from tools.tests.conftest import DBT, PROJECT_DIR, run_dbt

INTEGRATION_TESTS = PROJECT_DIR / "integration_tests"
# where integration_tests/dbt_project.yml's scoped vars say the loader put the raw exports
RAW_TABLES = {
    "raw_customers": "shop_raw.customer_export",
    "raw_orders": "shop_raw.order_export",
    "raw_events": "shop_raw.event_export",
    "raw_feedback": "shop_raw.feedback_export",
    "raw_order_items": "shop_raw.order_item_export",
    "raw_products": "shop_raw.product_export",
}


@dataclass(frozen=True)
class Consumer:
    """A copy of integration_tests/ that installs this project from its folder (`local:`)."""

    folder: Path
    database: Path

    def dbt(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        env = {
            **os.environ,
            "DBT_PROFILES_DIR": str(self.folder),
            "INTEGRATION_TESTS_DUCKDB_PATH": str(self.database),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
        env.pop("DBT_PROJECT_DIR", None)
        env.pop("DBT_DUCKDB_PATH", None)
        result = subprocess.run(
            [DBT, *args, "--no-use-colors"],
            cwd=self.folder,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"dbt {' '.join(args)} failed:\n{result.stdout[-6000:]}")
        return result

    def set_package_vars(self, **package_vars: Any) -> None:
        """Add vars scoped to the package (`vars: {segmentation: {...}}`) in dbt_project.yml."""
        path = self.folder / "dbt_project.yml"
        project = yaml.safe_load(path.read_text())
        project["vars"]["segmentation"].update(package_vars)
        path.write_text(yaml.safe_dump(project, sort_keys=False))


def make_consumer(folder: Path, database_name: str = "warehouse.duckdb") -> Consumer:
    """integration_tests/ copied to `folder`, the package path made absolute, `dbt deps` run."""
    shutil.copytree(
        INTEGRATION_TESTS,
        folder,
        ignore=shutil.ignore_patterns(
            "target", "dbt_packages", "logs", "package-lock.yml", "*.duckdb*"
        ),
    )
    packages = yaml.safe_load((folder / "packages.yml").read_text())
    assert packages == {"packages": [{"local": "../"}]}
    (folder / "packages.yml").write_text(
        yaml.safe_dump({"packages": [{"local": str(PROJECT_DIR)}]})
    )
    consumer = Consumer(folder=folder, database=folder / database_name)
    consumer.dbt("deps")
    return consumer


def tables(database: Path, schema: str) -> list[str]:
    with duckdb.connect(str(database), read_only=True) as connection:
        rows = connection.execute(
            "select table_name from information_schema.tables where table_schema = ?"
            " order by table_name",
            [schema],
        ).fetchall()
    return [name for (name,) in rows]


def differences(left: Path, right: Path, left_table: str, right_table: str) -> dict[str, Any]:
    """Columns of each side and the rows found on one side only (as multisets)."""
    with duckdb.connect() as connection:
        connection.execute(f"attach '{left}' as lhs (read_only)")
        connection.execute(f"attach '{right}' as rhs (read_only)")
        columns = {
            side: [
                row[0]
                for row in connection.execute(
                    f"select column_name from (describe {side}.{table})"
                ).fetchall()
            ]
            for side, table in (("lhs", left_table), ("rhs", right_table))
        }
        only = {
            f"only_{side}": connection.execute(
                f"select count(*) from (select * from {side}.{table}"
                f" except all select * from {other}.{other_table})"
            ).fetchone()[0]
            for side, table, other, other_table in (
                ("lhs", left_table, "rhs", right_table),
                ("rhs", right_table, "lhs", left_table),
            )
        }
        rows = connection.execute(f"select count(*) from lhs.{left_table}").fetchone()[0]
    return {"columns": columns, "rows": rows, **only}


@pytest.fixture(scope="module")
def standalone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project built on its own on the bundled sample (schema raw_sample)."""
    work_dir = tmp_path_factory.mktemp("standalone")
    database = work_dir / "standalone.duckdb"
    run_dbt(
        [
            "build",
            "--exclude-resource-type",
            "unit_test",
            "--vars",
            json.dumps({"use_sample_data": True}),
        ],
        database,
        work_dir,
    )
    return database


@pytest.fixture(scope="module")
def consumer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Consumer]:
    """The consumer project with the sample loaded into its own raw tables, built."""
    project = make_consumer(tmp_path_factory.mktemp("consumer") / "project")
    project.dbt(
        "run-operation",
        "load_raw_exports",
        "--args",
        json.dumps({"folder": str(PROJECT_DIR / "seeds")}),
    )
    project.dbt("build")
    yield project


def test_consumer_marts_equal_the_standalone_build(consumer: Consumer, standalone: Path) -> None:
    marts = tables(standalone, "marts")
    assert len(marts) >= 10
    assert tables(consumer.database, "marts") == marts
    for mart in marts:
        found = differences(consumer.database, standalone, f"marts.{mart}", f"marts.{mart}")
        assert found["columns"]["lhs"] == found["columns"]["rhs"], mart
        assert found["rows"] > 0, mart
        assert (found["only_lhs"], found["only_rhs"]) == (0, 0), (mart, found)


def test_consumer_reads_its_own_raw_tables_and_loads_no_sample(
    consumer: Consumer, standalone: Path
) -> None:
    """The package read the tables the scoped vars name (the same rows as the sample seeds),
    left them as they were, loaded no sample seed and built into the clean schema names."""
    for seed, table in RAW_TABLES.items():
        found = differences(consumer.database, standalone, table, f"raw_sample.{seed}")
        assert (found["only_lhs"], found["only_rhs"]) == (0, 0), (table, found)
    assert tables(consumer.database, "raw_sample") == []
    assert tables(consumer.database, "reference") == [
        "country_regions",
        "holiday_windows",
        "rfm_segment_map",
        "segment_playbook",
        "subregions",
    ]
    for schema in ("staging", "intermediate", "quarantine", "audiences"):
        assert tables(consumer.database, schema), schema
    with duckdb.connect(str(consumer.database), read_only=True) as connection:
        schemas = {
            row[0]
            for row in connection.execute("select schema_name from duckdb_schemas()").fetchall()
        }
    assert not {schema for schema in schemas if schema.startswith("main_")}


def test_consumer_without_raw_tables_stops_naming_them(tmp_path: Path) -> None:
    """The package's on-run-start check runs in the consumer and names the scoped location."""
    project = make_consumer(tmp_path / "project")
    result = project.dbt("build", check=False)
    assert result.returncode != 0
    assert "The raw tables are not there" in result.stdout
    assert '"shop_raw"."customer_export"' in result.stdout
    assert '"shop_raw"."order_export"' in result.stdout


def test_scoped_switches_turn_the_optional_parts_off(tmp_path: Path, standalone: Path) -> None:
    """With the predictions and the segment history switched off in the consumer's scoped vars,
    the history marts are not built, the fit is not run (its status says why), every score is
    empty, and the other marts are those of the full build."""
    project = make_consumer(tmp_path / "project")
    project.set_package_vars(
        segmentation_using_predictions=False,
        segmentation_using_segment_history=False,
        segmentation_using_grants=False,
    )
    project.dbt(
        "run-operation",
        "load_raw_exports",
        "--args",
        json.dumps({"folder": str(PROJECT_DIR / "seeds")}),
    )
    project.dbt("build", "--exclude-resource-type", "unit_test")
    marts = tables(project.database, "marts")
    assert "customer_segment_history" not in marts
    assert "segment_transitions" not in marts
    with duckdb.connect(str(project.database), read_only=True) as connection:
        fit = connection.execute(
            "select bgnbd_fit_status, bgnbd_fit_message, gamma_gamma_fit_status,"
            " gamma_gamma_fit_message from marts.predictive_model_parameters"
        ).fetchall()
        scores = connection.execute(
            "select count(*), count(p_alive), count(expected_revenue),"
            " count(*) filter (where predicted_churn_risk = 'unknown'),"
            " count(*) filter (where purchase_days > 0)"
            " from marts.customer_segments"
        ).fetchone()
    message = "not fitted: the var segmentation_using_predictions is false"
    assert fit == [("not_fitted", message, "not_fitted", message)]
    _, p_alive, revenue, unknown, purchasers = scores
    assert (p_alive, revenue) == (0, 0)
    assert unknown == purchasers > 0
    for mart in ("segment_summary", "raw_row_accounting", "rejected_orders", "rejected_customers"):
        found = differences(project.database, standalone, f"marts.{mart}", f"marts.{mart}")
        assert (found["only_lhs"], found["only_rhs"]) == (0, 0), (mart, found)


@pytest.mark.parametrize(
    ("switch", "command"),
    [
        ("segmentation_using_segment_history", ["parse"]),
        (
            "segmentation_using_predictions",
            ["compile", "--select", "int_prediction_settings_resolved"],
        ),
    ],
)
def test_a_switch_that_is_not_true_or_false_stops_the_run(
    tmp_path: Path, switch: str, command: list[str]
) -> None:
    result = run_dbt(
        [*command, "--vars", json.dumps({"use_sample_data": True, switch: "maybe"})],
        tmp_path / "switch.duckdb",
        tmp_path,
        check=False,
    )
    assert result.returncode != 0
    assert f"var '{switch}' must be true or false, got: maybe" in result.stdout


def test_consumer_reads_raw_files_with_a_scoped_raw_dir(tmp_path: Path, standalone: Path) -> None:
    """raw_dir scoped to the package: its on-run-start hook register_raw_files makes the views
    over the files in the consumer's warehouse, and the segments are those of the sample."""
    raw_dir = tmp_path / "raw_files"
    raw_dir.mkdir()
    for seed in RAW_TABLES:
        shutil.copy(PROJECT_DIR / "seeds" / f"{seed}.csv", raw_dir / f"{seed}.csv")
    project = make_consumer(tmp_path / "project")
    project.set_package_vars(raw_dir=str(raw_dir))
    project.dbt("build", "--exclude-resource-type", "unit_test")
    assert {"raw_customers", "raw_orders"} <= set(tables(project.database, "raw_files"))
    assert tables(project.database, "shop_raw") == []
    for mart in ("customer_segments", "segment_summary", "predictive_model_parameters"):
        found = differences(project.database, standalone, f"marts.{mart}", f"marts.{mart}")
        assert (found["only_lhs"], found["only_rhs"]) == (0, 0), (mart, found)
