"""Reference implementation of the customer-segmentation rules in docs/rules.md, used by the tests.

The tests run it on the same raw tables as the dbt project and compare the results. It follows
the rules step by step in plain Python, favouring clarity over speed:

1. Clean the raw values (ids, timestamps, statuses, amounts).
2. Per table, pick the current version of each id (latest valid `updated_at`); every other
   version is superseded. Reject rows without an id and current versions that break the rules,
   then reject kept orders whose customer is not a kept customer.
3. Derive the as-of date, the as-of population and the purchase figures of each customer.
4. Assign each customer the first lifecycle segment whose rule matches.
5. Score recency, frequency and money among the purchasers, name the RFM segment from the map,
   and add the overlays (value tier, bargain hunter, seasonal, channel, re-engaged, infrequent,
   business customer, referrer, age band, region, subregion), and the buying timing (weekend,
   holiday and anniversary buyers), the prospect type (suspect or prospect) of customers
   without a purchase and the unhappy customers (docs/customer-types.md).
6. With the optional raw tables (docs/raw-data.md, "Optional raw tables"): judge their rows
   (reject reasons in their order, repeated rows superseded, rows of unknown customers, orders
   and products rejected), then add the leads, the feedback-based unhappiness, the advocates,
   the novices and the top category; a type whose table is absent is null.

`reference_segments` returns one row per customer of the as-of population,
`reference_accounting` returns, per raw table, how many rows were kept, rejected or superseded,
and `reference_reject_reasons` how many rows of each optional table failed each check.
Input frames hold text (or None/NaN for missing values); read them with
`pd.read_csv(path, dtype=str, keep_default_na=False)`. The optional tables are passed as
`optional={"raw_events": frame, ...}`; a table not in it is absent. The RFM segment map and the
country regions are read from the project's seeds unless given.

Run `python -m tools.reference_segments` for a small self-check on hand-made rows.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

KNOWN_STATUSES = frozenset(
    {"completed", "delivered", "shipped", "pending", "cancelled", "refunded", "returned"}
)
PURCHASE_STATUSES = frozenset({"completed", "delivered", "shipped"})
SEEDS = Path(__file__).resolve().parents[1] / "seeds"

# Raw spellings of each known channel (after lower-casing, trimming, spaces/hyphens as `_`).
CHANNEL_SPELLINGS = {
    "online": {"online", "web", "website", "ecommerce", "e_commerce", "webshop"},
    "store": {"store", "in_store", "instore", "retail", "shop", "pos", "offline"},
    "mobile_app": {"mobile_app", "app", "mobile", "mobileapp", "ios", "android"},
    "social": {"social", "facebook", "instagram", "tiktok", "zalo", "social_media"},
    "marketplace": {"marketplace", "shopee", "lazada", "tiki", "amazon"},
    "phone": {"phone", "call_center", "telephone", "hotline"},
}
# (label, lowest age) from the youngest up; the last band ends at max_plausible_age.
AGE_BANDS = [
    ("under_18", 0),
    ("18-24", 18),
    ("25-34", 25),
    ("35-44", 35),
    ("45-54", 45),
    ("55-64", 55),
    ("65+", 65),
]

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
    "r_score",
    "f_score",
    "m_score",
    "rfm_code",
    "rfm_segment",
    "revenue_top_share",
    "value_tier",
    "is_vip",
    "discount_known_order_count",
    "discounted_order_count",
    "discounted_order_share",
    "is_bargain_hunter",
    "season_purchase_days",
    "season_purchase_day_share",
    "season_years",
    "is_seasonal",
    "preferred_channel",
    "known_channel_count",
    "is_omnichannel",
    "last_gap_days",
    "prior_expected_interval_days",
    "is_re_engaged",
    "is_infrequent",
    "weekend_purchase_days",
    "weekend_purchase_day_share",
    "is_weekend_buyer",
    "holiday_purchase_days",
    "holiday_purchase_day_share",
    "holiday_years",
    "is_holiday_buyer",
    "anniversary_purchase_days",
    "anniversary_years",
    "is_anniversary_buyer",
    "is_b2b",
    "referred_customers",
    "is_referrer",
    "age_years",
    "age_band",
    "country_code",
    "region",
    "subregion",
    "prospect_type",
    "last_lead_event_date",
    "profile_cell",
    "profile_cell_customers",
    "profile_cell_conversion_rate",
    "population_conversion_rate",
    "recent_received_orders",
    "recent_returned_orders",
    "recent_returned_order_share",
    "recent_feedback_answers",
    "recent_detractor_answers",
    "unhappy_basis",
    "is_unhappy",
    "has_recent_promoter_answer",
    "has_recent_positive_review",
    "is_advocate",
    "is_novice",
    "top_category",
    "top_category_share",
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
    value_tier_vip_share: float = 0.05
    value_tier_high_share: float = 0.20
    value_tier_medium_share: float = 0.50
    bargain_min_discount_amount: Decimal = Decimal(0)
    bargain_min_discounted_share: Decimal = Decimal("0.5")
    bargain_min_purchases: int = 2
    seasonal_months: tuple[int, ...] = (11, 12)
    seasonal_min_share: Decimal = Decimal("0.75")
    seasonal_min_years: int = 2
    omnichannel_min_channels: int = 2
    referrer_min_referrals: int = 1
    infrequent_multiplier: float = 2
    max_plausible_age: int = 100
    weekend_days: tuple[int, ...] = (6, 7)  # ISO days, 1 Monday ... 7 Sunday
    weekend_min_purchase_days: int = 4
    weekend_min_share: Decimal = Decimal("0.75")
    holiday_min_share: Decimal = Decimal("0.5")
    holiday_min_years: int = 2
    anniversary_window_days: int = 7
    anniversary_min_purchase_days: int = 2
    anniversary_min_share: Decimal = Decimal("0.5")
    anniversary_min_years: int = 2
    suspect_min_tenure_days: int = 90
    suspect_min_lift: float = 1.1
    suspect_min_cell_customers: int = 30
    unhappy_window_days: int = 365
    unhappy_min_orders: int = 3
    unhappy_min_returned_share: Decimal = Decimal("0.5")
    # the customer types of the optional raw tables (docs/customer-types.md)
    lead_event_types: tuple[str, ...] = (
        "lead_magnet_signup",
        "quote_request",
        "checkout_started",
        "newsletter_signup",
    )
    lead_window_days: int = 90
    novice_window_days: int = 90
    unhappy_max_nps_score: Decimal = Decimal(6)
    unhappy_max_csat_score: Decimal = Decimal(2)
    unhappy_max_review_score: Decimal = Decimal(2)
    advocate_window_days: int = 365
    advocate_min_nps_score: Decimal = Decimal(9)
    advocate_min_review_score: Decimal = Decimal(5)
    positive_review_min_score: Decimal = Decimal(4)
    future_tolerance_hours: int = 24
    # when the build started (UTC, naive); None: now
    run_started_at: datetime | None = None

    def started(self) -> datetime:
        if self.run_started_at is not None:
            return self.run_started_at
        return datetime.now(UTC).replace(tzinfo=None)

    def cutoff(self) -> datetime:
        """The moment after which an order or sign-up date cannot be true."""
        return self.started() + timedelta(hours=self.future_tolerance_hours)


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


def clean_gender(value: object) -> str:
    """female, male, unknown (missing) or other."""
    text = clean_id(value)
    if text is None:
        return "unknown"
    folded = text.lower()
    if folded in {"f", "female", "woman", "nu", "nữ"}:
        return "female"
    if folded in {"m", "male", "man", "nam"}:
        return "male"
    return "other"


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


def _folded_label(value: object) -> str | None:
    """Lower-case, fold white space, turn runs of spaces/hyphens into `_`; None if missing."""
    text = _text(value)
    if text is None:
        return None
    return _SPACES_OR_HYPHENS.sub("_", " ".join(text.strip().lower().split()))


def clean_status(value: object) -> str | None:
    """The folded status; `canceled` is mapped to `cancelled`."""
    status = _folded_label(value)
    return "cancelled" if status == "canceled" else status


def clean_channel(value: object) -> str:
    """One of the known channels, `unknown` when missing, `other` when unrecognised."""
    folded = _folded_label(value)
    if folded is None:
        return "unknown"
    for channel, spellings in CHANNEL_SPELLINGS.items():
        if folded in spellings:
            return channel
    return "other"


def parse_discount(value: object) -> Decimal | None:
    """0 when missing, the amount when a non-negative number, None when invalid."""
    if _text(value) is None:
        return Decimal(0)
    discount = parse_amount(value)
    return discount if discount is not None and discount >= 0 else None


def parse_birth_date(value: object) -> date | None:
    """A real date written YYYY-MM-DD (after trimming), else None."""
    text = _text(value)
    if text is None or re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text.strip()) is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


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
    birth_date: date | None = None
    country_code: str | None = None
    company_name: str | None = None
    referred_by: str | None = None
    city: str | None = None
    gender: str = "unknown"


@dataclass(frozen=True)
class _Order:
    order_id: str
    customer_id: str
    ordered_on: date
    status: str
    amount: Decimal
    channel: str = "unknown"
    discount: Decimal | None = Decimal(0)


def _kept_customer(customer_id: str, row: dict[str, object], cutoff: datetime) -> _Customer | None:
    """The cleaned customer, or None when its current version is rejected."""
    if _is_invalid(row["signed_up_at"]) or _is_invalid(row["updated_at"]):
        return None
    signed_up = parse_timestamp(row["signed_up_at"])
    if signed_up is not None and signed_up > cutoff:
        return None
    country = _text(row.get("country_code"))
    return _Customer(
        customer_id,
        signed_up.date() if signed_up is not None else None,
        birth_date=parse_birth_date(row.get("birth_date")),
        country_code="".join(country.split()).upper() if country is not None else None,
        company_name=clean_id(row.get("company_name")),
        referred_by=clean_id(row.get("referred_by_customer_id")),
        city=_text(row.get("city")),
        gender=clean_gender(row.get("gender")),
    )


def _kept_order(order_id: str, row: dict[str, object], cutoff: datetime) -> _Order | None:
    """The cleaned order, or None when its current version is rejected (customer not checked)."""
    customer_id = clean_id(row["customer_id"])
    ordered = parse_timestamp(row["ordered_at"])
    status = clean_status(row["status"])
    amount = parse_amount(row["amount"])
    if (
        customer_id is None
        or ordered is None
        or ordered > cutoff
        or _is_invalid(row["updated_at"])
        or status not in KNOWN_STATUSES
        or amount is None
        or amount < 0
    ):
        return None
    return _Order(
        order_id,
        customer_id,
        ordered.date(),
        status,
        amount,
        channel=clean_channel(row.get("channel")),
        discount=parse_discount(row.get("discount_amount")),
    )


@dataclass(frozen=True)
class _Cleaned:
    customers: dict[str, _Customer]  # kept customers by id
    orders: list[_Order]  # kept orders, all of kept customers
    accounting: dict[str, dict[str, int]]


def _clean(raw_customers: pd.DataFrame, raw_orders: pd.DataFrame, cutoff: datetime) -> _Cleaned:
    customer_versions = _current_versions(raw_customers, "customer_id")
    customers: dict[str, _Customer] = {}
    for customer_id, row in customer_versions.records:
        customer = _kept_customer(customer_id, row, cutoff)
        if customer is not None:
            customers[customer_id] = customer

    order_versions = _current_versions(raw_orders, "order_id")
    orders: list[_Order] = []
    unknown_customer = 0
    for order_id, row in order_versions.records:
        order = _kept_order(order_id, row, cutoff)
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
    raw_customers: pd.DataFrame,
    raw_orders: pd.DataFrame,
    settings: Settings | None = None,
    optional: dict[str, pd.DataFrame] | None = None,
) -> dict[str, dict[str, int]]:
    """Per raw table, the number of kept, rejected and superseded rows (they sum to the rows).

    The two main tables always have their counts; an optional table only when it is present
    (given in `optional`).
    """
    cleaned, judged = _judge_all(raw_customers, raw_orders, settings, optional)
    return {
        **cleaned.accounting,
        **{name: table.accounting for name, table in judged.tables().items()},
    }


# --------------------------------------------------------------------------------------------
# Optional raw tables: events, feedback, order items, products (docs/raw-data.md)
# --------------------------------------------------------------------------------------------

OPTIONAL_TABLES = ("raw_events", "raw_feedback", "raw_order_items", "raw_products")
FEEDBACK_KINDS = frozenset({"nps", "csat", "review", "complaint"})
# (lowest, highest) score of each kind that has one; a complaint's score is not read
SCORE_RANGES = {
    "nps": (Decimal(0), Decimal(10)),
    "csat": (Decimal(1), Decimal(5)),
    "review": (Decimal(1), Decimal(5)),
}
TRUE_FLAGS = frozenset({"true", "yes", "y", "1"})
FALSE_FLAGS = frozenset({"false", "no", "n", "0"})

# Per optional table: the raw columns whose text decides which of several rows with the same key
# is kept (the first in this order of texts; a missing text sorts after every other).
_RAW_TEXT_ORDER = {
    "raw_events": ("properties", "event_at", "event_type", "customer_id"),
    "raw_feedback": ("score", "comment", "answered_at", "kind", "customer_id"),
    "raw_order_items": ("quantity", "amount", "order_id", "product_id"),
    "raw_products": ("category", "name", "needs_onboarding", "product_id"),
}


@dataclass(frozen=True)
class _Event:
    customer_id: str
    event_date: date
    event_type: str


@dataclass(frozen=True)
class _Answer:
    customer_id: str
    answered_on: date
    kind: str
    score: Decimal | None  # None for a complaint


@dataclass(frozen=True)
class _Item:
    order_id: str
    product_id: str
    quantity: int
    amount: Decimal


@dataclass(frozen=True)
class _Product:
    product_id: str
    category: str | None
    needs_onboarding: bool


@dataclass(frozen=True)
class _Verdict:
    """What the checks of one raw row say: the first check it fails, or its key and record."""

    problem: str | None
    key: tuple[object, ...] | None = None
    record: Any = None


@dataclass(frozen=True)
class _OptionalTable:
    """The kept records of a present optional table and the outcome counts of its rows."""

    records: list[Any]
    accounting: dict[str, int]
    reject_reasons: Counter[str]


def _raw_text_rank(row: dict[str, object], columns: tuple[str, ...]) -> tuple[tuple[int, str], ...]:
    """The row's raw texts in `columns` order, a missing (or empty) text after any other."""
    rank = []
    for column in columns:
        value = row.get(column)
        text = None if _text(value) is None and not isinstance(value, str) else str(value)
        rank.append((1, "") if not text else (0, text))
    return tuple(rank)


