"""Publishing: readers of the published file never block a build, never see a half-built state,
and a failed build never replaces the last good publication."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tools.publish import PublishError, check_build, publish, read_publication_info
from tools.tests.conftest import PROJECT_DIR, Build

# Run in a separate process: it opens a fresh connection for every look, as a dashboard that
# reconnects does (within one process DuckDB hands out the database instance already open).
POLLER = """
import json, sys, time
from pathlib import Path
import duckdb

published, log, stop = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
deadline = time.monotonic() + 900
with log.open("w") as out:
    while time.monotonic() < deadline:
        last = stop.exists()
        try:
            with duckdb.connect(str(published), read_only=True) as con:
                info = con.execute("select as_of_date, table_count from publication.info")
                as_of, table_count = info.fetchone()
                tables = con.execute(
                    "select count(*) from duckdb_tables() where schema_name = 'marts'"
                ).fetchone()[0]
                customers = con.execute("select count(*) from marts.customer_segments").fetchone()
                summed = con.execute("select sum(customers) from marts.segment_summary").fetchone()
            look = {"as_of": str(as_of), "tables": tables, "table_count": table_count,
                    "customers": customers[0], "summary_customers": int(summed[0])}
        except Exception as error:
            look = {"error": repr(error)}
        out.write(json.dumps(look) + "\\n")
        out.flush()
        if last:
            break
        time.sleep(0.05)
"""


def _make_run(
    work_dir: Path, published: Path, dbt_vars: dict[str, Any] | str
) -> subprocess.CompletedProcess[str]:
    """`make run` as a person runs it, with its own build database and target folder."""
    work_dir.mkdir(parents=True, exist_ok=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}
    }
    env.update(
        {
            "DBT_DUCKDB_PATH": str(work_dir / "segments.duckdb"),
            "DBT_TARGET_PATH": str(work_dir / "target"),
            "DBT_LOG_PATH": str(work_dir / "logs"),
            "SEGMENTS_DUCKDB_TEMP_DIRECTORY": str(work_dir / "duckdb_tmp"),
            "SEGMENTS_PUBLISHED_PATH": str(published),
            "VARS": dbt_vars if isinstance(dbt_vars, str) else json.dumps(dbt_vars),
        }
    )
    return subprocess.run(
        ["make", "--no-print-directory", "run"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _fingerprint(path: Path) -> tuple[int, int, str]:
    status = path.stat()
    return status.st_ino, status.st_mtime_ns, hashlib.sha256(path.read_bytes()).hexdigest()


def _snapshot(connection: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """Everything a dashboard would show: every mart's row count and the summary rows."""
    tables = [
        row[0]
        for row in connection.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts' order by 1"
        ).fetchall()
    ]
    counts = {}
    for table in tables:
        row = connection.execute(f"select count(*) from marts.{table}").fetchone()
        counts[table] = row[0] if row else None
    summary = connection.execute(
        "select lifecycle_segment, customers, total_revenue, as_of_date "
        "from marts.segment_summary order by segment_order"
    ).fetchall()
    return {"counts": counts, "summary": summary}


def _snapshot_in_new_process(published: Path) -> dict[str, Any]:
    code = (
        "import duckdb, json, sys\n"
        "from tools.tests.test_publishing import _snapshot\n"
        f"with duckdb.connect({str(published)!r}, read_only=True) as con:\n"
        "    print(json.dumps(_snapshot(con), default=str))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_DIR, capture_output=True, text=True, check=True
    )
    snapshot: dict[str, Any] = json.loads(result.stdout)
    return snapshot


def _as_json(snapshot: dict[str, Any]) -> dict[str, Any]:
    converted: dict[str, Any] = json.loads(json.dumps(snapshot, default=str))
    return converted


def test_a_reader_keeps_working_while_a_build_publishes_and_failures_publish_nothing(
    default_build: Build, raw_dir: Path, tmp_path: Path
) -> None:
    published = tmp_path / "bi" / "segments_published.duckdb"
    publish(default_build.database, published, target_path=default_build.database.parent / "target")
    first_as_of = str(read_publication_info(published)["as_of_date"])  # type: ignore[index]

    # A dashboard holds the published file open, read-only, for the whole test.
    reader = duckdb.connect(str(published), read_only=True)
    before = _snapshot(reader)

    poller_log, stop = tmp_path / "looks.jsonl", tmp_path / "stop"
    poller = subprocess.Popen(
        [sys.executable, "-c", POLLER, str(published), str(poller_log), str(stop)]
    )
    try:
        # A build on other settings runs and publishes while the reader is open.
        second = _make_run(
            tmp_path / "second", published, {"raw_dir": str(raw_dir), "as_of_date": "2024-12-31"}
        )
        assert second.returncode == 0, second.stdout[-4000:] + second.stderr[-2000:]
        assert "Published " in second.stdout
    finally:
        stop.touch()
        poller.wait(timeout=120)

    # The open connection still reads the old data, in full.
    assert _snapshot(reader) == before
    assert before["summary"][0][3].isoformat() == first_as_of

    # A new connection sees the new data, identical to the build's marts.
    after = _snapshot_in_new_process(published)
    assert {row[3] for row in after["summary"]} == {"2024-12-31"}
    with duckdb.connect(str(tmp_path / "second" / "segments.duckdb"), read_only=True) as build:
        assert after == _as_json(_snapshot(build))

    # Every look while the build ran saw one whole publication, the old or the new one.
    looks = [json.loads(line) for line in poller_log.read_text().splitlines()]
    assert looks and not [look for look in looks if "error" in look]
    states = {(look["as_of"], look["customers"]) for look in looks}
    assert states <= {
        (first_as_of, before["counts"]["customer_segments"]),
        ("2024-12-31", after["counts"]["customer_segments"]),
    }
    assert looks[0]["as_of"] == first_as_of and looks[-1]["as_of"] == "2024-12-31"
    assert all(look["customers"] == look["summary_customers"] for look in looks)
    assert all(look["tables"] == look["table_count"] for look in looks)

    # A bad var stops the build before anything is published, naming the var.
    good = _fingerprint(published)
    bad_var = _make_run(
        tmp_path / "bad_var", published, {"raw_dir": str(raw_dir), "churned_multiplier": -1}
    )
    output = bad_var.stdout + bad_var.stderr
    assert bad_var.returncode != 0
    assert "var 'churned_multiplier' must not be negative" in output
    assert "nothing was published" in output
    assert "still holds the publication of" in output
    assert _fingerprint(published) == good

    # As typed on the command line: an unquoted impossible date reaches the var check too.
    bad_date = _make_run(
        tmp_path / "bad_date", published, f"{{raw_dir: {raw_dir}, as_of_date: 2024-02-30}}"
    )
    output = bad_date.stdout + bad_date.stderr
    assert bad_date.returncode != 0
    assert "var 'as_of_date' must be a date written YYYY-MM-DD, got: '2024-02-30'" in output
    assert "Traceback" not in output and "nothing was published" in output
    assert _fingerprint(published) == good

    # A build that fails while running (a folder without raw files) publishes nothing either.
    empty = tmp_path / "empty_raw"
    empty.mkdir()
    missing = _make_run(tmp_path / "missing", published, {"raw_dir": str(empty)})
    assert missing.returncode != 0
    assert "raw_customers" in missing.stdout + missing.stderr
    assert "nothing was published" in missing.stdout + missing.stderr
    assert _fingerprint(published) == good
    assert sorted(path.name for path in published.parent.iterdir()) == [published.name]

    assert _snapshot(reader) == before
    reader.close()


