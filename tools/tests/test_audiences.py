"""make audiences (tools/audiences.py): one list per play, entries and exits, formats, erasure."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest

from tools import audiences

PLAYS = ["lifecycle_new", "lifecycle_prospect", "overlay_vip"]


def build_database(path: Path, members: list[tuple[object, ...]]) -> Path:
    """A build database with the two tables the export reads."""
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema audiences")
        connection.execute("create schema reference")
        connection.execute("create table reference.segment_playbook (play_id varchar)")
        connection.executemany(
            "insert into reference.segment_playbook values (?)", [[p] for p in PLAYS]
        )
        connection.execute(
            "create table audiences.audience_members (customer_id varchar, play_id varchar, "
            "email varchar, phone varchar, first_name varchar, last_name varchar, "
            "country_code varchar, play_reason varchar)"
        )
        connection.executemany(
            "insert into audiences.audience_members values (?, ?, ?, ?, ?, ?, ?, ?)", members
        )
    return path


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


FIRST = [
    (
        "C1",
        "lifecycle_new",
        "an@example.com",
        "+84901234567",
        "An",
        "Nguyen",
        "VN",
        "new: first purchase 3 days ago ≤ 30",
    ),
    (
        "C2",
        "lifecycle_new",
        None,
        "+84907654321",
        "Binh",
        "Tran",
        "VN",
        "new: first purchase 9 days ago ≤ 30",
    ),
    (
        "C3",
        "overlay_vip",
        "chi@example.com",
        None,
        "Chi",
        "Le",
        "SG",
        "vip: revenue in the top 1.0% (< 5.0%)",
    ),
    ("C9", "overlay_vip", None, None, None, None, None, "vip: erased"),
]


def test_first_export_writes_every_list_and_everyone_entered(tmp_path: Path) -> None:
    database = build_database(tmp_path / "build.duckdb", FIRST)
    out = tmp_path / "audiences"
    assert audiences.main(["--database", str(database), "--out", str(out)]) == 0
    new = rows(out / "lifecycle_new.csv")
    assert [r["External ID"] for r in new] == ["C1", "C2"]
    assert list(new[0]) == [
        "Email",
        "Phone Number",
        "First Name",
        "Last Name",
        "External ID",
        "List",
        "Reason",
    ]
    assert new[0]["Email"] == "an@example.com" and new[1]["Email"] == ""
    assert new[0]["Reason"].startswith("new: ")
    # an empty play still has its file (a header only), so that a sync empties the list
    assert rows(out / "lifecycle_prospect.csv") == []
    assert (out / "lifecycle_prospect.csv").read_text().startswith("Email,")
    # a member without email or phone (erased) is in no file
    assert [r["External ID"] for r in rows(out / "overlay_vip.csv")] == ["C3"]
    assert [r["External ID"] for r in rows(out / "lifecycle_new__entered.csv")] == ["C1", "C2"]
    changes = rows(out / "changes.csv")
    assert {(c["play_id"], c["customer_id"], c["change"]) for c in changes} == {
        ("lifecycle_new", "C1", "entered"),
        ("lifecycle_new", "C2", "entered"),
        ("overlay_vip", "C3", "entered"),
    }
    state = json.loads((out / "state.json").read_text())
    assert state["lists"]["lifecycle_new"] == ["C1", "C2"]
    assert "an@example.com" not in (out / "state.json").read_text()


def test_second_export_reports_entries_and_exits(tmp_path: Path) -> None:
    out = tmp_path / "audiences"
    audiences.export(*audiences.read_members(build_database(tmp_path / "a.duckdb", FIRST)), out)
    second = [
        FIRST[0],
        (
            "C2",
            "overlay_vip",
            None,
            "+84907654321",
            "Binh",
            "Tran",
            "VN",
            "vip: revenue in the top 2.0% (< 5.0%)",
        ),
        (
            "C4",
            "lifecycle_new",
            "dung@example.com",
            None,
            "Dung",
            "Pham",
            "VN",
            "new: first purchase 1 day ago ≤ 30",
        ),
    ]
    result = audiences.export(
        *audiences.read_members(build_database(tmp_path / "b.duckdb", second)), out
    )
    assert result.entered["lifecycle_new"] == ["C4"]
    assert result.left["lifecycle_new"] == ["C2"]
    assert result.entered["overlay_vip"] == ["C2"]
    assert result.left["overlay_vip"] == ["C3"]
    assert [r["External ID"] for r in rows(out / "lifecycle_new__entered.csv")] == ["C4"]
    assert {(c["play_id"], c["customer_id"], c["change"]) for c in rows(out / "changes.csv")} == {
        ("lifecycle_new", "C4", "entered"),
        ("lifecycle_new", "C2", "left"),
        ("overlay_vip", "C2", "entered"),
        ("overlay_vip", "C3", "left"),
    }
    # nothing changed: nobody entered or left
    again = audiences.export(*audiences.read_members(tmp_path / "b.duckdb"), out)
    assert not any(again.entered.values()) and not any(again.left.values())
    assert rows(out / "changes.csv") == []


@pytest.mark.parametrize(
    ("fmt", "header", "email_column"),
    [
        (
            "mailchimp",
            [
                "Email Address",
                "First Name",
                "Last Name",
                "Phone Number",
                "Customer ID",
                "Tags",
                "Reason",
            ],
            "Email Address",
        ),
        ("meta", ["email", "phone", "fn", "ln", "country", "extern_id"], "email"),
    ],
)
def test_formats_use_the_tools_column_names(
    tmp_path: Path, fmt: str, header: list[str], email_column: str
) -> None:
    out = tmp_path / "audiences"
    audiences.export(
        *audiences.read_members(build_database(tmp_path / "a.duckdb", FIRST)), out, fmt
    )
    listed = rows(out / "lifecycle_new.csv")
    assert list(listed[0]) == header
    assert listed[0][email_column] == "an@example.com"
    if fmt == "meta":
        assert listed[0]["phone"] == "84901234567" and listed[0]["country"] == "vn"


def test_missing_database_or_table_is_one_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        audiences.main(["--database", str(tmp_path / "none.duckdb"), "--out", str(tmp_path)]) == 1
    )
    assert "make run" in capsys.readouterr().err
    with duckdb.connect(str(tmp_path / "empty.duckdb")):
        pass
    assert (
        audiences.main(["--database", str(tmp_path / "empty.duckdb"), "--out", str(tmp_path)]) == 1
    )
    assert "audiences.audience_members" in capsys.readouterr().err