def _judge_table(
    table: str,
    raw: pd.DataFrame,
    judge: Any,
    late_check: Any,
) -> _OptionalTable:
    """Judge every row of an optional table, then resolve repeated keys and the late checks.

    `judge(row)` returns the row's _Verdict; rows without a problem that share a key are one
    record: the first by raw text (`_RAW_TEXT_ORDER`) is its current row, the others are
    superseded. `late_check(record)` returns the reason a current row is still rejected, or None.
    """
    rows = [{str(key): value for key, value in row.items()} for row in raw.to_dict("records")]
    groups: dict[tuple[object, ...], list[tuple[int, Any]]] = defaultdict(list)
    reasons: Counter[str] = Counter()
    for position, row in enumerate(rows):
        verdict = judge(row)
        if verdict.problem is not None:
            reasons[verdict.problem] += 1
        else:
            assert verdict.key is not None
            groups[verdict.key].append((position, verdict.record))
    records: list[tuple[int, Any]] = []
    superseded = 0
    for versions in groups.values():
        position, record = min(
            versions,
            key=lambda version: (
                _raw_text_rank(rows[version[0]], _RAW_TEXT_ORDER[table]),
                version[0],
            ),
        )
        superseded += len(versions) - 1
        reason = late_check(record)
        if reason is not None:
            reasons[reason] += 1
        else:
            records.append((position, record))
    records.sort(key=lambda pair: pair[0])
    accounting = {
        "kept": len(records),
        "rejected": sum(reasons.values()),
        "superseded": superseded,
    }
    if sum(accounting.values()) != len(rows):
        raise AssertionError(f"{table}: {accounting} does not add up to {len(rows)}")
    return _OptionalTable([record for _, record in records], accounting, reasons)


