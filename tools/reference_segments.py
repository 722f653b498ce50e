"""Reference implementation of the customer-segmentation rules in the README, used by the tests.

The tests run it on the same raw tables as the dbt project and compare the results. It follows
the rules step by step in plain Python, favouring clarity over speed:

1. Clean the raw values (ids, timestamps, statuses, amounts).
2. Per table, pick the current version of each id (latest valid `updated_at`); every other
   version is superseded. Reject rows without an id and current versions that break the rules,
   then reject kept orders whose customer is not a kept customer.
3. Derive the as-of date, the as-of population and the purchase figures of each customer.
4. Assign each customer the first lifecycle segment whose rule matches.

`reference_segments` returns one row per customer of the as-of population and
`reference_accounting` returns, per raw table, how many rows were kept, rejected or superseded.
Input frames hold text (or None/NaN for missing values); read them with
`pd.read_csv(path, dtype=str, keep_default_na=False)`.

Run `python -m tools.reference_segments` for a small self-check on hand-made rows.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

KNOWN_STATUSES = frozenset(
    {"completed", "delivered", "shipped", "pending", "cancelled", "refunded", "returned"}
)
PURCHASE_STATUSES = frozenset({"completed", "delivered", "shipped"})

OUTPUT_COLUMNS = [
    "customer_id",
    "lifecycle_segment",
    "order_count",
    "purchase_days",
    "first_order_date",
    "last_order_date",
    "days_since_first_order",
    "days_since_last_order",
    "own_interval_days",
    "baseline_interval_days",
    "expected_interval_days",
    "total_revenue",
    "as_of_date",
]

_CENT = Decimal("0.01")

# Date, then optionally a time (HH:MM, HH:MM:SS or HH:MM:SS.ffffff) after a space or `T`, then,
# only when there is a time, optionally `Z` or an offset +HH, +HHMM or +HH:MM (or with `-`).
_TIMESTAMP = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
    r"(?:[ T](?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})"
    r"(?::(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]{1,6}))?)?"
    r"(?P<zone>Z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?"
)
_AMOUNT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_WHITE_SPACE = re.compile(r"\s+")
_SPACES_OR_HYPHENS = re.compile(r"[ -]+")


@dataclass(frozen=True)
class Settings:
    """The tunable parameters of the segmentation (the dbt project variables)."""

    as_of_date: date | None = None
    min_purchase_amount: Decimal = Decimal("0.01")
    new_customer_days: int = 30
    churned_multiplier: float = 4
    lapsed_multiplier: float = 2
    at_risk_multiplier: float = 1
    loyal_min_orders: int = 4
    loyal_min_tenure_days: int = 180
    min_purchase_days_for_own_cycle: int = 3


# --------------------------------------------------------------------------------------------
# Cleaning of single values
# --------------------------------------------------------------------------------------------


def _text(value: object) -> str | None:
    """Return the value as text, or None when it is missing (None, NaN or only white space)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    text = value if isinstance(value, str) else str(value)
    return text if text.strip() else None


def clean_id(value: object) -> str | None:
    """Strip surrounding white space and fold inner runs of white space to one space."""
    text = _text(value)
    if text is None:
        return None
    return " ".join(text.split())


def parse_timestamp(value: object) -> datetime | None:
    """Parse an accepted timestamp form into a naive UTC datetime; None if missing or invalid."""
    text = _text(value)
    if text is None:
        return None
    match = _TIMESTAMP.fullmatch(text.strip())
    if match is None:
        return None
    part = match.groupdict()
    fraction = part["fraction"] or ""
    try:
        moment = datetime(
            int(part["year"]),
            int(part["month"]),
            int(part["day"]),
            int(part["hour"] or 0),
            int(part["minute"] or 0),
            int(part["second"] or 0),
            int(fraction.ljust(6, "0")) if fraction else 0,
        )
    except ValueError:  # impossible date or time, e.g. 2024-02-30 or 25:00
        return None
    zone = part["zone"]
    if zone is None or zone == "Z":
        return moment
    sign = 1 if zone[0] == "+" else -1
    offset_hours = int(zone[1:3])
    offset_minutes = int(zone[-2:]) if len(zone) > 3 else 0
    if offset_hours > 23 or offset_minutes > 59:
        return None
    try:
        return moment - sign * timedelta(hours=offset_hours, minutes=offset_minutes)
    except OverflowError:  # out of the representable range after conversion to UTC
        return None


