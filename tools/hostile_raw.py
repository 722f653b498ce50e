"""Broken and odd raw folders, one per kind of damage a real shop's export has, each with the
outcome the build must give: built with every raw record accounted for (and the figures it must
show), or refused with a message naming the problem.

    python -m tools.hostile_raw --out /tmp/hostile        # one folder per case, and cases.json

The cases are small and written by hand, so that every expected figure can be read off the
file. `tools/tests/test_hostile_inputs.py` builds each through the var `raw_dir`.
"""

from __future__ import annotations

import argparse
import gzip
import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

CUSTOMER_HEADER = (
    "customer_id,first_name,last_name,email,phone,signed_up_at,country_code,city,birth_date,"
    "gender,company_name,referred_by_customer_id,updated_at"
)
ORDER_HEADER = "order_id,customer_id,ordered_at,status,channel,amount,discount_amount,updated_at"
EVENT_HEADER = "customer_id,event_at,event_type,properties"

# Three good customers and their orders: the base most cases add damage to.
CUSTOMERS = [
    "C1,An,Nguyen,an.nguyen@example.com,0912345678,2024-01-05 09:00:00,VN,Ha Noi,1990-01-01,"
    "female,,,2024-01-05 09:00:00",
    "C2,Binh,Tran,binh@example.com,+84 912 345 679,2024-02-01T10:00:00Z,VN,Hue,,male,,C1,"
    "2024-02-01 10:00:00",
    'C3,Chi,Le,chi@example.vn,,2024-03-01,VN,Ho Chi Minh,1985-05-05,female,"Le & Co, Ltd",,'
    "2024-03-01",
]
ORDERS = [
    "O1,C1,2024-01-06 10:00:00,completed,online,120.50,0,2024-01-06",
    "O2,C1,2024-03-06 10:00:00,completed,store,80,10,2024-03-06",
    "O3,C2,2024-02-10 10:00:00,delivered,online,45.00,,2024-02-10",
    "O4,C3,2024-06-01 10:00:00,completed,mobile_app,300,0,2024-06-01",
    "O5,C3,2024-06-20 10:00:00,shipped,online,150,0,2024-06-20",
]


def _csv(header: str, rows: list[str], newline: str = "\n") -> bytes:
    return (newline.join([header, *rows]) + newline).encode()


@dataclass(frozen=True)
class Case:
    """A raw folder and what the build must do with it.

    `accounting`: per raw table, (raw_rows, kept_rows, rejected_rows, superseded_rows) of
    raw_row_accounting. `reasons`: per raw table, reject reason -> rejected records.
    `refused`: the texts the error must contain (then nothing else is checked)."""

    name: str
    what: str
    files: dict[str, bytes]
    accounting: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)
    reasons: dict[str, dict[str, int]] = field(default_factory=dict)
    customers: int | None = None  # rows of customer_segments
    segments: dict[str, int] = field(default_factory=dict)  # lifecycle segment -> customers
    as_of_date: str | None = None
    refused: tuple[str, ...] = ()
    vars: dict[str, object] = field(default_factory=dict)
    # customer_id -> {column of customer_segments: value}
    types: dict[str, dict[str, object]] = field(default_factory=dict)


