"""The public marts' contracts are enforced: a change to a mart's SQL that drops or retypes a
column of its contract fails the build of that mart (docs/package.md, "Contracts")."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tools.tests.conftest import DBT, PROJECT_DIR

PROJECT_PARTS = [
    "dbt_project.yml",
    "profiles.yml",
    "models",
    "macros",
    "seeds",
    "tests",
    "analyses",
]
MART = "raw_row_accounting"
MART_SQL = Path("models/marts/data_quality/raw_row_accounting.sql")
LAST_LINE = "select * from final"
PUBLIC_MARTS = {
    "customer_segments",
    "segment_summary",
    "customer_segment_history",
    "segment_transitions",
    "raw_row_accounting",
    "rejected_row_counts",
    "rejected_customers",
    "rejected_orders",
    "rejected_events",
    "rejected_feedback",
    "rejected_order_items",
    "rejected_products",
    "prediction_backtest",
    "customer_next_best_actions",
    "segment_playbook_summary",
}
PYTHON_MARTS = {"customer_predictions", "predictive_model_parameters"}


def _dbt(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(project),
        "DBT_DUCKDB_PATH": str(project / "contracts.duckdb"),
        "SEGMENTS_DUCKDB_TEMP_DIRECTORY": str(project / "duckdb_tmp"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    env.pop("DBT_PROJECT_DIR", None)
    vars_ = json.dumps({"use_sample_data": True})
    return subprocess.run(
        [DBT, *args, "--vars", vars_, "--no-use-colors"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project with the mart and what it reads built, empty (--empty): no Python
    model upstream, which --empty would starve."""
    folder = tmp_path_factory.mktemp("contracts") / "project"
    folder.mkdir()
    for part in PROJECT_PARTS:
        source = PROJECT_DIR / part
        if source.is_dir():
            shutil.copytree(source, folder / part)
        else:
            shutil.copy(source, folder / part)
    result = _dbt(
        folder,
        "build",
        "--empty",
        "--select",
        f"+{MART}",
        "--exclude-resource-type",
        "test",
        "unit_test",
    )
    assert result.returncode == 0, result.stdout[-6000:]
    return folder


def _run_with_last_line(project: Path, last_line: str) -> subprocess.CompletedProcess[str]:
    path = project / MART_SQL
    original = path.read_text()
    assert original.rstrip().endswith(LAST_LINE)
    path.write_text(original.rstrip()[: -len(LAST_LINE)] + last_line + "\n")
    try:
        return _dbt(project, "run", "--empty", "--select", MART)
    finally:
        path.write_text(original)


def test_the_unchanged_mart_builds(project: Path) -> None:
    result = _run_with_last_line(project, LAST_LINE)
    assert result.returncode == 0, result.stdout[-6000:]


@pytest.mark.parametrize(
    ("last_line", "column"),
    [
        ("select * exclude (rejected_rows) from final", "rejected_rows"),
        ("select * replace (cast(raw_rows as varchar) as raw_rows) from final", "raw_rows"),
        ("select * replace (cast(kept_rows as integer) as kept_rows) from final", "kept_rows"),
    ],
    ids=["dropped", "retyped_to_text", "narrowed_to_integer"],
)
def test_dropping_or_retyping_a_public_column_fails_the_build(
    project: Path, last_line: str, column: str
) -> None:
    result = _run_with_last_line(project, last_line)
    assert result.returncode != 0
    assert "enforced contract" in result.stdout, result.stdout[-6000:]
    assert column in result.stdout


def test_public_marts_declare_their_contracts(tmp_path: Path) -> None:
    """Every public mart: public, in a group with an owner, every column typed; the SQL ones
    enforced (dbt cannot enforce a Python model's contract)."""
    subprocess.run(
        [DBT, "parse", "--target-path", str(tmp_path), "--log-path", str(tmp_path), "--quiet"],
        cwd=PROJECT_DIR,
        env={
            **os.environ,
            "DBT_PROFILES_DIR": str(PROJECT_DIR),
            "DBT_DUCKDB_PATH": str(tmp_path / "parse.duckdb"),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    nodes = {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["access"] == "public"
    }
    assert set(nodes) == PUBLIC_MARTS | PYTHON_MARTS
    groups = yaml.safe_load((PROJECT_DIR / "models" / "_groups.yml").read_text())["groups"]
    owners = {group["name"]: group["owner"] for group in groups}
    for name, node in nodes.items():
        assert node["schema"] == "marts", name
        assert owners[node["group"]].get("email"), name
        assert node["config"]["contract"]["enforced"] is (name in PUBLIC_MARTS), name
        untyped = [column for column, spec in node["columns"].items() if not spec.get("data_type")]
        assert untyped == [], name