def clean_status(value: object) -> str | None:
    """Lower-case, fold white space, turn runs of spaces/hyphens into `_`; `canceled` is mapped."""
    text = _text(value)
    if text is None:
        return None
    folded = " ".join(text.strip().lower().split())
    status = _SPACES_OR_HYPHENS.sub("_", folded)
    return "cancelled" if status == "canceled" else status


def parse_amount(value: object) -> Decimal | None:
    """Parse an amount after removing all white space; None if missing or invalid."""
    text = _text(value)
    if text is None:
        return None
    compact = _WHITE_SPACE.sub("", text)
    if _AMOUNT.fullmatch(compact) is None:
        return None
    return Decimal(compact)


def _is_invalid(value: object) -> bool:
    """True when a timestamp is present (non-empty) but cannot be parsed."""
    return _text(value) is not None and parse_timestamp(value) is None


# --------------------------------------------------------------------------------------------
# Versions, rejects and accounting
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CurrentVersions:
    """The current version of each id of a raw table, with the counts of the other rows."""

    records: list[tuple[str, dict[str, object]]]  # (cleaned id, raw row) in input order
    missing_id: int
    superseded: int


def _current_versions(raw: pd.DataFrame, id_column: str) -> _CurrentVersions:
    """Pick, per cleaned id, the row with the latest valid `updated_at`.

    Rows whose `updated_at` is missing or unparseable rank after all rows with a valid one; ties
    go to the row that comes later in the input.
    """
    rows = [{str(key): value for key, value in row.items()} for row in raw.to_dict("records")]
    best: dict[str, tuple[bool, datetime, int]] = {}
    missing_id = 0
    for position, row in enumerate(rows):
        row_id = clean_id(row[id_column])
        if row_id is None:
            missing_id += 1
            continue
        updated = parse_timestamp(row["updated_at"])
        rank = (updated is not None, updated if updated is not None else datetime.min, position)
        if row_id not in best or rank > best[row_id]:
            best[row_id] = rank
    positions = sorted((rank[2], row_id) for row_id, rank in best.items())
    records = [(row_id, rows[position]) for position, row_id in positions]
    superseded = len(rows) - missing_id - len(records)
    return _CurrentVersions(records=records, missing_id=missing_id, superseded=superseded)


@dataclass(frozen=True)
class _Customer:
    customer_id: str
    signed_up_on: date | None


@dataclass(frozen=True)
class _Order:
    order_id: str
    customer_id: str
    ordered_on: date
    status: str
    amount: Decimal


def _kept_customer(customer_id: str, row: dict[str, object]) -> _Customer | None:
    """The cleaned customer, or None when its current version is rejected."""
    if _is_invalid(row["signed_up_at"]) or _is_invalid(row["updated_at"]):
        return None
    signed_up = parse_timestamp(row["signed_up_at"])
    return _Customer(customer_id, signed_up.date() if signed_up is not None else None)


def _kept_order(order_id: str, row: dict[str, object]) -> _Order | None:
    """The cleaned order, or None when its current version is rejected (customer not checked)."""
    customer_id = clean_id(row["customer_id"])
    ordered = parse_timestamp(row["ordered_at"])
    status = clean_status(row["status"])
    amount = parse_amount(row["amount"])
    if (
        customer_id is None
        or ordered is None
        or _is_invalid(row["updated_at"])
        or status not in KNOWN_STATUSES
        or amount is None
        or amount < 0
    ):
        return None
    return _Order(order_id, customer_id, ordered.date(), status, amount)


@dataclass(frozen=True)
class _Cleaned:
    customers: dict[str, _Customer]  # kept customers by id
    orders: list[_Order]  # kept orders, all of kept customers
    accounting: dict[str, dict[str, int]]


def _clean(raw_customers: pd.DataFrame, raw_orders: pd.DataFrame) -> _Cleaned:
    customer_versions = _current_versions(raw_customers, "customer_id")
    customers: dict[str, _Customer] = {}
    for customer_id, row in customer_versions.records:
        customer = _kept_customer(customer_id, row)
        if customer is not None:
            customers[customer_id] = customer

    order_versions = _current_versions(raw_orders, "order_id")
    orders: list[_Order] = []
    unknown_customer = 0
    for order_id, row in order_versions.records:
        order = _kept_order(order_id, row)
        if order is None:
            continue
        if order.customer_id in customers:
            orders.append(order)
        else:
            unknown_customer += 1

    accounting = {
        "raw_customers": _counts(customer_versions, kept=len(customers), late_rejects=0),
        "raw_orders": _counts(order_versions, kept=len(orders), late_rejects=unknown_customer),
    }
    for table, raw in (("raw_customers", raw_customers), ("raw_orders", raw_orders)):
        if sum(accounting[table].values()) != len(raw):
            raise AssertionError(f"{table}: {accounting[table]} does not add up to {len(raw)}")
    return _Cleaned(customers=customers, orders=orders, accounting=accounting)


