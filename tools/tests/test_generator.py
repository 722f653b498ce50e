"""The data generator: the bundled sample comes from its default shape (with the optional
tables); the dense shape."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from tools.generate_optional_tables import OPTIONAL_TABLES, PRODUCTS, generate_optional
from tools.generate_raw_data import generate, main, write
from tools.reference_segments import reference_accounting, reference_reject_reasons

PROJECT_DIR = Path(__file__).resolve().parents[2]


def test_default_shape_writes_the_bundled_sample(tmp_path: Path) -> None:
    main(["--out", str(tmp_path)])  # the defaults the sample seeds were written with
    for table in ("raw_customers", "raw_orders", *OPTIONAL_TABLES):
        written = (tmp_path / f"{table}.csv").read_bytes()
        assert written == (PROJECT_DIR / "seeds" / f"{table}.csv").read_bytes(), table


def test_optional_tables_leave_customers_and_orders_unchanged(tmp_path: Path) -> None:
    main(["--out", str(tmp_path / "without"), "--customers", "300", "--no-optional-tables"])
    main(["--out", str(tmp_path / "with"), "--customers", "300"])
    assert sorted(path.name for path in (tmp_path / "without").iterdir()) == [
        "raw_customers.csv",
        "raw_orders.csv",
    ]
    for table in ("raw_customers", "raw_orders"):
        without = (tmp_path / "without" / f"{table}.csv").read_bytes()
        assert without == (tmp_path / "with" / f"{table}.csv").read_bytes(), table


def _ids(frame: pd.DataFrame, column: str) -> set[str]:
    return {value.strip() for value in frame[column]}


def test_optional_tables_refer_to_the_generated_records() -> None:
    """Every id in the optional tables is of a generated record, or one of the few damaged ones
    (empty, or the one unknown id of each table); lead events lie before the end date."""
    end = date(2026, 6, 30)
    customers, orders = generate(customers=500, seed=3, end_date=end, years=2)
    tables = generate_optional(customers, orders, seed=3, end_date=end)
    assert set(tables) == set(OPTIONAL_TABLES)
    known_customers = _ids(customers, "customer_id") | {"", "C9999999"}
    for table in ("raw_events", "raw_feedback"):
        assert _ids(tables[table], "customer_id") <= known_customers, table
        assert len(tables[table]) > 100, table
    items = tables["raw_order_items"]
    assert _ids(items, "order_id") <= _ids(orders, "order_id") | {"", "O999999999"}
    assert _ids(items, "product_id") <= _ids(tables["raw_products"], "product_id") | {"", "P999"}
    events = tables["raw_events"]
    leads = events[events["event_type"].str.strip().str.lower().str.startswith("quote")]
    assert len(leads) > 0
    assert (leads["event_at"].str[:10] <= end.isoformat()).all() or (
        leads["event_at"].str.startswith("2099")
    ).any()
    for name, frame in tables.items():
        assert all(frame[column].map(type).eq(str).all() for column in frame), name


def test_optional_tables_of_one_customer() -> None:
    customers, orders = generate(customers=1, seed=1, end_date=date(2025, 1, 31), years=1)
    tables = generate_optional(customers, orders, seed=1, end_date=date(2025, 1, 31))
    assert len(tables["raw_products"]) == len(PRODUCTS) + 3
    assert list(tables["raw_feedback"].columns) == [
        "customer_id",
        "answered_at",
        "kind",
        "score",
        "comment",
    ]


def test_dense_shape_spreads_about_ten_orders_per_customer_over_the_years(tmp_path: Path) -> None:
    customers_df, orders_df = generate(2000, 3, date(2026, 6, 30), 4, 20000, shape="dense")
    write(customers_df, orders_df, tmp_path, "parquet")
    with duckdb.connect() as connection:
        row = connection.execute(
            f"""
            with clean as (
                select
                    trim(customer_id) as customer_id,
                    try_cast(left(ordered_at, 10) as date) as day
                from read_parquet('{tmp_path}/raw_orders.parquet')
            )
            select
                count(*) / count(distinct customer_id),
                count(distinct customer_id) filter (where day < date '2023-06-30'),
                count(distinct customer_id) filter (where day > date '2025-06-30')
            from clean
            where customer_id like 'C%' and customer_id <= 'C0002000'
            """
        ).fetchall()
    per_customer, first_year, last_year = row[0]
    assert 9 <= per_customer <= 11
    assert first_year > 1600 and last_year > 1600  # most customers buy in the first and last year
    assert abs(len(orders_df) - 20000) < 400


def test_holiday_windows_seed_is_what_the_script_writes(tmp_path: Path) -> None:
    """The committed seed is regenerated from the `holidays` package byte for byte."""
    from tools.generate_holiday_windows import main as write_holiday_windows

    written = tmp_path / "holiday_windows.csv"
    write_holiday_windows(["--out", str(written)])
    assert written.read_bytes() == (PROJECT_DIR / "seeds" / "holiday_windows.csv").read_bytes()


def test_holiday_windows_hold_the_lunar_and_retail_occasions() -> None:
    """Tết and Mid-Autumn by the Vietnamese lunar calendar, Black Friday after Thanksgiving."""
    with (PROJECT_DIR / "seeds" / "holiday_windows.csv").open(encoding="utf-8") as file:
        rows = {(row["holiday_name"], row["holiday_date"][:4]): row for row in csv.DictReader(file)}
    assert {year for _, year in rows} == {str(year) for year in range(2015, 2036)}
    assert len(rows) == 21 * 10
    assert rows[("tet", "2025")]["holiday_date"] == "2025-01-29"
    assert rows[("tet", "2026")]["holiday_date"] == "2026-02-17"
    assert rows[("tet", "2026")]["window_start_date"] == "2026-01-27"
    assert rows[("mid_autumn", "2025")]["holiday_date"] == "2025-10-06"
    assert rows[("black_friday", "2025")]["holiday_date"] == "2025-11-28"
    assert rows[("black_friday", "2025")]["window_end_date"] == "2025-12-01"
    assert rows[("vietnamese_womens_day", "2030")]["holiday_date"] == "2030-10-20"
    assert rows[("singles_day", "2035")]["scope"] == "international"


def test_subregions_seed_is_what_the_script_writes(tmp_path: Path) -> None:
    from tools.generate_subregions import main as write_subregions

    written = tmp_path / "subregions.csv"
    write_subregions(["--out", str(written)])
    assert written.read_bytes() == (PROJECT_DIR / "seeds" / "subregions.csv").read_bytes()


def test_subregions_cover_every_vietnamese_province_old_and_new() -> None:
    """63 provinces before 1 July 2025, 34 after, each with and without diacritics."""
    from tools.generate_subregions import place_key, without_diacritics
    from tools.reference_segments import read_subregions

    with (PROJECT_DIR / "seeds" / "subregions.csv").open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    names = {(row["place_name"], row["place_kind"]) for row in rows}
    kinds = [kind for _, kind in names]
    assert kinds.count("province") + kinds.count("province_until_2025") == 63
    assert kinds.count("province") + kinds.count("province_from_2025") == 34
    subregions = read_subregions()
    for name, kind in names:
        if kind != "city":
            region = subregions[("VN", place_key(name))]
            assert subregions[("VN", place_key(without_diacritics(name)))] == region, name
    assert subregions[("VN", "hà nội")] == subregions[("VN", "ha noi")] == "north"
    assert subregions[("VN", "thừa thiên huế")] == subregions[("VN", "huế")] == "centre"
    assert subregions[("VN", "khánh hoà")] == subregions[("VN", "khanh hoa")] == "centre"
    assert subregions[("VN", "bà rịa vũng tàu")] == subregions[("VN", "ho chi minh")] == "south"


# The reject reasons of each optional table (docs/raw-data.md, "Optional raw tables").
OPTIONAL_REJECT_REASONS = {
    "raw_events": {
        "missing_customer_id",
        "missing_event_at",
        "unparseable_event_at",
        "event_in_future",
        "missing_event_type",
        "unknown_customer",
    },
    "raw_feedback": {
        "missing_customer_id",
        "missing_answered_at",
        "unparseable_answered_at",
        "answered_in_future",
        "missing_kind",
        "unknown_kind",
        "missing_score",
        "unparseable_score",
        "score_out_of_range",
        "unknown_customer",
    },
    "raw_order_items": {
        "missing_order_id",
        "missing_product_id",
        "missing_quantity",
        "unparseable_quantity",
        "non_positive_quantity",
        "missing_amount",
        "unparseable_amount",
        "negative_amount",
        "unknown_order",
        "unknown_product",
    },
    "raw_products": {"missing_product_id", "unparseable_needs_onboarding"},
}


def test_bundled_sample_has_every_reject_reason_of_the_optional_tables() -> None:
    """Judged by the reference implementation (not by the dbt build), the sample's optional
    tables hold every reject reason at least once, and repeated rows."""

    def seed(table: str) -> pd.DataFrame:
        return pd.read_csv(PROJECT_DIR / "seeds" / f"{table}.csv", dtype=str, keep_default_na=False)

    optional = {table: seed(table) for table in OPTIONAL_TABLES}
    reasons = reference_reject_reasons(seed("raw_customers"), seed("raw_orders"), optional=optional)
    for table, expected in OPTIONAL_REJECT_REASONS.items():
        assert set(reasons[table]) == expected, table
    accounting = reference_accounting(seed("raw_customers"), seed("raw_orders"), optional=optional)
    for table in OPTIONAL_TABLES:
        assert accounting[table]["superseded"] > 0, table
        assert accounting[table]["kept"] > accounting[table]["rejected"], table
