"""Export the audience lists: one CSV per play, ready to import into an email or ads tool.

Reads `audiences.audience_members` (and the play ids of `reference.segment_playbook`) from the
build database (`DBT_DUCKDB_PATH`, default `data/segments.duckdb`), read-only, and writes under
`data/audiences/` (or `SEGMENTS_AUDIENCES_DIR`, or `--out`):

* `<play_id>.csv`: the current list of the play, every play of the playbook (an empty list is a
  header only, so a sync empties it too), with the column names of the chosen tool (`--format`):

  - `klaviyo` (default): Email, Phone Number, First Name, Last Name, External ID, List, Reason
  - `mailchimp`: Email Address, First Name, Last Name, Phone Number, Customer ID, Tags, Reason
  - `meta` (Meta custom audiences): email, phone, fn, ln, country, extern_id; identifiers only
    (Meta takes no free text), the phone as digits without `+`;

* `<play_id>__entered.csv`: who entered the list since the previous export, same columns (what a
  flow triggers on);
* `changes.csv`: play_id, customer_id, change (`entered` or `left`) since the previous export;
* `state.json`: the customer ids of every list at this export (no contact details), which the
  next export compares against. Without it (the first export) everyone has entered.

A member without a valid email or phone (e.g. after `dbt run-operation forget_customer`) is left
out, so exporting again after an erasure removes the person from every file (docs/playbook.md).

Usage: python -m tools.audiences [--database PATH] [--out DIR] [--format klaviyo|mailchimp|meta]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

import duckdb

DEFAULT_DATABASE = "data/segments.duckdb"
DEFAULT_OUT = "data/audiences"
STATE_FILE = "state.json"
CHANGES_FILE = "changes.csv"
FIELDS = ("email", "phone", "first_name", "last_name", "customer_id", "play_id", "reason")
FORMATS: dict[str, list[tuple[str, str]]] = {
    "klaviyo": [
        ("Email", "email"),
        ("Phone Number", "phone"),
        ("First Name", "first_name"),
        ("Last Name", "last_name"),
        ("External ID", "customer_id"),
        ("List", "play_id"),
        ("Reason", "reason"),
    ],
    "mailchimp": [
        ("Email Address", "email"),
        ("First Name", "first_name"),
        ("Last Name", "last_name"),
        ("Phone Number", "phone"),
        ("Customer ID", "customer_id"),
        ("Tags", "play_id"),
        ("Reason", "reason"),
    ],
    "meta": [
        ("email", "email"),
        ("phone", "meta_phone"),
        ("fn", "first_name"),
        ("ln", "last_name"),
        ("country", "country"),
        ("extern_id", "customer_id"),
    ],
}


class AudienceError(Exception):
    """The build database lacks what the export needs."""


@dataclass(frozen=True)
class Member:
    customer_id: str
    play_id: str
    email: str | None
    phone: str | None
    first_name: str | None
    last_name: str | None
    country: str | None
    reason: str

    def value(self, field: str) -> str:
        """The member's value of `field` as CSV text (empty for none)."""
        if field == "meta_phone":
            return (self.phone or "").lstrip("+")
        if field == "country":
            return (self.country or "").lower()
        if field == "reason":
            return self.reason
        text = getattr(self, field)
        return "" if text is None else str(text)


@dataclass(frozen=True)
class ExportResult:
    lists: dict[str, list[Member]]
    entered: dict[str, list[str]]
    left: dict[str, list[str]]


def read_members(database: Path) -> tuple[list[str], list[Member]]:
    """The play ids of the playbook and the members with a valid email or phone."""
    if not database.exists():
        raise AudienceError(f"{database} does not exist: run `make run` first")
    with duckdb.connect(str(database), read_only=True) as connection:
        tables = {
            (schema, name)
            for schema, name in connection.execute(
                "select schema_name, table_name from duckdb_tables()"
            ).fetchall()
        }
        for needed in (("audiences", "audience_members"), ("reference", "segment_playbook")):
            if needed not in tables:
                raise AudienceError(f"{database} has no table {'.'.join(needed)}: run `make run`")
        plays = [
            row[0]
            for row in connection.execute(
                "select play_id from reference.segment_playbook order by play_id"
            ).fetchall()
        ]
        rows = connection.execute(
            "select customer_id, play_id, email, phone, first_name, last_name, country_code, "
            "play_reason from audiences.audience_members "
            "where email is not null or phone is not null order by play_id, customer_id"
        ).fetchall()
    return plays, [Member(*row) for row in rows]