def _counts(versions: _CurrentVersions, kept: int, late_rejects: int) -> dict[str, int]:
    """Kept, rejected and superseded rows of a table.

    Rejected rows are those without an id, current versions that break the rules, and
    `late_rejects` (current versions that passed the rules but were rejected afterwards).
    """
    rejected_current = len(versions.records) - kept - late_rejects
    return {
        "kept": kept,
        "rejected": versions.missing_id + rejected_current + late_rejects,
        "superseded": versions.superseded,
    }


def reference_accounting(
    raw_customers: pd.DataFrame, raw_orders: pd.DataFrame
) -> dict[str, dict[str, int]]:
    """Per raw table, the number of kept, rejected and superseded rows (they sum to the rows)."""
    return _clean(raw_customers, raw_orders).accounting


# --------------------------------------------------------------------------------------------
# Figures and segments
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Figures:
    customer_id: str
    order_count: int
    purchase_days: int
    first_order_date: date | None
    last_order_date: date | None
    days_since_first_order: int | None
    days_since_last_order: int | None
    own_interval_days: float | None
    total_revenue: Decimal


def _has_purchase_status_and_amount(order: _Order, minimum: Decimal) -> bool:
    return order.status in PURCHASE_STATUSES and order.amount >= minimum


def _as_of_date(cleaned: _Cleaned, settings: Settings, minimum: Decimal) -> date | None:
    if settings.as_of_date is not None:
        return settings.as_of_date
    order_dates = [
        order.ordered_on
        for order in cleaned.orders
        if _has_purchase_status_and_amount(order, minimum)
    ]
    if order_dates:
        return max(order_dates)
    sign_up_dates = [
        customer.signed_up_on
        for customer in cleaned.customers.values()
        if customer.signed_up_on is not None
    ]
    return max(sign_up_dates) if sign_up_dates else None


def _figures(customer_id: str, purchases: list[_Order], as_of: date) -> _Figures:
    days = sorted({order.ordered_on for order in purchases})
    first = days[0] if days else None
    last = days[-1] if days else None
    own_interval = (
        (last - first).days / (len(days) - 1) if first and last and len(days) >= 2 else None
    )
    revenue = sum((order.amount for order in purchases), Decimal(0))
    return _Figures(
        customer_id=customer_id,
        order_count=len(purchases),
        purchase_days=len(days),
        first_order_date=first,
        last_order_date=last,
        days_since_first_order=(as_of - first).days if first is not None else None,
        days_since_last_order=(as_of - last).days if last is not None else None,
        own_interval_days=own_interval,
        total_revenue=revenue.quantize(_CENT, rounding=ROUND_HALF_UP),
    )


def _expected_interval(
    figures: _Figures, baseline: float | None, settings: Settings
) -> float | None:
    if figures.purchase_days >= settings.min_purchase_days_for_own_cycle:
        return figures.own_interval_days
    if figures.purchase_days >= 1:
        return baseline
    return None


def _exceeds(days: int | None, multiplier: float, expected: float | None) -> bool:
    """days > multiplier * expected; false when either side is missing."""
    if days is None or expected is None:
        return False
    return days > float(multiplier) * expected


def _segment(figures: _Figures, expected: float | None, settings: Settings) -> str:
    since_first = figures.days_since_first_order
    since_last = figures.days_since_last_order
    if figures.purchase_days == 0:
        return "prospect"
    if since_first is not None and since_first <= settings.new_customer_days:
        return "new"
    if _exceeds(since_last, settings.churned_multiplier, expected):
        return "churned"
    if _exceeds(since_last, settings.lapsed_multiplier, expected):
        return "lapsed"
    if _exceeds(since_last, settings.at_risk_multiplier, expected):
        return "at_risk"
    if (
        figures.order_count >= settings.loyal_min_orders
        and since_first is not None
        and since_first >= settings.loyal_min_tenure_days
    ):
        return "loyal"
    if figures.purchase_days >= 2:
        return "repeat"
    return "active"


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """Rows as a frame of Python objects (None for missing), counts as int64."""
    frame = pd.DataFrame(rows, columns=OUTPUT_COLUMNS, dtype=object)
    return frame.astype({"order_count": "int64", "purchase_days": "int64"})