def cases() -> list[Case]:
    malformed_orders = (
        _csv(ORDER_HEADER, ORDERS)
        # too many fields, too few fields, invalid UTF-8, a quoted comma and line break (valid)
        + b"O6,C1,2024-04-01,completed,online,10,0,2024-04-01,surplus\n"
        + b"O7,C1,2024-04-02,completed\n"
        + b"O8,C2,2024-04-03,completed,online,1\xff0,0,2024-04-03\n"
        + b'O9,C2,2024-04-04,completed,"online, via\nthe app",25,0,2024-04-04\n'
        # an unterminated quote: the rest of the file is one malformed line
        + b'O10,"C3,2024-04-05,completed,online,10,0,2024-04-05\n'
        + b"O11,C3,2024-04-06,completed,online,10,0,2024-04-06\n"
    )
    odd_orders = _csv(
        ORDER_HEADER,
        [
            "O20,C1,2024-05-01,completed,online, 12.50 ,0,2024-05-01",
            "O21,C1,2024-05-02,completed,online,1e3,0,2024-05-02",
            'O22,C1,2024-05-03,completed,online,"12,50",0,2024-05-03',
            "O23,C2,2024-05-04,completed,online,-0,0,2024-05-04",
            "O24,C2,2024-05-05,completed,online,0.001,0,2024-05-05",
            "O25,C2,2024-05-06,completed,online,99999999999999.99,0,2024-05-06",
            "'; drop table raw_orders; --,C3,2024-05-07,completed,online,5,0,2024-05-07",
            '"=HYPERLINK(""http://x.example"",""y"")",C3,2024-05-08,completed,online,5,0,2024-05-08',
            "+SUM(A1:A9),C3,2024-05-09,completed,online,5,0,2024-05-09",
            "@cmd,C3,2024-05-10,completed,online,5,0,2024-05-10",
            "Ngọc-Đơn-001 🎁,C3,2024-05-11,completed,online,5,0,2024-05-11",
            f"{'X' * 300},C3,2024-05-12,completed,online,5,0,2024-05-12",
            "O26,C3,2031-01-01,completed,online,5,0,2031-01-01",
            "O27,C404,2024-05-13,completed,online,5,0,2024-05-13",
        ],
    )
    messy_customers = b"\xef\xbb\xbf" + _csv(
        CUSTOMER_HEADER,
        [
            *CUSTOMERS,
            "C4,Dung,Pham,dung@example.com,,2031-06-01,VN,Da Nang,,male,,,2031-06-01",
            '"C5","Em","Vo","em@example.com","","2024-04-01","VN","Can Tho","","female","",'
            '"C1","2024-04-01"',
        ],
        newline="\r\n",
    )
    header_variant_orders = (
        b" Order_ID ;AMOUNT;Customer_Id;ordered_at;STATUS;note\n"
        b"O30;60;C5;2024-04-02;completed;first order\n"
        b"O31;70;C5;2024-05-02;completed;second\n"
    )
    duplicate_export = _csv(ORDER_HEADER, ORDERS[:2])
    typed_customers, typed_orders = _typed_parquet()
    return [
        Case(
            name="messy_shop",
            what=(
                "malformed lines (too many and too few fields, invalid UTF-8, an unterminated "
                "quote), a quoted comma and line break, CRLF and a byte-order mark, a gzip "
                "file, a semicolon file with headers in other case and order, an extra and "
                "missing optional columns, an exact duplicate export, odd ids and amounts, "
                "text like SQL or spreadsheet formulas, dates in the future, an unknown customer"
            ),
            files={
                "raw_customers.csv": messy_customers,
                "raw_orders.csv": malformed_orders,
                "raw_orders_odd.csv.gz": gzip.compress(odd_orders, mtime=0),
                "raw_orders_variant.csv": header_variant_orders,
                "raw_orders_copy.csv": duplicate_export,
            },
            accounting={
                # C1-C5; C4 signed up in 2031
                "raw_customers": (5, 4, 1, 0),
                # raw_orders.csv: 5 good, O9 good, 4 malformed lines (O6, O7, O8, O10 with O11);
                # odd: 14 rows; variant: 2; copy: 2 (superseded by or superseding O1, O2)
                "raw_orders": (28, 18, 8, 2),
            },
            reasons={
                "raw_customers": {"signed_up_in_future": 1},
                "raw_orders": {
                    "malformed_line": 4,
                    "unparseable_amount": 2,  # "12,50" and "1e3" (no exponents)
                    "ordered_in_future": 1,
                    "unknown_customer": 1,
                    # -0 is kept (a zero amount)
                },
            },
            customers=4,
            as_of_date="2024-06-20",
        ),
        Case(
            name="empty_exports",
            what=(
                "a zero-byte customer file, a header-only order file and a header-only optional "
                "event file (present, empty): a day with nothing new"
            ),
            files={
                "raw_customers.csv": b"",
                "raw_orders.csv": _csv(ORDER_HEADER, []),
                "raw_events.csv": _csv(EVENT_HEADER, []),
            },
            accounting={
                "raw_customers": (0, 0, 0, 0),
                "raw_orders": (0, 0, 0, 0),
                "raw_events": (0, 0, 0, 0),
            },
            customers=0,
        ),
        Case(
            name="messy_optional_tables",
            what=(
                "the four optional tables with damage: repeated exports, unknown customers, "
                "orders and products, a future event, a malformed line, a semicolon file with "
                "upper-case headers, scores out of range, an unknown kind, a quantity that is "
                "not whole, an unreadable flag"
            ),
            files={
                "raw_customers.csv": _csv(CUSTOMER_HEADER, CUSTOMERS),
                "raw_orders.csv": _csv(ORDER_HEADER, ORDERS),
                "raw_events.csv": _csv(
                    EVENT_HEADER,
                    [
                        'C1,2024-06-01 10:00:00,Quote Request,"{""page"": ""/pricing"", ""n"": 2}"',
                        "C1,2024-06-01T10:00:00Z,quote-request,",
                        "C9,2024-06-01 10:00:00,page_view,",
                        "C2,2031-01-01 00:00:00,page_view,",
                        ",2024-06-01,page_view,",
                        "C2,2024-06-02,page_view,too,many,fields",
                    ],
                ),
                "raw_feedback.csv": _csv(
                    "CUSTOMER_ID;Answered_At;Kind;Score;Comment",
                    [
                        "C1;2024-06-10;NPS;10;Great, really",
                        "C2;2024-06-10;csat;9;",
                        "C3;2024-06-10;complaint;;late parcel",
                        "C3;2024-06-11;survey;3;",
                    ],
                ),
                "raw_order_items.csv": _csv(
                    "order_id,product_id,quantity,amount",
                    [
                        "O1,P1,1,100.50",
                        "O1,P2,2,20",
                        "O1,P1,1,100.50",
                        "O4,P3,1,300",
                        "O99,P1,1,1",
                        "O5,P404,1,150",
                        "O5,P1,1.5,150",
                        "O5,P1,1,150",
                    ],
                ),
                "raw_products.csv": _csv(
                    "product_id,name,category,needs_onboarding",
                    [
                        "P1,Cleansing device,tools,Yes",
                        "P2,Serum,skincare,no",
                        "P3,Gift box,gift_sets,",
                        "P1,Cleansing device,tools,Y",
                        "P5,Mystery,,maybe",
                    ],
                ),
            },
            accounting={
                "raw_customers": (3, 3, 0, 0),
                "raw_orders": (5, 5, 0, 0),
                "raw_events": (6, 1, 4, 1),
                "raw_feedback": (4, 2, 2, 0),
                "raw_order_items": (8, 4, 3, 1),
                "raw_products": (5, 3, 1, 1),
            },
            reasons={
                "raw_events": {
                    "unknown_customer": 1,
                    "event_in_future": 1,
                    "missing_customer_id": 1,
                    "malformed_line": 1,
                },
                "raw_feedback": {"score_out_of_range": 1, "unknown_kind": 1},
                "raw_order_items": {
                    "unknown_order": 1,
                    "unknown_product": 1,
                    "unparseable_quantity": 1,
                },
                "raw_products": {"unparseable_needs_onboarding": 1},
            },
            customers=3,
            as_of_date="2024-06-20",
            types={
                # a promoter who referred C2
                "C1": {
                    "is_advocate": True,
                    "is_unhappy": False,
                    "unhappy_basis": "feedback",
                    "is_novice": False,
                    "top_category": "tools",
                },
                # a complaint; a device bought on the as-of date
                "C3": {
                    "is_advocate": False,
                    "is_unhappy": True,
                    "unhappy_basis": "feedback",
                    "is_novice": True,
                    "top_category": "gift_sets",
                },
                # no feedback: judged on the returns
                "C2": {"is_advocate": False, "unhappy_basis": "returns", "top_category": None},
            },
        ),
        Case(
            name="optional_table_missing_column",
            what="a feedback file without the kind column",
            files={
                "raw_customers.csv": _csv(CUSTOMER_HEADER, CUSTOMERS),
                "raw_orders.csv": _csv(ORDER_HEADER, ORDERS),
                "raw_feedback.csv": _csv("customer_id,answered_at,score", ["C1,2024-06-10,9"]),
            },
            refused=("raw_feedback.csv", "kind", "Expected: customer_id"),
        ),
        Case(
            name="customers_without_orders",
            what="a new shop: customers, no order file yet",
            files={"raw_customers.csv": _csv(CUSTOMER_HEADER, CUSTOMERS)},
            accounting={"raw_customers": (3, 3, 0, 0), "raw_orders": (0, 0, 0, 0)},
            customers=3,
            segments={"prospect": 3},
            as_of_date="2024-03-01",
        ),
        Case(
            name="orders_without_customers",
            what="orders, but no customer export: every order of an unknown customer",
            files={"raw_orders.csv": _csv(ORDER_HEADER, ORDERS)},
            accounting={"raw_customers": (0, 0, 0, 0), "raw_orders": (5, 0, 5, 0)},
            reasons={"raw_orders": {"unknown_customer": 5}},
            customers=0,
        ),
        Case(
            name="one_customer",
            what="one customer with one order",
            files={
                "raw_customers.csv": _csv(CUSTOMER_HEADER, CUSTOMERS[:1]),
                "raw_orders.csv": _csv(ORDER_HEADER, ORDERS[:1]),
            },
            accounting={"raw_customers": (1, 1, 0, 0), "raw_orders": (1, 1, 0, 0)},
            customers=1,
            as_of_date="2025-01-06",
            vars={"as_of_date": "2025-01-06"},
        ),
        Case(
            name="one_price",
            what="every order at one price: spend has no spread",
            files={
                "raw_customers.csv": _csv(CUSTOMER_HEADER, CUSTOMERS),
                "raw_orders.csv": _csv(
                    ORDER_HEADER,
                    [
                        f"P{index},C{1 + index % 3},2024-{1 + index // 6:02d}-{1 + index % 27:02d},"
                        f"completed,online,9.99,0,2024-06-30"
                        for index in range(36)
                    ],
                ),
            },
            accounting={"raw_customers": (3, 3, 0, 0), "raw_orders": (36, 36, 0, 0)},
            customers=3,
        ),
        Case(
            name="everything_rejected",
            what="every customer and every order unusable",
            files={
                "raw_customers.csv": _csv(
                    CUSTOMER_HEADER, [",A,B,,,,,,,,,,", "C9,A,B,,,yesterday,,,,,,,"]
                ),
                "raw_orders.csv": _csv(
                    ORDER_HEADER,
                    ["O1,C9,2024-01-01,completed,online,abc,,", "O2,C9,not a date,lost,,5,,"],
                ),
            },
            accounting={"raw_customers": (2, 0, 2, 0), "raw_orders": (2, 0, 2, 0)},
            reasons={
                "raw_customers": {"missing_customer_id": 1, "unparseable_signed_up_at": 1},
                "raw_orders": {"unparseable_amount": 1, "unparseable_ordered_at": 1},
            },
            customers=0,
        ),
        Case(
            name="typed_parquet",
            what="the one_csv_export case as Parquet with typed columns, as a database writes it",
            files={"raw_customers.parquet": typed_customers, "raw_orders.parquet": typed_orders},
            accounting={"raw_customers": (3, 3, 0, 0), "raw_orders": (5, 5, 0, 0)},
            customers=3,
            as_of_date="2024-06-20",
        ),
        Case(
            name="one_csv_export",
            what="the three good customers and their orders as CSV (typed_parquet's twin)",
            files={
                "raw_customers.csv": _csv(CUSTOMER_HEADER, CUSTOMERS),
                "raw_orders.csv": _csv(ORDER_HEADER, ORDERS),
            },
            accounting={"raw_customers": (3, 3, 0, 0), "raw_orders": (5, 5, 0, 0)},
            customers=3,
            as_of_date="2024-06-20",
        ),
        Case(
            name="missing_required_column",
            what="an order file without the amount column",
            files={
                "raw_customers.csv": _csv(CUSTOMER_HEADER, CUSTOMERS),
                "raw_orders.csv": _csv(
                    "order_id,customer_id,ordered_at,status", ["O1,C1,2024-01-06,completed"]
                ),
            },
            refused=("raw_orders.csv", "amount", "Expected: order_id"),
        ),
        Case(
            name="no_raw_files",
            what="a folder without any raw file",
            files={"readme.txt": b"nothing here\n"},
            refused=("has no raw file",),
        ),
    ]