def _judge_event(row: dict[str, object], cutoff: datetime) -> _Verdict:
    """A raw event: customer, instant (UTC) and type as a vocabulary key."""
    customer_id = clean_id(row.get("customer_id"))
    event_at = parse_timestamp(row.get("event_at"))
    event_type = _folded_label(row.get("event_type"))
    if customer_id is None:
        return _Verdict("missing_customer_id")
    if _text(row.get("event_at")) is None:
        return _Verdict("missing_event_at")
    if event_at is None:
        return _Verdict("unparseable_event_at")
    if event_at > cutoff:
        return _Verdict("event_in_future")
    if event_type is None:
        return _Verdict("missing_event_type")
    record = _Event(customer_id, event_at.date(), event_type)
    return _Verdict(None, (customer_id, event_type, event_at), record)


def _judge_answer(row: dict[str, object], cutoff: datetime) -> _Verdict:
    """A raw feedback answer: customer, instant (UTC), kind and, but for complaints, a score."""
    customer_id = clean_id(row.get("customer_id"))
    answered_at = parse_timestamp(row.get("answered_at"))
    kind = _folded_label(row.get("kind"))
    problem = None
    if customer_id is None:
        problem = "missing_customer_id"
    elif _text(row.get("answered_at")) is None:
        problem = "missing_answered_at"
    elif answered_at is None:
        problem = "unparseable_answered_at"
    elif answered_at > cutoff:
        problem = "answered_in_future"
    elif kind is None:
        problem = "missing_kind"
    elif kind not in FEEDBACK_KINDS:
        problem = "unknown_kind"
    if problem is not None:
        return _Verdict(problem)
    assert customer_id is not None and answered_at is not None and kind is not None
    score = None
    if kind != "complaint":
        score = parse_amount(row.get("score"))
        lowest, highest = SCORE_RANGES[kind]
        if _text(row.get("score")) is None:
            return _Verdict("missing_score")
        if score is None:
            return _Verdict("unparseable_score")
        if not lowest <= score <= highest:
            return _Verdict("score_out_of_range")
    record = _Answer(customer_id, answered_at.date(), kind, score)
    return _Verdict(None, (customer_id, kind, answered_at), record)