def reference_segments(
    raw_customers: pd.DataFrame, raw_orders: pd.DataFrame, settings: Settings | None = None
) -> pd.DataFrame:
    """One row per customer of the as-of population, sorted by customer_id.

    Dates are `datetime.date`, day counts `int`, intervals `float`, total_revenue a `Decimal`
    rounded to cents; missing values are None. Returns an empty frame when no as-of date can be
    derived (no purchase-like order and no known sign-up date).
    """
    settings = settings if settings is not None else Settings()
    minimum = Decimal(str(settings.min_purchase_amount))
    cleaned = _clean(raw_customers, raw_orders)
    as_of = _as_of_date(cleaned, settings, minimum)
    if as_of is None:
        return _frame([])

    purchases: dict[str, list[_Order]] = defaultdict(list)
    for order in cleaned.orders:
        if _has_purchase_status_and_amount(order, minimum) and order.ordered_on <= as_of:
            purchases[order.customer_id].append(order)

    population = sorted(
        customer.customer_id
        for customer in cleaned.customers.values()
        if (customer.signed_up_on is not None and customer.signed_up_on <= as_of)
        or customer.customer_id in purchases
    )
    all_figures = [
        _figures(customer_id, purchases.get(customer_id, []), as_of) for customer_id in population
    ]

    own_intervals = [f.own_interval_days for f in all_figures if f.own_interval_days is not None]
    baseline = float(np.median(own_intervals)) if own_intervals else None

    rows: list[dict[str, object]] = []
    for figures in all_figures:
        expected = _expected_interval(figures, baseline, settings)
        rows.append(
            {
                "customer_id": figures.customer_id,
                "lifecycle_segment": _segment(figures, expected, settings),
                "order_count": figures.order_count,
                "purchase_days": figures.purchase_days,
                "first_order_date": figures.first_order_date,
                "last_order_date": figures.last_order_date,
                "days_since_first_order": figures.days_since_first_order,
                "days_since_last_order": figures.days_since_last_order,
                "own_interval_days": figures.own_interval_days,
                "baseline_interval_days": baseline,
                "expected_interval_days": expected,
                "total_revenue": figures.total_revenue,
                "as_of_date": as_of,
            }
        )
    return _frame(rows)


# --------------------------------------------------------------------------------------------
# Self-check
# --------------------------------------------------------------------------------------------