def _read_state(out: Path) -> dict[str, list[str]] | None:
    path = out / STATE_FILE
    if not path.exists():
        return None
    state = json.loads(path.read_text())
    return {play: list(ids) for play, ids in state.get("lists", {}).items()}


def _write_atomically(path: Path, write: Callable[[TextIO], object]) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    with temporary.open("w", newline="", encoding="utf-8") as handle:
        write(handle)
    os.replace(temporary, path)


def _write_list(path: Path, members: Sequence[Member], columns: list[tuple[str, str]]) -> None:
    def write(handle: TextIO) -> None:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([header for header, _ in columns])
        for member in members:
            writer.writerow([member.value(field) for _, field in columns])

    _write_atomically(path, write)


def export(
    plays: Sequence[str], members: Sequence[Member], out: Path, fmt: str = "klaviyo"
) -> ExportResult:
    """Write every list, the entries and the changes since the state in `out`, then the state."""
    if fmt not in FORMATS:
        raise AudienceError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
    columns = FORMATS[fmt]
    out.mkdir(parents=True, exist_ok=True)
    previous = _read_state(out) or {}
    lists: dict[str, list[Member]] = {play: [] for play in plays}
    for member in members:
        lists.setdefault(member.play_id, []).append(member)
    entered: dict[str, list[str]] = {}
    left: dict[str, list[str]] = {}
    for play in sorted(set(lists) | set(previous)):
        current = lists.get(play, [])
        before = set(previous.get(play, []))
        now = {member.customer_id for member in current}
        entered[play] = sorted(now - before)
        left[play] = sorted(before - now)
        if play in lists:
            _write_list(out / f"{play}.csv", current, columns)
            new = set(entered[play])
            _write_list(
                out / f"{play}__entered.csv",
                [m for m in current if m.customer_id in new],
                columns,
            )
        else:  # a play no longer in the playbook: its files go, its members have left
            for stale in (out / f"{play}.csv", out / f"{play}__entered.csv"):
                stale.unlink(missing_ok=True)

    def write_changes(handle: TextIO) -> None:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["play_id", "customer_id", "change"])
        for play in sorted(entered):
            writer.writerows([play, customer, "entered"] for customer in entered[play])
            writer.writerows([play, customer, "left"] for customer in left[play])

    _write_atomically(out / CHANGES_FILE, write_changes)
    state = {
        "exported_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "format": fmt,
        "lists": {play: sorted(m.customer_id for m in lists[play]) for play in sorted(lists)},
    }
    _write_atomically(
        out / STATE_FILE,
        lambda handle: handle.write(json.dumps(state, indent=1) + "\n"),
    )
    return ExportResult(lists, entered, left)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write one CSV per play for email and ads tools.")
    parser.add_argument(
        "--database", type=Path, default=Path(os.environ.get("DBT_DUCKDB_PATH") or DEFAULT_DATABASE)
    )
    parser.add_argument(
        "--out", type=Path, default=Path(os.environ.get("SEGMENTS_AUDIENCES_DIR") or DEFAULT_OUT)
    )
    parser.add_argument("--format", choices=sorted(FORMATS), default="klaviyo")
    args = parser.parse_args(argv)
    try:
        plays, members = read_members(args.database)
        result = export(plays, members, args.out, args.format)
    except AudienceError as error:
        print(f"audiences: {error}", file=sys.stderr)
        return 1
    for play, current in sorted(result.lists.items()):
        print(
            f"{play}: {len(current)} members, {len(result.entered[play])} entered, "
            f"{len(result.left[play])} left"
        )
    print(f"Wrote {len(result.lists)} lists ({args.format}) to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