def _judge_item(row: dict[str, object]) -> _Verdict:
    """A raw order line: order, product, a whole positive quantity and an amount ≥ 0."""
    order_id = clean_id(row.get("order_id"))
    product_id = clean_id(row.get("product_id"))
    quantity = parse_amount(row.get("quantity"))
    amount = parse_amount(row.get("amount"))
    problem = None
    if order_id is None:
        problem = "missing_order_id"
    elif product_id is None:
        problem = "missing_product_id"
    elif _text(row.get("quantity")) is None:
        problem = "missing_quantity"
    elif quantity is None or quantity != quantity.to_integral_value():
        problem = "unparseable_quantity"
    elif quantity <= 0:
        problem = "non_positive_quantity"
    elif _text(row.get("amount")) is None:
        problem = "missing_amount"
    elif amount is None:
        problem = "unparseable_amount"
    elif amount < 0:
        problem = "negative_amount"
    if problem is not None:
        return _Verdict(problem)
    assert order_id is not None and product_id is not None
    assert quantity is not None and amount is not None
    record = _Item(order_id, product_id, int(quantity), amount)
    return _Verdict(None, (order_id, product_id), record)


def _judge_product(row: dict[str, object]) -> _Verdict:
    """A raw product: id, category (None when missing) and needs_onboarding (false when missing)."""
    product_id = clean_id(row.get("product_id"))
    flag = clean_id(row.get("needs_onboarding"))
    if product_id is None:
        return _Verdict("missing_product_id")
    if flag is not None and flag.lower() not in TRUE_FLAGS | FALSE_FLAGS:
        return _Verdict("unparseable_needs_onboarding")
    needs_onboarding = flag is not None and flag.lower() in TRUE_FLAGS
    record = _Product(product_id, clean_id(row.get("category")), needs_onboarding)
    return _Verdict(None, (product_id,), record)


@dataclass(frozen=True)
class _Optional:
    """The present optional tables (None when absent), judged."""

    events: _OptionalTable | None
    feedback: _OptionalTable | None
    items: _OptionalTable | None
    products: _OptionalTable | None

    def tables(self) -> dict[str, _OptionalTable]:
        present = (self.events, self.feedback, self.items, self.products)
        named = zip(OPTIONAL_TABLES, present, strict=True)
        return {name: table for name, table in named if table is not None}


def _clean_optional(
    optional: dict[str, pd.DataFrame] | None, cleaned: _Cleaned, cutoff: datetime
) -> _Optional:
    """Judge the optional tables that are given; a table missing from `optional` is absent."""
    given = optional or {}
    unknown = set(given) - set(OPTIONAL_TABLES)
    if unknown:
        raise ValueError(f"not optional raw tables: {sorted(unknown)}")

    def known_customer(record: _Event | _Answer) -> str | None:
        return None if record.customer_id in cleaned.customers else "unknown_customer"

    events = feedback = items = products = None
    if "raw_events" in given:
        events = _judge_table(
            "raw_events", given["raw_events"], lambda row: _judge_event(row, cutoff),
            known_customer,
        )  # fmt: skip
    if "raw_feedback" in given:
        feedback = _judge_table(
            "raw_feedback", given["raw_feedback"], lambda row: _judge_answer(row, cutoff),
            known_customer,
        )  # fmt: skip
    if "raw_products" in given:
        products = _judge_table(
            "raw_products", given["raw_products"], _judge_product, lambda record: None
        )
    if "raw_order_items" in given:
        order_ids = {order.order_id for order in cleaned.orders}
        product_ids = (
            None if products is None else {product.product_id for product in products.records}
        )

        def known_order_and_product(record: _Item) -> str | None:
            if record.order_id not in order_ids:
                return "unknown_order"
            if product_ids is not None and record.product_id not in product_ids:
                return "unknown_product"
            return None

        items = _judge_table(
            "raw_order_items", given["raw_order_items"], _judge_item, known_order_and_product
        )
    return _Optional(events=events, feedback=feedback, items=items, products=products)


def _judge_all(
    raw_customers: pd.DataFrame,
    raw_orders: pd.DataFrame,
    settings: Settings | None,
    optional: dict[str, pd.DataFrame] | None,
) -> tuple[_Cleaned, _Optional]:
    """The cleaned main tables and the judged optional ones (default settings when None)."""
    cutoff = (settings if settings is not None else Settings()).cutoff()
    cleaned = _clean(raw_customers, raw_orders, cutoff)
    return cleaned, _clean_optional(optional, cleaned, cutoff)