def _demo_tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Hand-made raw rows; the as-of date they lead to is 2024-06-30."""
    customers = [
        # customer_id, signed_up_at, updated_at
        ("C1", "2024-06-01", "2024-06-01"),
        ("C2", "2023-08-01", "2023-08-01"),
        ("C3", "2023-12-01", "2023-12-01"),
        ("C4", "2024-02-01", "2024-02-01"),
        ("C5", "2023-11-01", "2023-11-01"),
        ("C6", "2024-04-01", "2024-04-01"),
        ("C7", "2024-05-01", "2024-05-01"),
        ("C8", "2024-05-15", "2024-05-15"),
        (" C9 ", "2024-03-01", "2024-03-01 10:00"),  # superseded by the next row
        ("C9", "2024-03-01", "2024-04-01T09:00:00Z"),  # current version
        ("C9", "2024-03-01", ""),  # no updated_at: ranks last, superseded
        ("C10", "yesterday", "2024-01-01"),  # rejected: unparseable signed_up_at
        ("  ", "2024-01-01", "2024-01-01"),  # rejected: missing id
        ("C11", "2024-09-01", "2024-09-01"),  # kept, signed up after the as-of date
        ("C12", "", "2024-01-01"),  # kept, sign-up unknown, no orders: not in the population
    ]
    orders = [
        # order_id, customer_id, ordered_at, status, amount, updated_at
        ("O1", "C1", "2024-06-20 08:00", "completed", "25.00", "2024-06-20"),
        ("O2", " C1", "2024-06-20T23:30:00+02:00", " Shipped ", "15.5", "2024-06-20"),
        ("O3", "C1", "2024-06-30", "delivered", "10", "2024-06-30"),
        ("O4", "C2", "2023-09-01", "completed", "20", "2023-09-01"),
        ("O5", "C2", "2023-09-21", "completed", "20", "2023-09-21"),
        ("O6", "C2", "2023-10-11", "completed", "20", "2023-10-11"),
        ("O7", "C3", "2024-01-01", "completed", "30", "2024-01-01"),
        ("O8", "C3", "2024-02-10", "completed", "30", "2024-02-10"),
        ("O9", "C3", "2024-03-21", "completed", "30", "2024-03-21"),
        ("O10", "C4", "2024-02-21", "completed", "40", "2024-02-21"),
        ("O11", "C4", "2024-04-01", "completed", "40", "2024-04-01"),
        ("O12", "C4", "2024-05-11", "completed", "40", "2024-05-11"),
        ("O13", "C5", "2023-12-01", "completed", "99", "2023-12-01 10:00"),  # superseded
        ("O13", "C5", "2023-12-01", "completed", "100", "2023-12-02"),
        ("O14", "C5", "2024-02-01", "completed", " 1 234.50", "2024-02-01"),
        ("O15", "C5", "2024-04-01", "delivered", "50", "2024-04-01"),
        ("O16", "C5", "2024-06-01", "shipped", "50", "2024-06-01"),
        ("O17", "C5", "2024-06-25", "completed", "50.005", "2024-06-25"),
        ("O18", "C6", "2024-05-01", "completed", "60", "2024-05-01"),
        ("O19", "C6", "2024-06-20", "completed", "60", "2024-06-20"),
        ("O20", "C7", "2024-05-25", "completed", "70", "2024-05-25"),
        ("O21", "C7", "2024-06-15", "Canceled", "70", "2024-06-15"),  # kept, not a purchase
        ("O22", "C7", "2024-06-29", "completed", "0.00", "2024-06-29"),  # kept, below minimum
        ("O23", "C8", "2024-06-01", "completed", "30", "2024-06-01"),  # fine, but superseded
        ("O23", "C8", "2024-06-01", "lost", "30", "2024-06-02"),  # current: unknown status
        ("O24", "C99", "2024-07-15", "completed", "40", "2024-07-15"),  # unknown customer
        ("O25", "C10", "2024-01-05", "completed", "40", "2024-01-05"),  # customer rejected
        ("", "C1", "2024-06-01", "completed", "40", "2024-06-01"),  # missing order_id
        ("O27", "C6", "2024-07-01", "pending", "60", "2024-07-01"),  # kept, not a purchase
        ("O28", "C6", "2024-02-30", "completed", "60", "2024-03-01"),  # impossible date
        ("O29", "C6", "2024-06-01", "refunded", "-5", "2024-06-01"),  # negative amount
    ]
    customer_frame = pd.DataFrame(customers, columns=["customer_id", "signed_up_at", "updated_at"])
    order_frame = pd.DataFrame(
        orders, columns=["order_id", "customer_id", "ordered_at", "status", "amount", "updated_at"]
    )
    return customer_frame, order_frame


def _self_check() -> None:
    raw_customers, raw_orders = _demo_tables()
    segments = reference_segments(raw_customers, raw_orders)
    accounting = reference_accounting(raw_customers, raw_orders)
    with pd.option_context("display.width", 250, "display.max_columns", None):
        print(segments.to_string(index=False))
    print(accounting)

    expected_segments = {
        "C1": "new",
        "C2": "churned",
        "C3": "lapsed",
        "C4": "at_risk",
        "C5": "loyal",
        "C6": "repeat",
        "C7": "active",
        "C8": "prospect",
        "C9": "prospect",
    }
    assert dict(zip(segments["customer_id"], segments["lifecycle_segment"], strict=True)) == (
        expected_segments
    )
    assert accounting == {
        "raw_customers": {"kept": 11, "rejected": 2, "superseded": 2},
        "raw_orders": {"kept": 23, "rejected": 6, "superseded": 2},
    }
    c1 = segments.set_index("customer_id").loc["C1"]
    assert (c1["order_count"], c1["purchase_days"]) == (3, 2)  # two orders on the same day
    assert c1["total_revenue"] == Decimal("50.50")
    assert segments["as_of_date"].iloc[0] == date(2024, 6, 30)
    assert segments["baseline_interval_days"].iloc[0] == 40.0
    print("self-check passed")


if __name__ == "__main__":
    _self_check()
