"""Break rows of a built warehouse on purpose and run the data tests, to prove they can fail."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb

from tools.tests.conftest import Build, run_dbt


def corrupt_and_test(
    build: Build, tmp_path: Path, statements: list[str], select: str
) -> tuple[int, str]:
    """Copy the build's database, run each SQL statement on the copy (each must change at least
    one row), then `dbt test --select <select>` on it. Returns the exit code and the output."""
    database = tmp_path / "corrupted.duckdb"
    shutil.copy(build.database, database)
    with duckdb.connect(str(database)) as connection:
        for statement in statements:
            changed = connection.execute(statement).fetchone()
            assert changed is not None and changed[0] >= 1, f"changed no row: {statement}"
    result = run_dbt(
        ["test", "--select", select, "--vars", json.dumps(build.vars)],
        database,
        tmp_path,
        check=False,
    )
    return result.returncode, result.stdout.replace("\x1b[31m", "").replace("\x1b[0m", "")


def failed_tests(output: str, database: Path | None = None) -> set[str]:
    """Names of the tests reported as FAIL in a dbt test output. With the database the tests ran
    on, a failed row_rules test (named <model>_rules) is replaced by the names of the rules it
    reports as broken (its failures table in schema dbt_test__audit)."""
    names = set()
    for line in output.splitlines():
        parts = line.split(" FAIL ", 1)
        if len(parts) == 2:
            words = parts[1].split()
            if len(words) >= 2 and words[0].isdigit():
                names.add(words[1])
    if database is None:
        return names
    with duckdb.connect(str(database), read_only=True) as connection:
        views = {
            row[0]
            for row in connection.execute(
                "select table_name from information_schema.tables"
                " where table_schema = 'dbt_test__audit'"
            ).fetchall()
        }
        for name in sorted(names & views):
            names.remove(name)
            query = f'select failed_rule from dbt_test__audit."{name}"'
            names.update(rule for (rule,) in connection.execute(query).fetchall())
    return names