def reference_reject_reasons(
    raw_customers: pd.DataFrame,
    raw_orders: pd.DataFrame,
    settings: Settings | None = None,
    optional: dict[str, pd.DataFrame] | None = None,
) -> dict[str, Counter[str]]:
    """Per present optional raw table, how many rows were rejected for each reason."""
    _, judged = _judge_all(raw_customers, raw_orders, settings, optional)
    return {name: table.reject_reasons for name, table in judged.tables().items()}


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


def _as_of_date(cleaned: _Cleaned, settings: Settings, minimum: Decimal) -> date:
    """The var, else the latest purchase date not after today (the cutoff's day less the
    tolerance), else the latest sign-up date not after today, else today."""
    if settings.as_of_date is not None:
        return settings.as_of_date
    today = settings.started().date()
    order_dates = [
        order.ordered_on
        for order in cleaned.orders
        if _has_purchase_status_and_amount(order, minimum) and order.ordered_on <= today
    ]
    if order_dates:
        return max(order_dates)
    sign_up_dates = [
        customer.signed_up_on
        for customer in cleaned.customers.values()
        if customer.signed_up_on is not None and customer.signed_up_on <= today
    ]
    return max(sign_up_dates) if sign_up_dates else today


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


# --------------------------------------------------------------------------------------------
# RFM scores and overlays
# --------------------------------------------------------------------------------------------


def read_rfm_segment_map(path: Path = SEEDS / "rfm_segment_map.csv") -> dict[tuple[int, ...], str]:
    """The seed's segment name of every (r, f, m) code."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    return {
        (int(row.r_score), int(row.f_score), int(row.m_score)): str(row.rfm_segment)
        for row in table.itertuples()
    }


def read_country_regions(path: Path = SEEDS / "country_regions.csv") -> dict[str, str]:
    """The seed's region of every country code."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    return dict(zip(table["country_code"], table["region"], strict=True))


