"""Check that personal data stays where it belongs: nothing BI tools read holds it.

Personal data is what the raw sources tag `meta: {contains_pii: true}` (names, email, phone,
city, birth date, company name) and every column derived from it. BI tools read the schema
`marts` (on PostgreSQL the BI role may select it and nothing else) and the published file, a copy
of it. The check fails when:

1. a column tagged `contains_pii` is in a BI-readable schema (from the manifest);
2. a column of a model has the name of a tagged column of one of its parents but carries neither
   `contains_pii` nor `masks_pii` (the tag did not travel with the data);
3. a text value in a BI-readable relation of the database holds an email address or looks like
   a phone number (the patterns of macros/personal_data.sql).

Usage: python -m tools.check_pii [--database PATH] [--target-path DIR] [--schema marts ...]
       python -m tools.check_pii --published PATH     (value scan of a published file)
Exits 1 and lists every finding when there is one.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import duckdb

# The same patterns as macros/personal_data.sql (personal_email_pattern, personal_phone_pattern).
EMAIL_PATTERN = r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}"
PHONE_PATTERN = r"[+0(][0-9 ().-]{7,20}[0-9]"
BI_SCHEMAS = ("marts",)
WHITE_SPACE = " \t\n\r\x0b\x0c"
TRIMMED = "' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13)"


def looks_personal(value: str) -> bool:
    """True when the text holds an email address or, trimmed, is a phone number."""
    return bool(
        re.search(EMAIL_PATTERN, value) or re.fullmatch(PHONE_PATTERN, value.strip(WHITE_SPACE))
    )


def _is_tagged(column: dict[str, Any]) -> bool:
    meta = {**(column.get("meta") or {}), **((column.get("config") or {}).get("meta") or {})}
    return bool(meta.get("contains_pii"))


def _masks(column: dict[str, Any]) -> bool:
    meta = {**(column.get("meta") or {}), **((column.get("config") or {}).get("meta") or {})}
    return bool(meta.get("masks_pii"))


def manifest_findings(
    manifest: dict[str, Any],
    bi_schemas: tuple[str, ...] = BI_SCHEMAS,
    relation_columns: dict[tuple[str, str], set[str]] | None = None,
) -> list[str]:
    """Findings 1 and 2 from a dbt manifest. `relation_columns` ((schema, name) -> columns, from
    the database) adds the columns a model has without documenting them."""
    nodes = {**manifest.get("nodes", {}), **manifest.get("sources", {})}
    tagged_names = {
        unique_id: {name for name, column in node.get("columns", {}).items() if _is_tagged(column)}
        for unique_id, node in nodes.items()
    }
    findings = []
    for node in sorted(manifest.get("nodes", {}).values(), key=lambda node: node["unique_id"]):
        if node.get("resource_type") not in ("model", "seed", "snapshot"):
            continue
        schema, name = str(node.get("schema")), str(node.get("alias") or node.get("name"))
        columns = node.get("columns", {})
        for column_name, column in sorted(columns.items()):
            if schema in bi_schemas and _is_tagged(column):
                findings.append(
                    f"{schema}.{name}.{column_name} is tagged contains_pii, and BI tools read "
                    f"{schema}"
                )
        present = set(columns) | (relation_columns or {}).get((schema, name), set())
        for parent in node.get("depends_on", {}).get("nodes", []):
            for tagged in sorted(tagged_names.get(parent, set()) & present):
                column = columns.get(tagged, {})
                if not _is_tagged(column) and not _masks(column):
                    findings.append(
                        f"{schema}.{name}.{tagged} derives from the tagged column {tagged} of "
                        f"{parent} but is not tagged contains_pii (or masks_pii)"
                    )
    return findings


def value_findings(
    connection: duckdb.DuckDBPyConnection, schemas: tuple[str, ...], catalog: str | None = None
) -> list[str]:
    """Finding 3: text values that look personal, per relation and column of `schemas`."""
    prefix = f'"{catalog}".' if catalog else ""
    catalog_filter = f"and table_catalog = '{catalog}'" if catalog else ""
    columns = connection.execute(
        f"""
        select table_schema, table_name, column_name
        from {prefix}information_schema.columns
        where table_schema in ({", ".join("?" for _ in schemas)}) {catalog_filter}
            and data_type = 'VARCHAR'
        order by all
        """,
        list(schemas),
    ).fetchall()
    findings = []
    for schema, table, column in columns:
        relation = f'{prefix}"{schema}"."{table}"'
        (count,) = connection.execute(
            f"""
            select count(*)
            from (select "{column}" as value from {relation}) as values_of_column
            where regexp_matches(value, ?)
                or regexp_full_match(trim(value, {TRIMMED}), ?)
            """,
            [EMAIL_PATTERN, PHONE_PATTERN],
        ).fetchone() or (0,)
        if count:
            findings.append(
                f"{schema}.{table}.{column}: {count} value(s) that look like an email address or "
                "a phone number"
            )
    return findings


def relation_columns(connection: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], set[str]]:
    found: dict[tuple[str, str], set[str]] = {}
    for schema, table, column in connection.execute(
        "select table_schema, table_name, column_name from information_schema.columns"
    ).fetchall():
        found.setdefault((schema, table), set()).add(column)
    return found


def check_build(
    database: Path, target_path: Path, bi_schemas: tuple[str, ...] = BI_SCHEMAS
) -> list[str]:
    """Every finding on a build database and the manifest of the build."""
    manifest = json.loads((target_path / "manifest.json").read_text())
    with duckdb.connect(str(database), read_only=True) as connection:
        findings = manifest_findings(manifest, bi_schemas, relation_columns(connection))
        findings += value_findings(connection, bi_schemas)
    return findings


def tagged_column_names(manifest: dict[str, Any]) -> set[str]:
    """The names of every column the project tags contains_pii, in any model or source."""
    nodes = {**manifest.get("nodes", {}), **manifest.get("sources", {})}
    return {
        name
        for node in nodes.values()
        for name, column in node.get("columns", {}).items()
        if _is_tagged(column)
    }


def check_published(published: Path, target_path: Path | None = None) -> list[str]:
    """Every personal-looking text value in a published file (all of its schemas), and, with the
    build's manifest, every column named like a column the project tags contains_pii."""
    with duckdb.connect(str(published), read_only=True) as connection:
        schemas = tuple(
            row[0]
            for row in connection.execute(
                "select distinct table_schema from information_schema.tables"
            ).fetchall()
        )
        findings = value_findings(connection, schemas)
        if target_path is not None:
            tagged = tagged_column_names(json.loads((target_path / "manifest.json").read_text()))
            for schema, table, column in connection.execute(
                "select table_schema, table_name, column_name from information_schema.columns"
                " order by all"
            ).fetchall():
                if column in tagged:
                    findings.append(
                        f"published {schema}.{table}.{column} has the name of a column tagged "
                        "contains_pii"
                    )
        return findings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, help="the build database")
    parser.add_argument("--target-path", type=Path, default=Path("target"))
    parser.add_argument("--published", type=Path, help="a published file")
    parser.add_argument("--schema", action="append", help="a BI-readable schema (default marts)")
    args = parser.parse_args(argv)
    findings = []
    if args.database:
        findings += check_build(args.database, args.target_path, tuple(args.schema or BI_SCHEMAS))
    if args.published:
        findings += check_published(args.published, args.target_path)
    if not args.database and not args.published:
        parser.error("give --database and/or --published")
    for finding in findings:
        print(f"personal data where BI tools read: {finding}")
    if findings:
        return 1
    print("no personal data where BI tools read")
    return 0


if __name__ == "__main__":
    sys.exit(main())