def _typed_parquet() -> tuple[bytes, bytes]:
    """CUSTOMERS and ORDERS as Parquet with the types a database export has."""
    with tempfile.TemporaryDirectory() as work, duckdb.connect() as connection:
        connection.execute("set TimeZone = 'UTC'")
        folder = Path(work)
        (folder / "customers.csv").write_bytes(_csv(CUSTOMER_HEADER, CUSTOMERS))
        (folder / "orders.csv").write_bytes(_csv(ORDER_HEADER, ORDERS))
        connection.execute(
            f"""
            copy (
                select customer_id, first_name, last_name, email, phone,
                    cast(signed_up_at as timestamptz) as signed_up_at, country_code, city,
                    cast(birth_date as date) as birth_date, gender, company_name,
                    referred_by_customer_id, cast(updated_at as timestamp) as updated_at
                from read_csv('{folder / "customers.csv"}', all_varchar = true)
            ) to '{folder / "customers.parquet"}' (format parquet)
            """
        )
        connection.execute(
            f"""
            copy (
                select order_id, customer_id, cast(ordered_at as timestamp) as ordered_at,
                    status, channel, cast(amount as double) as amount,
                    cast(discount_amount as decimal(12, 2)) as discount_amount,
                    cast(updated_at as date) as updated_at
                from read_csv('{folder / "orders.csv"}', all_varchar = true)
            ) to '{folder / "orders.parquet"}' (format parquet)
            """
        )
        return (folder / "customers.parquet").read_bytes(), (folder / "orders.parquet").read_bytes()


def write_case(case: Case, folder: Path) -> Path:
    """Write the case's files into folder/<name> and return it."""
    out = folder / case.name
    out.mkdir(parents=True, exist_ok=True)
    for name, content in case.files.items():
        (out / name).write_bytes(content)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    listing = {}
    for case in cases():
        write_case(case, args.out)
        listing[case.name] = {
            "what": case.what,
            "refused": list(case.refused),
            "accounting": case.accounting,
            "reasons": case.reasons,
        }
    (args.out / "cases.json").write_text(json.dumps(listing, indent=2) + "\n")


if __name__ == "__main__":
    main()