def read_subregions(path: Path = SEEDS / "subregions.csv") -> dict[tuple[str, str], str]:
    """The seed's subregion of every (country code, place key)."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    keys = zip(table["country_code"], table["place_key"], strict=True)
    return dict(zip(keys, table["subregion"], strict=True))


# Punctuation matched as a space; a leading tỉnh / thành phố / tp and a trailing city / province
# are not part of a place's name.
_PLACE_PUNCTUATION = re.compile("[-\u2013\u2014_.,;:'\"()/]+")
_PLACE_PREFIX = re.compile(r"^(tỉnh|tinh|thành phố|thanh pho|tp) ")
_PLACE_SUFFIX = re.compile(r" (city|province)$")


def place_key(city: str | None) -> str | None:
    """A city or province name as the seed subregions lists it (docs/customer-types.md)."""
    if city is None:
        return None
    text = _WHITE_SPACE.sub(" ", _PLACE_PUNCTUATION.sub(" ", city.lower())).strip()
    key = _PLACE_SUFFIX.sub("", _PLACE_PREFIX.sub("", text)).strip()
    return key or None


@dataclass(frozen=True)
class HolidayWindow:
    holiday_date: date
    start: date
    end: date


def read_holiday_windows(path: Path = SEEDS / "holiday_windows.csv") -> list[HolidayWindow]:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return [
        HolidayWindow(*(date.fromisoformat(row[c]) for c in ("holiday_date", "window_start_date",
                                                             "window_end_date")))
        for _, row in frame.iterrows()
    ]  # fmt: skip


def _add_years(anchor: date, years: int) -> date:
    """The anniversary `years` after `anchor`; 29 February falls on 28 February in common years."""
    try:
        return anchor.replace(year=anchor.year + years)
    except ValueError:
        return anchor.replace(year=anchor.year + years, day=28)


def _timing(
    days: list[date], customer: _Customer, windows: list[HolidayWindow], settings: Settings
) -> dict[str, object]:
    """The buying-timing columns of one customer from their purchase days."""
    weekend = sum(1 for day in days if day.isoweekday() in settings.weekend_days)
    holiday_days: set[date] = set()
    holiday_years: set[int] = set()
    for day in days:
        for window in windows:
            if window.start <= day <= window.end:
                holiday_days.add(day)
                holiday_years.add(window.holiday_date.year)
    near_days: set[date] = set()
    near_years: set[int] = set()
    anchors = [(customer.birth_date, 0), (customer.signed_up_on, 1)]
    for day in days:
        for anchor, first in anchors:
            if anchor is None:
                continue
            for number in range(day.year - anchor.year - 1, day.year - anchor.year + 2):
                if number < first:
                    continue
                anniversary = _add_years(anchor, number)
                if abs((day - anniversary).days) <= settings.anniversary_window_days:
                    near_days.add(day)
                    near_years.add(anniversary.year)
    n = len(days)
    return {
        "weekend_purchase_days": weekend,
        "weekend_purchase_day_share": weekend / n if n else None,
        "is_weekend_buyer": n >= settings.weekend_min_purchase_days
        and weekend >= Decimal(str(settings.weekend_min_share)) * n,
        "holiday_purchase_days": len(holiday_days),
        "holiday_purchase_day_share": len(holiday_days) / n if n else None,
        "holiday_years": len(holiday_years),
        "is_holiday_buyer": len(holiday_days) >= Decimal(str(settings.holiday_min_share)) * n
        and len(holiday_years) >= settings.holiday_min_years,
        "anniversary_purchase_days": len(near_days),
        "anniversary_years": len(near_years),
        "is_anniversary_buyer": len(near_days) >= settings.anniversary_min_purchase_days
        and len(near_days) >= Decimal(str(settings.anniversary_min_share)) * n
        and len(near_years) >= settings.anniversary_min_years,
    }


def _scores(values: dict[str, Any], better: str) -> dict[str, int]:
    """1 + floor(5 x (purchasers with a strictly worse value) / purchasers), per customer.

    `better` is "higher" or "lower"; counting strictly worse values gives ties the same score.
    """
    ordered = sorted(values.values())
    scores = {}
    for customer_id, value in values.items():
        if better == "higher":
            worse = bisect_left(ordered, value)  # values strictly below
        else:
            worse = len(ordered) - bisect_right(ordered, value)  # values strictly above
        scores[customer_id] = 1 + (5 * worse) // len(ordered)
    return scores


def _value_tier(top_share: float | None, settings: Settings) -> str:
    if top_share is None:
        return "none"
    if top_share < float(settings.value_tier_vip_share):
        return "vip"
    if top_share < float(settings.value_tier_high_share):
        return "high"
    if top_share < float(settings.value_tier_medium_share):
        return "medium"
    return "low"


def _preferred_channel(purchases: list[_Order]) -> tuple[str, int]:
    """The preferred known channel (or unknown / none) and the number of known channels."""
    if not purchases:
        return "none", 0
    known = [order for order in purchases if order.channel in CHANNEL_SPELLINGS]
    counts = Counter(order.channel for order in known)
    if not counts:
        return "unknown", 0
    last = {channel: max(o.ordered_on for o in known if o.channel == channel) for channel in counts}
    # most purchases, then the latest last purchase, then the first name alphabetically
    best = min(counts, key=lambda channel: (-counts[channel], -last[channel].toordinal(), channel))
    return best, len(counts)


def _age(birth: date | None, as_of: date) -> int | None:
    if birth is None:
        return None
    return as_of.year - birth.year - ((as_of.month, as_of.day) < (birth.month, birth.day))


def _age_band(age: int | None, settings: Settings) -> str:
    if age is None or age < 0 or age > settings.max_plausible_age:
        return "unknown"
    return [label for label, lowest in AGE_BANDS if age >= lowest][-1]


@dataclass(frozen=True)
class _Population:
    """What the overlays of one customer need to know about everyone else."""

    as_of: date
    baseline: float | None
    scores: dict[str, dict[str, int]]  # "r", "f", "m" -> customer_id -> score
    revenues: list[Decimal]  # total revenue of every purchaser, sorted
    referrals: Counter[str]  # customer_id -> referred customers of the population
    rfm_map: dict[tuple[int, ...], str]
    regions: dict[str, str]
    subregions: dict[tuple[str, str], str]
    holiday_windows: list[HolidayWindow]


def _overlays(
    figures: _Figures, purchases: list[_Order], customer: _Customer, population: _Population,
    settings: Settings,
) -> dict[str, object]:  # fmt: skip
    """Every RFM and overlay column of one customer."""
    customer_id = figures.customer_id
    r, f, m = (population.scores[name].get(customer_id) for name in ("r", "f", "m"))

    top_share = None
    if figures.purchase_days > 0:
        revenues = population.revenues
        higher = len(revenues) - bisect_right(revenues, figures.total_revenue)
        top_share = higher / len(revenues)
    tier = _value_tier(top_share, settings)

    known_discounts = [order.discount for order in purchases if order.discount is not None]
    discounted = sum(1 for d in known_discounts if d > settings.bargain_min_discount_amount)
    bargain_share = Decimal(str(settings.bargain_min_discounted_share))

    days = sorted({order.ordered_on for order in purchases})
    months = settings.seasonal_months
    season_days = [day for day in days if day.month in months]
    season_years = {day.year - (day.month < months[0]) for day in season_days}
    season_share = Decimal(str(settings.seasonal_min_share))

    channel, known_channels = _preferred_channel(purchases)

    last_gap = (days[-1] - days[-2]).days if len(days) >= 2 else None
    prior_expected = None
    if len(days) - 1 >= settings.min_purchase_days_for_own_cycle:
        prior_expected = (days[-2] - days[0]).days / (len(days) - 2)
    elif len(days) >= 2:
        prior_expected = population.baseline
    own = figures.own_interval_days
    infrequent = (
        figures.purchase_days >= settings.min_purchase_days_for_own_cycle
        and own is not None
        and population.baseline is not None
        and own > float(settings.infrequent_multiplier) * population.baseline
    )

    referred = population.referrals[customer_id]
    age = _age(customer.birth_date, population.as_of)
    region = "unknown"
    if customer.country_code is not None:
        region = population.regions.get(customer.country_code, "unknown")
    return {
        "r_score": r,
        "f_score": f,
        "m_score": m,
        "rfm_code": None if r is None else f"{r}{f}{m}",
        "rfm_segment": None if r is None else population.rfm_map.get((r, f, m)),
        "revenue_top_share": top_share,
        "value_tier": tier,
        "is_vip": tier == "vip",
        "discount_known_order_count": len(known_discounts),
        "discounted_order_count": discounted,
        "discounted_order_share": discounted / len(known_discounts) if known_discounts else None,
        "is_bargain_hunter": len(known_discounts) >= settings.bargain_min_purchases
        and discounted >= bargain_share * len(known_discounts),
        "season_purchase_days": len(season_days),
        "season_purchase_day_share": len(season_days) / len(days) if days else None,
        "season_years": len(season_years),
        "is_seasonal": len(season_days) >= season_share * len(days)
        and len(season_years) >= settings.seasonal_min_years,
        "preferred_channel": channel,
        "known_channel_count": known_channels,
        "is_omnichannel": known_channels >= settings.omnichannel_min_channels,
        "last_gap_days": last_gap,
        "prior_expected_interval_days": prior_expected,
        "is_re_engaged": last_gap is not None
        and prior_expected is not None
        and last_gap > float(settings.lapsed_multiplier) * prior_expected,
        "is_infrequent": infrequent,
        **_timing(days, customer, population.holiday_windows, settings),
        "is_b2b": customer.company_name is not None,
        "referred_customers": referred,
        "is_referrer": referred >= settings.referrer_min_referrals,
        "age_years": age,
        "age_band": _age_band(age, settings),
        "country_code": customer.country_code,
        "region": region,
        "subregion": population.subregions.get(
            (customer.country_code or "", place_key(customer.city) or "")
        ),
    }


def _add_prospect_types(
    rows: list[dict[str, object]], customers: dict[str, _Customer], as_of: date, settings: Settings
) -> None:
    """The profile cell, its conversion and the prospect type of every row (in place)."""
    cells: dict[str, list[bool]] = defaultdict(list)  # cell -> converted, of those with time
    everyone: list[bool] = []
    for row in rows:
        customer = customers[str(row["customer_id"])]
        business = "business" if row["is_b2b"] else "consumer"
        row["profile_cell"] = f"{row['region']}|{row['age_band']}|{customer.gender}|{business}"
        signed_up = customer.signed_up_on
        if signed_up is not None and (as_of - signed_up).days >= settings.suspect_min_tenure_days:
            converted = int(str(row["purchase_days"])) > 0
            cells[row["profile_cell"]].append(converted)
            everyone.append(converted)
    population_rate = sum(everyone) / len(everyone) if everyone else None
    for row in rows:
        cell = cells.get(str(row["profile_cell"]), [])
        rate = sum(cell) / len(cell) if cell else None
        row["profile_cell_customers"] = len(cell)
        row["profile_cell_conversion_rate"] = rate
        row["population_conversion_rate"] = population_rate
        if int(str(row["purchase_days"])) > 0:
            row["prospect_type"] = None
        elif (
            len(cell) >= settings.suspect_min_cell_customers
            and rate is not None
            and population_rate is not None
            and rate >= float(settings.suspect_min_lift) * population_rate
        ):
            row["prospect_type"] = "suspect"
        else:
            row["prospect_type"] = "prospect"


RECEIVED_STATUSES = PURCHASE_STATUSES | {"returned", "refunded"}


def _unhappiness(orders: list[_Order], as_of: date, settings: Settings) -> dict[str, object]:
    """The unhappy columns of one customer from their kept orders (any status, any date)."""
    start = as_of - timedelta(days=settings.unhappy_window_days)
    received = [
        o for o in orders if o.status in RECEIVED_STATUSES and start < o.ordered_on <= as_of
    ]
    returned = sum(1 for o in received if o.status in {"returned", "refunded"})
    share = Decimal(str(settings.unhappy_min_returned_share))
    return {
        "recent_received_orders": len(received),
        "recent_returned_orders": returned,
        "recent_returned_order_share": returned / len(received) if received else None,
        "is_unhappy": len(received) >= settings.unhappy_min_orders
        and returned >= share * len(received),
    }


def _lead_event_dates(events: _OptionalTable, as_of: date, settings: Settings) -> dict[str, date]:
    """The latest lead event date of each customer in the lead window ending on the as-of date."""
    start = as_of - timedelta(days=settings.lead_window_days)
    latest: dict[str, date] = {}
    for event in events.records:
        if event.event_type in settings.lead_event_types and start < event.event_date <= as_of:
            latest[event.customer_id] = max(
                event.event_date, latest.get(event.customer_id, date.min)
            )
    return latest


def _is_detractor(answer: _Answer, settings: Settings) -> bool:
    if answer.kind == "complaint":
        return True
    limit = {
        "nps": settings.unhappy_max_nps_score,
        "csat": settings.unhappy_max_csat_score,
        "review": settings.unhappy_max_review_score,
    }[answer.kind]
    return answer.score is not None and answer.score <= Decimal(str(limit))


def _is_promoter(answer: _Answer, settings: Settings) -> bool:
    limit = {
        "nps": settings.advocate_min_nps_score,
        "review": settings.advocate_min_review_score,
    }.get(answer.kind)
    return limit is not None and answer.score is not None and answer.score >= Decimal(str(limit))


def _is_positive_review(answer: _Answer, settings: Settings) -> bool:
    return (
        answer.kind == "review"
        and answer.score is not None
        and answer.score >= Decimal(str(settings.positive_review_min_score))
    )


@dataclass
class _FeedbackFigures:
    recent_answers: int = 0
    recent_detractors: int = 0
    promoter: bool = False
    positive_review: bool = False


def _feedback_figures(
    feedback: _OptionalTable, as_of: date, settings: Settings
) -> dict[str, _FeedbackFigures]:
    """Each customer's recent answers, detractor answers, promoter answer and positive review."""
    unhappy_start = as_of - timedelta(days=settings.unhappy_window_days)
    advocate_start = as_of - timedelta(days=settings.advocate_window_days)
    figures: dict[str, _FeedbackFigures] = defaultdict(_FeedbackFigures)
    for answer in feedback.records:
        if answer.answered_on > as_of:
            continue
        mine = figures[answer.customer_id]
        if answer.answered_on > unhappy_start:
            mine.recent_answers += 1
            mine.recent_detractors += _is_detractor(answer, settings)
        if answer.answered_on > advocate_start:
            mine.promoter = mine.promoter or _is_promoter(answer, settings)
            mine.positive_review = mine.positive_review or _is_positive_review(answer, settings)
    return figures


