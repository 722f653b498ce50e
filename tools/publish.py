"""Publish the marts to a separate DuckDB file that BI tools and analysts open read-only.

DuckDB lets one process write a database file and, while it does, nobody else open it. So BI
tools do not read the build database (`DBT_DUCKDB_PATH`, default `data/segments.duckdb`): they
read a copy of its `marts` schema, the *published file* (`SEGMENTS_PUBLISHED_PATH`, default
`data/segments_published.duckdb`).

Publishing, after a successful `dbt build`:

1. checks that the latest dbt run (`<target>/run_results.json`) is a complete `dbt build` in
   which every model ran and every test passed (warnings allowed); only unit tests may have
   been left out (`--exclude-resource-type unit_test`, as `make run` does);
2. copies every table of schema `marts` from the build database, opened read-only, into a new
   file next to the published one, in a storage format DuckDB 1.0 and later read (so BI tools
   whose DuckDB driver is older than the build's DuckDB can open it), with the table and
   column descriptions from
   `<target>/manifest.json` as comments, and a one-row table `publication.info` saying when and
   from what it was published;
3. reopens the new file read-only and checks every table and row count;
4. swaps it in with `os.replace`, which is atomic: a reader opens either the old file or the
   new one, never a half-written one. Connections already open keep reading the old version
   until they reconnect.

Any failure leaves the published file as it was and removes the new file.

Usage: python -m tools.publish [--source PATH] [--target PATH] [--target-path DIR]
                               [--storage-version V] [--no-build-check] [--build-failed]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

SCHEMA = "marts"
DEFAULT_SOURCE = "data/segments.duckdb"
DEFAULT_PUBLISHED = "data/segments_published.duckdb"
PASSING_STATUSES = {"success", "pass", "warn"}
# Exposures (and saved queries) have nothing to run: `dbt build` reports them as no-op.
NOTHING_TO_RUN = {"exposure", "saved_query"}
# Readable by DuckDB 1.0 and later (BI drivers, the `duckdb` CLI), not only by DuckDB 2.
DEFAULT_STORAGE_VERSION = "v1.0.0"

Log = Callable[[str], None]


class PublishError(Exception):
    """Publishing was refused or failed; the published file was not touched."""


@dataclass(frozen=True)
class PublishedTable:
    name: str
    rows: int
    columns: int


def source_path() -> Path:
    """The build database: DBT_DUCKDB_PATH, as in profiles.yml."""
    return Path(os.environ.get("DBT_DUCKDB_PATH") or DEFAULT_SOURCE)


def published_path() -> Path:
    """The published file: SEGMENTS_PUBLISHED_PATH."""
    return Path(os.environ.get("SEGMENTS_PUBLISHED_PATH") or DEFAULT_PUBLISHED)


def dbt_target_path() -> Path:
    """dbt's target folder: DBT_TARGET_PATH, as dbt itself reads it."""
    return Path(os.environ.get("DBT_TARGET_PATH") or "target")


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _load_json(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        result: dict[str, Any] = json.load(handle)
    return result


def _passed(result: dict[str, Any]) -> bool:
    status = result.get("status")
    kind = str(result.get("unique_id", "")).split(".", 1)[0]
    return status in PASSING_STATUSES or (status == "no-op" and kind in NOTHING_TO_RUN)


UNIT_TESTS_ONLY = ("unit_test",)


def check_build(run_results_path: Path) -> dict[str, Any]:
    """Return the run results when they are those of a complete, passing `dbt build`."""
    if not run_results_path.exists():
        raise PublishError(f"no {run_results_path}: run `dbt build` before publishing")
    run_results = _load_json(run_results_path)
    args = run_results.get("args", {})
    if args.get("which") != "build":
        command = {"generate": "docs generate"}.get(str(args.get("which")), args.get("which"))
        raise PublishError(
            f"the latest dbt command in {run_results_path.parent} was `dbt {command}`, not "
            "`dbt build`: only the results of a passing build are published, so run "
            "`make run` (or `dbt build`) again"
        )
    if args.get("select") or args.get("exclude") or args.get("selector"):
        raise PublishError(
            "the latest `dbt build` was restricted with --select/--exclude/--selector: "
            "only a complete build, with every test, is published"
        )
    # Unit tests check the logic on fixed fixtures, not the data: `make run` leaves them to
    # `make test`. Any other resource-type restriction skips models, seeds or data tests.
    skipped_types = set(args.get("exclude_resource_types") or []) - set(UNIT_TESTS_ONLY)
    if args.get("resource_types") or skipped_types:
        raise PublishError(
            "the latest `dbt build` was restricted to some resource types "
            f"(--resource-type {list(args.get('resource_types') or [])}, --exclude-resource-type "
            f"{sorted(skipped_types)}): only a complete build, with every data test, is published"
        )
    results = run_results.get("results", [])
    failed = [result for result in results if not _passed(result)]
    if failed:
        lines = [
            f"{result.get('unique_id')}: {result.get('status')}"
            + (f" ({str(result.get('message')).splitlines()[0]})" if result.get("message") else "")
            for result in failed[:5]
        ]
        more = f"\n    … and {len(failed) - 5} more" if len(failed) > 5 else ""
        raise PublishError(
            f"the latest `dbt build` did not pass ({len(failed)} of {len(results)} nodes):\n    "
            + "\n    ".join(lines)
            + more
        )
    if not results:
        raise PublishError(f"the latest `dbt build` ran nothing ({run_results_path})")
    return run_results


def _descriptions(manifest_path: Path) -> dict[str, tuple[str, dict[str, str]]]:
    """Model name -> (description, {column: description}) for the models in schema `marts`."""
    if not manifest_path.exists():
        return {}
    manifest = _load_json(manifest_path)
    found: dict[str, tuple[str, dict[str, str]]] = {}
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") != "model" or node.get("schema") != SCHEMA:
            continue
        columns = {
            name.lower(): " ".join(str(column.get("description") or "").split())
            for name, column in node.get("columns", {}).items()
        }
        description = " ".join(str(node.get("description") or "").split())
        found[str(node.get("alias") or node["name"]).lower()] = (description, columns)
    return found


def read_publication_info(path: Path) -> dict[str, Any] | None:
    """The `publication.info` row of a published file, or None when there is none."""
    if not path.exists():
        return None
    try:
        with duckdb.connect(str(path), read_only=True) as connection:
            cursor = connection.execute("select * from publication.info")
            names = [column[0] for column in cursor.description or []]
            row = cursor.fetchone()
    except duckdb.Error:
        return None
    return dict(zip(names, row, strict=True)) if row else None


def describe_published(path: Path) -> str:
    """One line about what the published file holds now."""
    if not path.exists():
        return f"No published file exists yet at {path}"
    info = read_publication_info(path)
    if info is None:
        return f"{path} was left as it was"
    published_at = info["published_at"]
    when = published_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"{path} still holds the publication of {when} (as-of date {info['as_of_date']})"


@contextmanager
def _removed_on_failure(paths: list[Path]) -> Iterator[None]:
    try:
        yield
    except BaseException:
        for path in paths:
            with suppress(FileNotFoundError):
                path.unlink()
        raise


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _copy_marts(
    new_file: Path,
    source: Path,
    manifest_path: Path,
    run_results: dict[str, Any] | None,
    storage_version: str,
    log: Log,
) -> list[PublishedTable]:
    descriptions = _descriptions(manifest_path)
    tables: list[PublishedTable] = []
    with duckdb.connect() as connection:
        # An older storage format, so that BI tools with a DuckDB 1.x driver can read the file.
        connection.execute(
            f"attach {_literal(str(new_file))} as published "
            f"(storage_version {_literal(storage_version)})"
        )
        connection.execute("use published")
        try:
            connection.execute(f"attach {_literal(str(source))} as build_db (read_only)")
        except duckdb.IOException as error:
            raise PublishError(
                f"cannot open the build database {source} read-only (is a build running?): {error}"
            ) from error
        names = [
            row[0]
            for row in connection.execute(
                "select table_name from duckdb_tables() "
                "where database_name = 'build_db' and schema_name = ? order by table_name",
                [SCHEMA],
            ).fetchall()
        ]
        if not names:
            raise PublishError(f"{source} has no tables in schema {SCHEMA}: nothing to publish")
        connection.execute(f"create schema {SCHEMA}")
        for name in names:
            target = f"{SCHEMA}.{_quote(name)}"
            connection.execute(f"create table {target} as select * from build_db.{target}")
            count = connection.execute(f"select count(*) from {target}").fetchone()
            column_count = connection.execute(
                "select count(*) from duckdb_columns() "
                "where database_name = current_database() and schema_name = ? and table_name = ?",
                [SCHEMA, name],
            ).fetchone()
            rows = int(count[0]) if count else 0
            table = PublishedTable(name, rows, int(column_count[0]) if column_count else 0)
            tables.append(table)
            log(f"  copied {SCHEMA}.{name}: {rows:,} rows, {table.columns} columns")
            description, column_descriptions = descriptions.get(name.lower(), ("", {}))
            if description:
                connection.execute(f"comment on table {target} is {_literal(description)}")
            for column, text in column_descriptions.items():
                if text:
                    with suppress(duckdb.CatalogException, duckdb.BinderException):
                        connection.execute(
                            f"comment on column {target}.{_quote(column)} is {_literal(text)}"
                        )
        as_of = None
        if "segment_summary" in names:
            row = connection.execute(f"select max(as_of_date) from {SCHEMA}.segment_summary")
            as_of = (row.fetchone() or (None,))[0]
        metadata = (run_results or {}).get("metadata", {})
        connection.execute("detach build_db")
        connection.execute("create schema publication")
        connection.execute(
            """
            create table publication.info as
            select
                cast(? as timestamptz) as published_at,
                cast(? as date) as as_of_date,
                ? as source_database,
                ? as dbt_invocation_id,
                cast(? as timestamptz) as dbt_build_finished_at,
                ? as table_count
            """,
            [
                datetime.now(UTC),
                as_of,
                str(source),
                metadata.get("invocation_id"),
                metadata.get("generated_at"),
                len(tables),
            ],
        )
        connection.execute(
            "comment on table publication.info is "
            + _literal("When and from which build this file was published (one row).")
        )
        connection.execute("checkpoint")
        connection.execute("use memory")
        connection.execute("detach published")
    return tables


def _verify(new_file: Path, tables: list[PublishedTable]) -> None:
    with duckdb.connect(str(new_file), read_only=True) as connection:
        for table in tables:
            row = connection.execute(
                f"select count(*) from {SCHEMA}.{_quote(table.name)}"
            ).fetchone()
            if row is None or int(row[0]) != table.rows:
                raise PublishError(f"the new file's {SCHEMA}.{table.name} does not read back")
    if Path(f"{new_file}.wal").exists():
        raise PublishError(f"{new_file} left a write-ahead log behind")


def publish(
    source: Path,
    target: Path,
    *,
    target_path: Path | None = None,
    build_check: bool = True,
    storage_version: str = DEFAULT_STORAGE_VERSION,
    log: Log = print,
) -> list[PublishedTable]:
    """Copy every table of schema `marts` from `source` into `target`, replaced atomically."""
    started = time.monotonic()
    target_path = target_path or dbt_target_path()
    log(f"Publishing schema {SCHEMA} of {source} to {target}")
    run_results = None
    if build_check:
        run_results = check_build(target_path / "run_results.json")
        results = run_results.get("results", [])
        warnings = sum(1 for result in results if result.get("status") == "warn")
        log(
            f"  build check: the latest `dbt build` ({run_results['metadata']['generated_at']})"
            f" passed: {len(results)} nodes, {warnings} warning(s)"
        )
    else:
        log("  build check skipped (--no-build-check)")
    if not source.exists():
        raise PublishError(f"the build database {source} does not exist: run `dbt build` first")
    if source.resolve() == target.resolve():
        raise PublishError("the published file must not be the build database")
    target.parent.mkdir(parents=True, exist_ok=True)
    new_file = target.with_name(f".{target.name}.{os.getpid()}.new")
    leftovers = [new_file, Path(f"{new_file}.wal")]
    for path in leftovers:
        with suppress(FileNotFoundError):
            path.unlink()
    with _removed_on_failure(leftovers):
        log(f"  writing {new_file}")
        tables = _copy_marts(
            new_file, source, target_path / "manifest.json", run_results, storage_version, log
        )
        log("  reading the new file back")
        _verify(new_file, tables)
        _fsync(new_file)
        os.replace(new_file, target)
    _fsync(target.parent)
    log(
        f"Published {len(tables)} tables to {target} in {time.monotonic() - started:.1f}s. "
        "Readers that already had it open see the new data once they reconnect."
    )
    return tables


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Publish the marts of the build database to a file BI tools open read-only."
    )
    parser.add_argument(
        "--source",
        type=Path,
        default=None,
        help=f"build database (default: $DBT_DUCKDB_PATH or {DEFAULT_SOURCE})",
    )
    parser.add_argument(
        "--target",
        type=Path,
        default=None,
        help=f"published file (default: $SEGMENTS_PUBLISHED_PATH or {DEFAULT_PUBLISHED})",
    )
    parser.add_argument(
        "--target-path",
        type=Path,
        default=None,
        help="dbt target folder with run_results.json and manifest.json "
        "(default: $DBT_TARGET_PATH or target)",
    )
    parser.add_argument(
        "--no-build-check",
        action="store_true",
        help="publish even without a passing `dbt build` in run_results.json",
    )
    parser.add_argument(
        "--storage-version",
        default=DEFAULT_STORAGE_VERSION,
        help="oldest DuckDB version that must read the published file "
        f"(default: {DEFAULT_STORAGE_VERSION})",
    )
    parser.add_argument(
        "--build-failed",
        action="store_true",
        help="publish nothing; say that the build failed and what the published file holds",
    )
    args = parser.parse_args(argv)
    source = args.source or source_path()
    target = args.target or published_path()
    if args.build_failed:
        print("The build failed (see the error above), so nothing was published.")
        print(f"{describe_published(target)}.")
        return 1
    try:
        publish(
            source,
            target,
            target_path=args.target_path,
            build_check=not args.no_build_check,
            storage_version=args.storage_version,
        )
    except PublishError as error:
        print(f"Not published: {error}", file=sys.stderr)
        print(f"{describe_published(target)}.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
