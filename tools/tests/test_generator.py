"""The data generator: the bundled sample comes from its default shape; the dense shape."""

from __future__ import annotations

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