def _product_figures(
    purchases: dict[str, list[_Order]],
    items: _OptionalTable,
    products: _OptionalTable,
    as_of: date,
    settings: Settings,
) -> dict[str, dict[str, object]]:
    """is_novice, top_category and top_category_share of each customer from their purchases."""
    lines: dict[str, list[_Item]] = defaultdict(list)
    for item in items.records:
        lines[item.order_id].append(item)
    by_id = {product.product_id: product for product in products.records}
    novice_start = as_of - timedelta(days=settings.novice_window_days)
    figures: dict[str, dict[str, object]] = {}
    for customer_id, orders in purchases.items():
        novice = False
        spend: dict[str, Decimal] = defaultdict(Decimal)
        units: dict[str, int] = defaultdict(int)
        for order in orders:
            for item in lines.get(order.order_id, []):
                product = by_id.get(item.product_id)
                if product is None:
                    continue
                if product.needs_onboarding and order.ordered_on > novice_start:
                    novice = True
                if product.category is not None:
                    spend[product.category] += item.amount
                    units[product.category] += item.quantity
        top = share = None
        if spend:
            # the highest spend, then the most units, then the first name
            top = min(spend, key=lambda category: (-spend[category], -units[category], category))
            total_spend = sum(spend.values(), Decimal(0))
            if total_spend > 0:
                share = float(spend[top]) / float(total_spend)
            else:
                share = units[top] / sum(units.values())
        figures[customer_id] = {
            "is_novice": novice,
            "top_category": top,
            "top_category_share": share,
        }
    return figures


