"""Personal data stays where it belongs: BI-readable schemas and the published file hold none,
the check finds it where it is, and forget_customer erases one customer's personal data."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb

from tools.check_pii import check_build, check_published, looks_personal, manifest_findings
from tools.tests.conftest import Build, run_dbt

PERSONAL_COLUMNS = {
    "staging.base_raw__customers_parsed": [
        "raw_first_name",
        "raw_last_name",
        "raw_email",
        "raw_phone",
        "raw_city",
        "raw_birth_date",
        "raw_company_name",
        "first_name",
        "last_name",
        "email",
        "phone",
        "city",
        "birth_date",
        "company_name",
    ],
    "quarantine.quarantined_customers": [
        "raw_first_name",
        "raw_last_name",
        "raw_email",
        "raw_phone",
        "raw_city",
        "raw_birth_date",
        "raw_company_name",
    ],
}
PERSONAL_COLUMNS["staging.base_raw__customers"] = PERSONAL_COLUMNS[
    "staging.base_raw__customers_parsed"
]
PERSONAL_COLUMNS["audiences.audience_members"] = ["first_name", "last_name", "email", "phone"]


def test_patterns() -> None:
    assert looks_personal("an.nguyen@example.com")
    assert looks_personal("write to an@example.vn today")
    assert looks_personal("0912345678")
    assert looks_personal(" +84 912 345 679 ")
    assert looks_personal("(028) 3823-4567")
    for value in ("C0000001", "O000000001", "2024-01-05 09:00:00", "120.50", "0.001", "VN"):
        assert not looks_personal(value), value


def test_nothing_bi_tools_read_holds_personal_data(default_build: Build, published: Path) -> None:
    assert check_build(default_build.database, default_build.database.parent / "target") == []
    assert check_published(published, default_build.database.parent / "target") == []


def test_the_check_finds_personal_data_where_it_is(default_build: Build, tmp_path: Path) -> None:
    target = default_build.database.parent / "target"
    # quarantine holds it: read as if BI tools could, the check fails on both kinds
    findings = check_build(default_build.database, target, ("marts", "quarantine"))
    assert any("quarantined_customers.raw_email is tagged contains_pii" in f for f in findings)
    assert any("quarantined_customers.raw_email:" in f and "value(s)" in f for f in findings)
    # a leak into marts: an untagged copy of the raw emails
    database = tmp_path / "leaky.duckdb"
    shutil.copy(default_build.database, database)
    with duckdb.connect(str(database)) as connection:
        connection.execute(
            "create table marts.leak as select raw_email as contact"
            " from quarantine.quarantined_customers where raw_email like '%@%.%'"
        )
    assert any("marts.leak.contact" in f for f in check_build(database, target))
    # a published file with a tagged column, even an empty one
    leaky = tmp_path / "leaky_published.duckdb"
    with duckdb.connect(str(leaky)) as connection:
        connection.execute("create schema marts")
        connection.execute("create table marts.customers as select 'C1' as id, null as raw_phone")
    assert any(
        "raw_phone has the name of a column tagged" in f for f in check_published(leaky, target)
    )


def test_the_tag_must_travel_with_the_data() -> None:
    manifest = {
        "sources": {
            "source.p.raw.customers": {"columns": {"email": {"meta": {"contains_pii": True}}}}
        },
        "nodes": {
            "model.p.stg": {
                "unique_id": "model.p.stg",
                "resource_type": "model",
                "schema": "staging",
                "name": "stg",
                "columns": {"email": {"description": "no tag"}},
                "depends_on": {"nodes": ["source.p.raw.customers"]},
            },
            "model.p.mart": {
                "unique_id": "model.p.mart",
                "resource_type": "model",
                "schema": "marts",
                "name": "mart",
                "columns": {"email": {"config": {"meta": {"contains_pii": True}}}},
                "depends_on": {"nodes": ["model.p.stg"]},
            },
        },
    }
    findings = manifest_findings(manifest)
    assert any("staging.stg.email derives from the tagged column" in f for f in findings)
    assert any("marts.mart.email is tagged contains_pii" in f for f in findings)
    manifest["nodes"]["model.p.stg"]["columns"]["email"] = {"meta": {"contains_pii": True}}
    manifest["nodes"]["model.p.mart"]["schema"] = "quarantine"
    assert manifest_findings(manifest) == []


def test_forget_customer_erases_one_customers_personal_data(
    default_build: Build, tmp_path: Path
) -> None:
    database = tmp_path / "forget.duckdb"
    shutil.copy(default_build.database, database)
    with duckdb.connect(str(database), read_only=True) as connection:
        # a kept customer with older exports too, so that several rows hold their data, and in
        # an audience list (schema audiences)
        row = connection.execute(
            """
            select customer_id from staging.base_raw__customers
            where row_outcome = 'kept' and email is not null and customer_id in (
                select customer_id from staging.base_raw__customers
                where row_outcome = 'superseded'
            ) and customer_id in (select customer_id from audiences.audience_members)
            order by customer_id limit 1
            """
        ).fetchone()
        assert row is not None
        customer_id = row[0]
        # and a rejected one, whose whole raw row is in quarantine
        quarantined = connection.execute(
            "select min(customer_id) from quarantine.quarantined_customers"
            " where raw_email is not null and customer_id is not null"
        ).fetchone()
        assert quarantined is not None and quarantined[0] is not None
        before = _personal_values(connection, customer_id=None)
    result = run_dbt(
        [
            "run-operation",
            "forget_customer",
            "--args",
            json.dumps({"customer_id": [customer_id, quarantined[0]]}),
            "--vars",
            json.dumps(default_build.vars),
        ],
        database,
        tmp_path,
    )
    assert "forget_customer:" in result.stdout
    with duckdb.connect(str(database), read_only=True) as connection:
        assert _personal_values(connection, customer_id=customer_id) == 0
        assert _personal_values(connection, customer_id=quarantined[0]) == 0
        after = _personal_values(connection, customer_id=None)
        assert before - after > 0, "some of the customer's personal data was there"
        others = _personal_values_of(database, customer_id) - _personal_values_of(
            database, quarantined[0], alone=True
        )
        assert others == _personal_values_of(default_build.database, customer_id) - (
            _personal_values_of(default_build.database, quarantined[0], alone=True)
        ), "nobody else's data changed"
        segments = connection.execute(
            "select count(*) from marts.customer_segments where customer_id = ?", [customer_id]
        ).fetchone()
        assert segments == (1,), "the customer keeps their segment"


def _personal_values(
    connection: duckdb.DuckDBPyConnection, customer_id: str | None, other: bool = False
) -> int:
    """Non-null personal values in the tables that keep them: of one customer, of everyone but
    them (other), or of everyone (customer_id None)."""
    total = 0
    for relation, columns in PERSONAL_COLUMNS.items():
        if customer_id is None:
            condition, parameters = "true", []
        elif other:
            condition, parameters = "customer_id is distinct from ?", [customer_id]
        else:
            condition, parameters = "customer_id = ?", [customer_id]
        counts = ", ".join(f"count({column})" for column in columns)
        row = connection.execute(
            f"select {counts} from {relation} where {condition}", parameters
        ).fetchone()
        total += sum(row or ())
    return total


def _personal_values_of(database: Path, customer_id: str, alone: bool = False) -> int:
    """Personal values of everyone but the customer (of the customer alone with `alone`)."""
    with duckdb.connect(str(database), read_only=True) as connection:
        return _personal_values(connection, customer_id=customer_id, other=not alone)
