"""The data generator: the bundled sample comes from its default shape; the dense shape."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import duckdb

from tools.generate_raw_data import generate, main, write

PROJECT_DIR = Path(__file__).resolve().parents[2]


def test_default_shape_writes_the_bundled_sample(tmp_path: Path) -> None:
    main(["--out", str(tmp_path)])  # the defaults the sample seeds were written with
    for table in ("raw_customers", "raw_orders"):
        written = (tmp_path / f"{table}.csv").read_bytes()
        assert written == (PROJECT_DIR / "seeds" / f"{table}.csv").read_bytes(), table


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