def _run_results(tmp_path: Path, statuses: list[str], **args: Any) -> Path:
    """run_results.json of a build whose nodes end as `statuses` ("kind:status" sets the kind)."""
    path = tmp_path / "run_results.json"
    results = []
    for index, entry in enumerate(statuses):
        kind, status = entry.split(":") if ":" in entry else ("test", entry)
        results.append(
            {"unique_id": f"{kind}.segmentation.n{index}", "status": status, "message": "Got 1"}
        )
    content = {
        "metadata": {"generated_at": "2025-01-01T00:00:00Z", "invocation_id": "x"},
        "args": {"which": "build", **args},
        "results": results,
    }
    path.write_text(json.dumps(content))
    return path


@pytest.mark.parametrize(
    ("statuses", "args", "message"),
    [
        (["success", "fail"], {}, "did not pass (1 of 2 nodes)"),
        (["success", "error"], {}, "test.segmentation.n1: error"),
        (["success", "model:no-op"], {}, "model.segmentation.n1: no-op"),
        (["success", "skipped"], {}, "did not pass"),
        (["success", "pass"], {"select": ["customer_segments"]}, "restricted with --select"),
        (["success", "pass"], {"which": "run"}, "was `dbt run`, not `dbt build`"),
        (["success", "pass"], {"exclude_resource_types": ["test"]}, "restricted to some resource"),
        (["success", "pass"], {"resource_types": ["model"]}, "restricted to some resource"),
        ([], {}, "ran nothing"),
    ],
)
def test_the_build_check_refuses_anything_but_a_complete_passing_build(
    tmp_path: Path, statuses: list[str], args: dict[str, Any], message: str
) -> None:
    with pytest.raises(PublishError, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_build(_run_results(tmp_path, statuses, **args))


def test_the_build_check_accepts_passes_warnings_and_exposures(tmp_path: Path) -> None:
    check_build(_run_results(tmp_path, ["model:success", "pass", "warn", "exposure:no-op"]))


def test_the_build_check_accepts_a_build_without_unit_tests(tmp_path: Path) -> None:
    check_build(_run_results(tmp_path, ["success", "pass"], exclude_resource_types=["unit_test"]))


def test_a_failing_test_in_the_build_leaves_the_published_file_untouched(
    default_build: Build, tmp_path: Path
) -> None:
    published = tmp_path / "segments_published.duckdb"
    target_path = default_build.database.parent / "target"
    publish(default_build.database, published, target_path=target_path)
    good = _fingerprint(published)
    failed_target = tmp_path / "failed_target"
    failed_target.mkdir()
    run_results = json.loads((target_path / "run_results.json").read_text())
    run_results["results"][-1]["status"] = "fail"
    (failed_target / "run_results.json").write_text(json.dumps(run_results))

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tools.publish",
            "--source",
            str(default_build.database),
            "--target",
            str(published),
            "--target-path",
            str(failed_target),
        ],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "Not published: the latest `dbt build` did not pass" in result.stderr
    assert "still holds the publication of" in result.stderr
    assert _fingerprint(published) == good
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "failed_target",
        "segments_published.duckdb",
    ]


def test_a_failure_while_copying_removes_the_new_file_and_keeps_the_old(
    default_build: Build, tmp_path: Path
) -> None:
    published = tmp_path / "segments_published.duckdb"
    publish(default_build.database, published, build_check=False, log=lambda _: None)
    good = _fingerprint(published)
    empty = tmp_path / "empty.duckdb"
    with duckdb.connect(str(empty)) as connection:
        connection.execute("create schema marts")
    with pytest.raises(PublishError, match="no tables in schema marts"):
        publish(empty, published, build_check=False, log=lambda _: None)
    assert _fingerprint(published) == good
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "empty.duckdb",
        "segments_published.duckdb",
    ]