def _add_optional_types(
    rows: list[dict[str, object]],
    judged: _Optional,
    purchases: dict[str, list[_Order]],
    as_of: date,
    settings: Settings,
) -> None:
    """Leads, feedback-based unhappiness, advocates, novices and the top category (in place).

    A type whose raw table is absent is null (no lead without raw_events; unhappiness is then
    judged on the returns alone).
    """
    leads = {} if judged.events is None else _lead_event_dates(judged.events, as_of, settings)
    feedback = (
        None if judged.feedback is None else _feedback_figures(judged.feedback, as_of, settings)
    )
    bought = None
    if judged.items is not None and judged.products is not None:
        bought = _product_figures(purchases, judged.items, judged.products, as_of, settings)
    for row in rows:
        customer_id = str(row["customer_id"])
        buyer = int(str(row["purchase_days"])) > 0
        lead_date = None if buyer else leads.get(customer_id)
        row["last_lead_event_date"] = lead_date
        if lead_date is not None:
            row["prospect_type"] = "lead"

        mine = feedback.get(customer_id, _FeedbackFigures()) if feedback is not None else None
        answered = mine is not None and mine.recent_answers > 0
        row["recent_feedback_answers"] = None if mine is None else mine.recent_answers
        row["recent_detractor_answers"] = None if mine is None else mine.recent_detractors
        row["unhappy_basis"] = "feedback" if answered else "returns"
        if mine is not None and answered:
            row["is_unhappy"] = mine.recent_detractors > 0
        row["has_recent_promoter_answer"] = None if mine is None else mine.promoter
        row["has_recent_positive_review"] = None if mine is None else mine.positive_review
        row["is_advocate"] = (
            None
            if mine is None
            else not row["is_unhappy"]
            and mine.promoter
            and (int(str(row["referred_customers"])) >= 1 or mine.positive_review)
        )

        products = None if bought is None else bought.get(customer_id, {"is_novice": False})
        row["is_novice"] = None if products is None else products["is_novice"]
        row["top_category"] = None if products is None else products.get("top_category")
        row["top_category_share"] = None if products is None else products.get("top_category_share")


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    """Rows as a frame of Python objects (None for missing), counts as int64."""
    frame = pd.DataFrame(rows, columns=OUTPUT_COLUMNS, dtype=object)
    return frame.astype({"order_count": "int64", "purchase_days": "int64"})


def reference_segments(
    raw_customers: pd.DataFrame,
    raw_orders: pd.DataFrame,
    settings: Settings | None = None,
    rfm_segment_map: dict[tuple[int, ...], str] | None = None,
    country_regions: dict[str, str] | None = None,
    holiday_windows: list[HolidayWindow] | None = None,
    subregions: dict[tuple[str, str], str] | None = None,
    optional: dict[str, pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """One row per customer of the as-of population, sorted by customer_id.

    `optional` maps the name of each present optional raw table ("raw_events", "raw_feedback",
    "raw_order_items", "raw_products") to its text frame; a table not in it is absent, and the
    customer types built on it are null (docs/customer-types.md).

    Dates are `datetime.date`, day counts `int`, intervals and shares `float`, total_revenue a
    `Decimal` rounded to cents; missing values are None. Without a purchase or a sign-up date
    the as-of date is the run's date (settings.started). The RFM segment map
    and the country regions default to the project's seeds.
    """
    settings = settings if settings is not None else Settings()
    minimum = Decimal(str(settings.min_purchase_amount))
    cleaned, judged = _judge_all(raw_customers, raw_orders, settings, optional)
    as_of = _as_of_date(cleaned, settings, minimum)
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

    buyers = [f for f in all_figures if f.purchase_days > 0]
    population_facts = _Population(
        as_of=as_of,
        baseline=baseline,
        scores={
            "r": _scores({f.customer_id: f.days_since_last_order for f in buyers}, "lower"),
            "f": _scores({f.customer_id: f.purchase_days for f in buyers}, "higher"),
            "m": _scores({f.customer_id: f.total_revenue for f in buyers}, "higher"),
        },
        revenues=sorted(f.total_revenue for f in buyers),
        referrals=Counter(
            cleaned.customers[customer_id].referred_by
            for customer_id in population
            if cleaned.customers[customer_id].referred_by not in (None, customer_id)
        ),
        rfm_map=rfm_segment_map if rfm_segment_map is not None else read_rfm_segment_map(),
        regions=country_regions if country_regions is not None else read_country_regions(),
        subregions=subregions if subregions is not None else read_subregions(),
        holiday_windows=holiday_windows if holiday_windows is not None else read_holiday_windows(),
    )

    orders_by_customer: dict[str, list[_Order]] = defaultdict(list)
    for order in cleaned.orders:
        orders_by_customer[order.customer_id].append(order)
    rows: list[dict[str, object]] = []
    for figures in all_figures:
        expected = _expected_interval(figures, baseline, settings)
        customer = cleaned.customers[figures.customer_id]
        overlays = _overlays(
            figures, purchases.get(figures.customer_id, []), customer, population_facts, settings
        )
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
                **overlays,
                **_unhappiness(orders_by_customer[figures.customer_id], as_of, settings),
            }
        )
    _add_prospect_types(rows, cleaned.customers, as_of, settings)
    _add_optional_types(rows, judged, purchases, as_of, settings)
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
