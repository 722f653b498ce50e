"""The reference's rules for the optional raw tables, each at its boundary, on hand-made rows.

The cases are those of the dbt unit tests (models/staging/raw/_raw__optional_unit_tests.yml and
models/intermediate/customers/_customers__optional_unit_tests.yml), written as raw rows: the
reference is run end to end, so a case checks the staging of a table and the type built on it.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest

from tools.reference_segments import (
    OUTPUT_COLUMNS,
    Settings,
    reference_accounting,
    reference_reject_reasons,
    reference_segments,
)

AS_OF = date(2026, 6, 30)
# the cutoff of future rows is 2026-07-02 00:00:00 (24 hours after the run started)
SETTINGS = Settings(as_of_date=AS_OF, run_started_at=datetime(2026, 7, 1))
CUSTOMER_COLUMNS = ["customer_id", "signed_up_at", "updated_at", "referred_by_customer_id"]
ORDER_COLUMNS = ["order_id", "customer_id", "ordered_at", "status", "amount", "updated_at"]
COLUMNS = {
    "raw_events": ["customer_id", "event_at", "event_type", "properties"],
    "raw_feedback": ["customer_id", "answered_at", "kind", "score", "comment"],
    "raw_order_items": ["order_id", "product_id", "quantity", "amount"],
    "raw_products": ["product_id", "name", "category", "needs_onboarding"],
}


def _customers(*ids: str, referrals: dict[str, str] | None = None) -> pd.DataFrame:
    """Kept customers signed up on 2026-01-01 (`referrals`: customer -> who referred them) and
    C9, a rejected customer (unparseable sign-up)."""
    referrals = referrals or {}
    rows = [(i, "2026-01-01", "2026-01-01", referrals.get(i, "")) for i in ids]
    rows.append(("C9", "yesterday", "2026-01-01", ""))
    return pd.DataFrame(rows, columns=CUSTOMER_COLUMNS)


def _orders(*rows: tuple[str, str, str, str, str]) -> pd.DataFrame:
    """(order_id, customer_id, ordered_at, status, amount) rows, updated when ordered."""
    return pd.DataFrame(
        [(*row, row[2]) for row in rows] if rows else [], columns=ORDER_COLUMNS, dtype=str
    )


def _table(name: str, rows: list[tuple[str, ...]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=COLUMNS[name], dtype=str)


def _segments(
    customers: pd.DataFrame,
    orders: pd.DataFrame,
    settings: Settings = SETTINGS,
    **tables: list[tuple[str, ...]],
) -> pd.DataFrame:
    optional = {f"raw_{name}": _table(f"raw_{name}", rows) for name, rows in tables.items()}
    result = reference_segments(customers, orders, settings, optional=optional)
    return result.set_index("customer_id")


def _column(segments: pd.DataFrame, column: str) -> dict[str, Any]:
    return {str(k): (None if pd.isna(v) else v) for k, v in segments[column].items()}


# --------------------------------------------------------------------------------------------
# Staging: reject reasons in their order, repeated rows, unknown customers, orders and products
# --------------------------------------------------------------------------------------------


def test_events_are_judged() -> None:
    """The checks in order; the type is a vocabulary key; the same customer, type and instant
    again is superseded; a kept customer is needed; the future starts after the cutoff."""
    events = [
        (" C1 ", "2026-06-01 10:00:00", "Quote Request", '{"page": "/pricing"}'),
        ("C1", "2026-06-01T10:00:00Z", "quote-request", ""),  # the same event: superseded
        ("", "2026-06-01 10:00:00", "page_view", ""),
        ("", "yesterday", "", ""),  # missing id first
        ("C1", "", "page_view", ""),
        ("C1", "yesterday", "page_view", ""),
        ("C1", "yesterday", "", ""),  # unparseable time before missing type
        ("C1", "2999-01-01 00:00:00", "page_view", ""),
        ("C1", "2026-07-02 00:00:01", "page_view", ""),  # one second after the cutoff
        ("C1", "2026-07-02 00:00:00", "page_view", ""),  # at the cutoff: kept
        ("C1", "2026-06-02 10:00:00", "  ", ""),
        ("C9", "2026-06-02 10:00:00", "page_view", ""),  # customer rejected
        ("C7", "2026-06-02 10:00:00", "page_view", ""),  # customer not in the export
    ]
    optional = {"raw_events": _table("raw_events", events)}
    reasons = reference_reject_reasons(_customers("C1"), _orders(), SETTINGS, optional)
    assert reasons == {
        "raw_events": Counter(
            missing_customer_id=2,
            missing_event_at=1,
            unparseable_event_at=2,
            event_in_future=2,
            missing_event_type=1,
            unknown_customer=2,
        )
    }
    accounting = reference_accounting(_customers("C1"), _orders(), SETTINGS, optional)
    assert accounting["raw_events"] == {"kept": 2, "rejected": 10, "superseded": 1}


def test_feedback_is_judged() -> None:
    """Scores on their kind's scale, both ends included; a complaint needs no score; the same
    customer, kind and instant again is superseded, the first by raw text kept (score '0' before
    '10'); a kept customer is needed."""
    feedback = [
        ("C1", "2026-06-01 10:00:00", " NPS ", "0", "meh"),
        ("C1", "2026-06-01 10:00:00", "nps", "10", ""),  # superseded by the score '0'
        ("C1", "2026-06-02 10:00:00", "nps", "11", ""),
        ("C1", "2026-06-03 10:00:00", "nps", "-1", ""),
        ("C1", "2026-06-04 10:00:00", "csat", "1", ""),
        ("C1", "2026-06-05 10:00:00", "csat", "0", ""),
        ("C1", "2026-06-06 10:00:00", "review", "5", ""),
        ("C1", "2026-06-07 10:00:00", "review", "6", ""),
        ("C1", "2026-06-08 10:00:00", "complaint", "angry", "late"),
        ("C1", "2026-06-09 10:00:00", "review", "", ""),
        ("C1", "2026-06-10 10:00:00", "review", "great", ""),
        ("C1", "2026-06-11 10:00:00", "survey", "3", ""),
        ("C1", "2026-06-12 10:00:00", "", "3", ""),
        ("C1", "N/A", "nps", "3", ""),
        ("C1", "", "nps", "3", ""),
        ("C1", "2999-01-01 00:00:00", "nps", "3", ""),
        ("", "2026-06-13 10:00:00", "nps", "3", ""),
        ("C9", "2026-06-13 10:00:00", "nps", "3", ""),
        ("C1", "2026-06-14 10:00:00", "survey", "", ""),  # unknown kind before missing score
        ("C1", "2026-06-15 10:00:00", "csat", "5", ""),  # the top of the scale
        ("C1", "2026-06-16 10:00:00", "nps", "10.5", ""),
    ]
    optional = {"raw_feedback": _table("raw_feedback", feedback)}
    reasons = reference_reject_reasons(_customers("C1"), _orders(), SETTINGS, optional)
    assert reasons == {
        "raw_feedback": Counter(
            score_out_of_range=5,
            missing_score=1,
            unparseable_score=1,
            unknown_kind=2,
            missing_kind=1,
            unparseable_answered_at=1,
            missing_answered_at=1,
            answered_in_future=1,
            missing_customer_id=1,
            unknown_customer=1,
        )
    }
    accounting = reference_accounting(_customers("C1"), _orders(), SETTINGS, optional)
    assert accounting["raw_feedback"] == {"kept": 5, "rejected": 15, "superseded": 1}
    # kept: NPS 0, CSAT 1 and the complaint are detractor answers; CSAT 5 and the review 5 not
    c1 = _segments(_customers("C1"), _orders(), feedback=feedback).loc["C1"]
    assert (c1["recent_feedback_answers"], c1["recent_detractor_answers"]) == (5, 3)


def test_order_items_are_judged() -> None:
    """The checks in order; '2.0' is a whole quantity, '1.5' and '2.00001' are not; the same
    order and product again is superseded (the first by raw text: quantity '1' before '2.0'); a
    line needs a kept order of a kept customer and, raw_products being present, a kept
    product."""
    items = [
        (" O1 ", "P1", "2.0", "10.00"),  # superseded by the next line
        ("O1", "P1", "1", "5.00"),
        ("O1", "P2", "1.5", "5.00"),
        ("O1", "P3", "0", "5.00"),
        ("O1", "P4", "", "5.00"),
        ("O1", "P5", "1", ""),
        ("O1", "P6", "1", "12,50"),
        ("O1", "P7", "1", "-1"),
        ("O1", "", "1", "1"),
        ("", "P1", "1", "1"),
        ("", "", "x", "x"),  # missing order id first
        ("O1", "P2", "-1.5", "-1"),  # unparseable before non-positive
        ("O2", "P1", "1", "1"),  # the order's customer is rejected
        ("O3", "P1", "1", "1"),  # the order is rejected
        ("O4", "P1", "1", "1"),  # no such order
        ("O1", "P_unknown", "1", "1"),
        ("O1", "P8", "1", "7.00"),
        ("O1", "P9", "2.00001", "1.00"),  # not whole, however close
    ]
    products = [(f"P{n}", f"product {n}", "a", "") for n in range(1, 8)] + [
        ("P8", "product 8", "b", ""),
        ("P9", "product 9", "b", ""),
    ]
    customers = _customers("C1")
    orders = _orders(
        ("O1", "C1", "2026-06-01", "completed", "12.00"),
        ("O2", "C9", "2026-06-01", "completed", "1.00"),
        ("O3", "C1", "2026-06-01", "lost", "1.00"),
    )
    optional = {
        "raw_order_items": _table("raw_order_items", items),
        "raw_products": _table("raw_products", products),
    }
    reasons = reference_reject_reasons(customers, orders, SETTINGS, optional)
    assert reasons["raw_order_items"] == Counter(
        unparseable_quantity=3,
        non_positive_quantity=1,
        missing_quantity=1,
        missing_amount=1,
        unparseable_amount=1,
        negative_amount=1,
        missing_product_id=1,
        missing_order_id=2,
        unknown_order=3,
        unknown_product=1,
    )
    assert reference_accounting(customers, orders, SETTINGS, optional)["raw_order_items"] == {
        "kept": 2,
        "rejected": 15,
        "superseded": 1,
    }
    # kept: P1 at 5.00 (category a) and P8 at 7.00 (b); with the 10.00 line, a would lead
    c1 = _segments(customers, orders, order_items=items, products=products).loc["C1"]
    assert c1["top_category"] == "b"
    assert c1["top_category_share"] == pytest.approx(7 / 12, rel=1e-12)


def test_unknown_product_needs_raw_products() -> None:
    """Without raw_products a line of any product is kept (and the product types are null)."""
    items = [("O1", "P_unknown", "1", "1")]
    customers = _customers("C1")
    orders = _orders(("O1", "C1", "2026-06-01", "completed", "1.00"))
    optional = {"raw_order_items": _table("raw_order_items", items)}
    assert reference_reject_reasons(customers, orders, SETTINGS, optional) == {
        "raw_order_items": Counter()
    }
    c1 = _segments(customers, orders, order_items=items).loc["C1"]
    assert (c1["is_novice"], c1["top_category"], c1["top_category_share"]) == (None, None, None)


def test_products_are_judged() -> None:
    """needs_onboarding read as a flag in any case and with spaces (missing is false, 'maybe' is
    rejected); a missing id is rejected; a missing category is kept as null; the same id again
    is superseded (the first by raw text: category ' tools ' before 'tools', and any category
    before a missing one)."""
    products = [
        (" P1 ", " Cleansing device ", " tools ", " YES "),
        ("P1", "Cleansing device", "tools", "n"),  # superseded
        ("P2", "Serum", "skincare", "No"),
        ("P3", "Gift", "", ""),
        ("P4", "Kit", "gift_sets", "1"),
        ("P5", "Mystery", "gift_sets", "maybe"),
        ("  ", "Nameless", "makeup", "0"),
        ("P6", "Kit", "", "true"),  # superseded: its category is missing
        ("P6", "Kit", "zeta", "false"),
    ]
    customers = _customers("C1", "C2", "C3", "C4")
    orders = _orders(
        ("O1", "C1", "2026-06-01", "completed", "10.00"),
        ("O2", "C2", "2026-06-01", "completed", "10.00"),
        ("O3", "C3", "2026-06-01", "completed", "10.00"),
        ("O4", "C4", "2026-06-01", "completed", "10.00"),
    )
    items = [
        ("O4", "P6", "1", "10.00"),
        ("O1", "P1", "1", "10.00"),
        ("O2", "P2", "1", "4.00"),
        ("O2", "P3", "1", "6.00"),
        ("O3", "P3", "1", "10.00"),
    ]
    optional = {
        "raw_products": _table("raw_products", products),
        "raw_order_items": _table("raw_order_items", items),
    }
    reasons = reference_reject_reasons(customers, orders, SETTINGS, optional)
    assert reasons["raw_products"] == Counter(unparseable_needs_onboarding=1, missing_product_id=1)
    assert reference_accounting(customers, orders, SETTINGS, optional)["raw_products"] == {
        "kept": 5,
        "rejected": 2,
        "superseded": 2,
    }
    segments = _segments(customers, orders, order_items=items, products=products)
    assert _column(segments, "is_novice") == {"C1": True, "C2": False, "C3": False, "C4": False}
    # the category trimmed; a line without a category counts in no share
    assert _column(segments, "top_category") == {
        "C1": "tools",
        "C2": "skincare",
        "C3": None,
        "C4": "zeta",
    }
    assert _column(segments, "top_category_share") == {
        "C1": 1.0,
        "C2": 1.0,
        "C3": None,
        "C4": 1.0,
    }


def test_accounting_has_the_present_tables_only() -> None:
    """An absent table has no counts; an empty one is present, with zeros."""
    optional = {"raw_events": _table("raw_events", [])}
    accounting = reference_accounting(_customers("C1"), _orders(), SETTINGS, optional)
    assert set(accounting) == {"raw_customers", "raw_orders", "raw_events"}
    assert accounting["raw_events"] == {"kept": 0, "rejected": 0, "superseded": 0}
    with pytest.raises(ValueError, match="raw_event"):
        reference_accounting(_customers("C1"), _orders(), SETTINGS, {"raw_event": _orders()})


# --------------------------------------------------------------------------------------------
# Customer types
# --------------------------------------------------------------------------------------------

LEAD_CUSTOMERS = ("lead_89", "lead_90", "page_view", "after_as_of", "buyer_lead", "spelled")
LEAD_EVENTS = [
    ("lead_89", "2026-04-02 08:00:00", "quote_request", ""),
    ("lead_90", "2026-04-01 23:59:59", "newsletter_signup", ""),
    ("page_view", "2026-06-29 10:00:00", "page_view", ""),
    ("after_as_of", "2026-07-01 10:00:00", "quote_request", ""),
    ("buyer_lead", "2026-06-29 10:00:00", "quote_request", ""),
    ("spelled", "2026-05-01 10:00:00", " Checkout-Started ", ""),
    ("spelled", "2026-06-01 10:00:00", "lead magnet signup", ""),
]


def test_lead_window_and_types() -> None:
    """A lead event 89 days before the as-of date makes a lead, 90 days before does not, nor a
    page view, nor an event after the as-of date; a buyer has no prospect type; the type is
    matched as a vocabulary key and last_lead_event_date is the latest lead event. A lead is a
    lead whatever their cell: here every other prospect is a suspect."""
    customers = _customers(*LEAD_CUSTOMERS)
    orders = _orders(("O1", "buyer_lead", "2026-06-01", "completed", "10.00"))
    settings = Settings(
        as_of_date=AS_OF,
        run_started_at=datetime(2026, 7, 1),
        suspect_min_tenure_days=90,
        suspect_min_cell_customers=1,
        suspect_min_lift=0,
    )
    segments = _segments(customers, orders, settings, events=LEAD_EVENTS)
    assert _column(segments, "prospect_type") == {
        "lead_89": "lead",
        "lead_90": "suspect",
        "page_view": "suspect",
        "after_as_of": "suspect",
        "buyer_lead": None,
        "spelled": "lead",
    }
    assert _column(segments, "last_lead_event_date") == {
        "lead_89": date(2026, 4, 2),
        "lead_90": None,
        "page_view": None,
        "after_as_of": None,
        "buyer_lead": None,
        "spelled": date(2026, 6, 1),
    }


def test_lead_settings() -> None:
    """lead_event_types and lead_window_days are settings: with only page views counting and a
    window of 2 days, a page view the day before is a lead event and a quote request is not."""
    customers = _customers(*LEAD_CUSTOMERS)
    settings = Settings(
        as_of_date=AS_OF,
        run_started_at=datetime(2026, 7, 1),
        lead_event_types=("page_view",),
        lead_window_days=2,
    )
    segments = _segments(customers, _orders(), settings, events=LEAD_EVENTS)
    assert _column(segments, "prospect_type") == {
        "lead_89": "prospect",
        "lead_90": "prospect",
        "page_view": "lead",
        "after_as_of": "prospect",
        "buyer_lead": "prospect",
        "spelled": "prospect",
    }


FEEDBACK_CASES = {
    # customer: (answered_at, kind, score)
    "nps_6": ("2026-06-30 23:00:00", "nps", "6"),
    "nps_7": ("2026-06-30 10:00:00", "nps", "7"),
    "nps_8": ("2026-06-30 10:00:00", "nps", "8"),
    "nps_9": ("2026-06-30 10:00:00", "nps", "9"),
    "csat_2": ("2026-06-30 10:00:00", "csat", "2"),
    "csat_3": ("2026-06-30 10:00:00", "csat", "3"),
    "review_2": ("2026-06-30 10:00:00", "review", "2"),
    "review_3": ("2026-06-30 10:00:00", "review", "3"),
    "review_4": ("2026-06-30 10:00:00", "review", "4"),
    "review_5": ("2026-06-30 10:00:00", "review", "5"),
    "complaint": ("2026-06-30 10:00:00", "complaint", ""),
    "window_in": ("2025-07-01 00:00:00", "nps", "10"),  # 364 days before the as-of date
    "window_out": ("2025-06-30 23:59:59", "nps", "10"),  # 365 days before
    "after_as_of": ("2026-07-01 00:00:00", "nps", "0"),
    "silent": None,
}


def _feedback_segments(settings: Settings) -> pd.DataFrame:
    feedback = [(c, *answer, "") for c, answer in FEEDBACK_CASES.items() if answer is not None]
    return _segments(_customers(*FEEDBACK_CASES), _orders(), settings, feedback=feedback)


def test_feedback_scores_at_their_thresholds() -> None:
    """NPS 6 is a detractor answer and 7 is not; 9 is a promoter answer and 8 is not; CSAT 2 is
    a detractor and 3 is not; a review of 2 is a detractor, 3 nothing, 4 a positive review, 5 a
    promoter answer and a positive review; a complaint without a score is a detractor. The
    windows end on the as-of date: 364 days before is in, 365 out; later answers are not read."""
    segments = _feedback_segments(SETTINGS)
    figures = {
        customer: tuple(
            segments.loc[customer, column]
            for column in (
                "recent_feedback_answers",
                "recent_detractor_answers",
                "has_recent_promoter_answer",
                "has_recent_positive_review",
            )
        )
        for customer in FEEDBACK_CASES
    }
    assert figures == {
        "nps_6": (1, 1, False, False),
        "nps_7": (1, 0, False, False),
        "nps_8": (1, 0, False, False),
        "nps_9": (1, 0, True, False),
        "csat_2": (1, 1, False, False),
        "csat_3": (1, 0, False, False),
        "review_2": (1, 1, False, False),
        "review_3": (1, 0, False, False),
        "review_4": (1, 0, False, True),
        "review_5": (1, 0, True, True),
        "complaint": (1, 1, False, False),
        "window_in": (1, 0, True, False),
        "window_out": (0, 0, False, False),
        "after_as_of": (0, 0, False, False),
        "silent": (0, 0, False, False),
    }
    assert _column(segments, "is_unhappy") == {
        customer: customer in {"nps_6", "csat_2", "review_2", "complaint"}
        for customer in FEEDBACK_CASES
    }
    basis = _column(segments, "unhappy_basis")
    assert {c for c, b in basis.items() if b == "returns"} == {
        "window_out",
        "after_as_of",
        "silent",
    }
    # a five-star review alone makes an advocate; an NPS 9 needs a referral or a positive review
    assert {c for c, a in _column(segments, "is_advocate").items() if a} == {"review_5"}


def test_feedback_thresholds_follow_settings() -> None:
    """With unhappy_max_nps_score 7, advocate_min_nps_score 10, positive_review_min_score 5,
    unhappy_window_days 30 and advocate_window_days 10: NPS 7 is a detractor, 9 no promoter, a
    review of 4 not positive, and an answer 10 days before the as-of date counts for
    unhappiness but not for advocacy (9 days before: for both)."""
    customers = ("nps_7", "nps_9", "review_4", "csat_3", "review_3", "ten_days", "nine_days")
    feedback = [
        ("nps_7", "2026-06-30", "nps", "7", ""),
        ("nps_9", "2026-06-30", "nps", "9", ""),
        ("review_4", "2026-06-30", "review", "4", ""),
        ("csat_3", "2026-06-30", "csat", "3", ""),
        ("review_3", "2026-06-30", "review", "3", ""),
        ("ten_days", "2026-06-20", "nps", "10", ""),
        ("nine_days", "2026-06-21", "nps", "10", ""),
    ]
    settings = Settings(
        as_of_date=AS_OF,
        run_started_at=datetime(2026, 7, 1),
        unhappy_max_nps_score=Decimal(7),
        unhappy_max_csat_score=Decimal(3),
        unhappy_max_review_score=Decimal(3),
        advocate_min_nps_score=Decimal(10),
        advocate_min_review_score=Decimal(4),
        positive_review_min_score=Decimal(5),
        unhappy_window_days=30,
        advocate_window_days=10,
    )
    segments = _segments(_customers(*customers), _orders(), settings, feedback=feedback)
    assert _column(segments, "recent_detractor_answers") == {
        "nps_7": 1,
        "nps_9": 0,
        "review_4": 0,
        "csat_3": 1,
        "review_3": 1,
        "ten_days": 0,
        "nine_days": 0,
    }
    assert _column(segments, "recent_feedback_answers") == dict.fromkeys(customers, 1)
    assert {c for c, p in _column(segments, "has_recent_promoter_answer").items() if p} == {
        "review_4",
        "nine_days",
    }
    assert not any(_column(segments, "has_recent_positive_review").values())


def test_unhappy_basis_and_advocates() -> None:
    """A customer with recent feedback is judged on it (no detractor answer: not unhappy, even
    with every order returned); without feedback on the returns. An advocate is a promoter who
    referred someone or reviewed well and is not unhappy."""
    returned = [
        ("2026-06-01", "returned"),
        ("2026-05-01", "returned"),
        ("2026-04-01", "completed"),
    ]
    orders = _orders(
        *(
            (f"{customer}-{n}", customer, day, status, "10.00")
            for customer in ("returns_happy_answer", "returns_no_answer", "returns_old_answer")
            for n, (day, status) in enumerate(returned)
        )
    )
    customers = _customers(
        "returns_happy_answer",
        "returns_no_answer",
        "returns_old_answer",
        "promoter_referrer",
        "promoter_reviewer",
        "promoter_only",
        "promoter_unhappy",
        "referred_1",
        "referred_2",
        referrals={"referred_1": "promoter_referrer", "referred_2": "promoter_unhappy"},
    )
    feedback = [
        ("returns_happy_answer", "2026-06-02", "nps", "8", ""),
        ("returns_old_answer", "2025-06-30", "nps", "8", ""),  # 365 days before: not recent
        ("promoter_referrer", "2026-06-02", "nps", "9", ""),
        ("promoter_reviewer", "2026-06-02", "nps", "10", ""),
        ("promoter_reviewer", "2026-06-03", "review", "4", ""),
        ("promoter_only", "2026-06-02", "nps", "9", ""),
        ("promoter_unhappy", "2026-06-02", "review", "5", ""),
        ("promoter_unhappy", "2026-06-03", "complaint", "", "broken"),
    ]
    segments = _segments(customers, orders, feedback=feedback)
    rows = segments.loc[
        [
            "returns_happy_answer",
            "returns_no_answer",
            "returns_old_answer",
            "promoter_referrer",
            "promoter_reviewer",
            "promoter_only",
            "promoter_unhappy",
            "referred_1",
        ],
        ["unhappy_basis", "is_unhappy", "is_advocate", "recent_feedback_answers"],
    ]
    assert {c: tuple(row) for c, row in rows.iterrows()} == {
        "returns_happy_answer": ("feedback", False, False, 1),
        "returns_no_answer": ("returns", True, False, 0),
        "returns_old_answer": ("returns", True, False, 0),
        "promoter_referrer": ("feedback", False, True, 1),
        "promoter_reviewer": ("feedback", False, True, 2),
        "promoter_only": ("feedback", False, False, 1),
        "promoter_unhappy": ("feedback", True, False, 2),
        "referred_1": ("returns", False, False, 0),
    }


def test_novice_window_and_top_category_ties() -> None:
    """An onboarding product bought 89 days before the as-of date makes a novice, 90 days before
    does not, nor one bought after the as-of date or in an order that is no purchase; a
    purchase's other lines do not matter. The top category is the highest spend (a category
    split over two orders adds up), then more units on equal spend, then the first name; its
    share is of the categorised spend, or of the units when that spend is 0. Lines of products
    without a category, or not in raw_products, do not count."""
    purchases = [
        ("o_89", "novice_89", "2026-04-02", "completed"),
        ("o_90", "novice_90", "2026-04-01", "completed"),
        ("o_late", "after_as_of", "2026-07-01", "completed"),
        ("o_cancelled", "cancelled", "2026-06-01", "cancelled"),
        ("o_s1", "spend", "2025-01-01", "completed"),
        ("o_s2", "spend", "2025-02-01", "delivered"),
        ("o_u", "units", "2025-01-01", "completed"),
        ("o_n", "names", "2025-01-01", "shipped"),
        ("o_z", "zero_spend", "2025-01-01", "completed"),
        ("o_x", "uncategorised", "2025-01-01", "completed"),
    ]
    orders = _orders(*((o, c, day, status, "100.00") for o, c, day, status in purchases))
    customers = _customers(*(c for _, c, _, _ in purchases))
    items = [
        ("o_89", "device", "1", "100"),
        ("o_89", "serum", "1", "10"),
        ("o_90", "device", "1", "100"),
        ("o_late", "device", "1", "100"),
        ("o_cancelled", "device", "1", "100"),
        ("o_s1", "serum", "1", "30"),
        ("o_s2", "serum_b", "1", "30"),
        ("o_s1", "lipstick", "5", "50"),
        ("o_u", "serum", "1", "20"),
        ("o_u", "lipstick", "2", "20"),
        ("o_n", "serum", "1", "20"),
        ("o_n", "lipstick", "1", "20"),
        ("o_z", "serum", "3", "0"),
        ("o_z", "lipstick", "1", "0.00"),
        ("o_x", "no_category", "1", "50"),
        ("o_x", "not_listed", "1", "50"),
    ]
    products = [
        ("device", "Device", "tools", "true"),
        ("serum", "Serum", "skincare", "false"),
        ("serum_b", "Serum B", "skincare", ""),
        ("lipstick", "Lipstick", "makeup", "no"),
        ("no_category", "Gift", "", "false"),
    ]
    segments = _segments(customers, orders, order_items=items, products=products)
    assert _column(segments, "is_novice") == {
        "novice_89": True,
        "novice_90": False,
        "after_as_of": False,
        "cancelled": False,
        "spend": False,
        "units": False,
        "names": False,
        "zero_spend": False,
        "uncategorised": False,
    }
    assert _column(segments, "top_category") == {
        "novice_89": "tools",
        "novice_90": "tools",
        "after_as_of": None,
        "cancelled": None,
        "spend": "skincare",
        "units": "makeup",
        "names": "makeup",
        "zero_spend": "skincare",
        "uncategorised": None,
    }
    shares = _column(segments, "top_category_share")
    expected = {
        "novice_89": 100 / 110,
        "novice_90": 1.0,
        "spend": 60 / 110,
        "units": 0.5,
        "names": 0.5,
        "zero_spend": 0.75,
    }
    assert {c: s for c, s in shares.items() if s is not None} == pytest.approx(expected, rel=1e-12)


def test_novice_window_follows_its_setting() -> None:
    """novice_window_days 30: a purchase 29 days before the as-of date counts, 30 days not."""
    orders = _orders(
        ("o_29", "novice_29", "2026-06-01", "completed", "10.00"),
        ("o_30", "novice_30", "2026-05-31", "completed", "10.00"),
    )
    items = [("o_29", "device", "1", "10"), ("o_30", "device", "1", "10")]
    products = [("device", "Device", "tools", "Y")]
    settings = Settings(
        as_of_date=AS_OF, run_started_at=datetime(2026, 7, 1), novice_window_days=30
    )
    segments = _segments(
        _customers("novice_29", "novice_30"), orders, settings, order_items=items, products=products
    )
    assert _column(segments, "is_novice") == {"novice_29": True, "novice_30": False}


def test_types_of_absent_tables_are_null() -> None:
    """Without the optional tables: no lead, and is_advocate, is_novice, the feedback counts and
    the promoter flags are null; unhappiness is judged on the returns. With raw_order_items but
    without raw_products the product types are null too. An empty table is present: zeros and
    false, not null."""
    customers = _customers("lead_89", "novice")
    orders = _orders(("O1", "novice", "2026-06-01", "completed", "10.00"))
    events = [("lead_89", "2026-06-01", "quote_request", "")]
    items = [("O1", "P1", "1", "10.00")]
    null_columns = [
        "last_lead_event_date",
        "recent_feedback_answers",
        "recent_detractor_answers",
        "has_recent_promoter_answer",
        "has_recent_positive_review",
        "is_advocate",
        "is_novice",
        "top_category",
        "top_category_share",
    ]
    for segments in (
        _segments(customers, orders),
        _segments(customers, orders, order_items=items),
    ):
        assert _column(segments, "prospect_type") == {"lead_89": "prospect", "novice": None}
        assert _column(segments, "unhappy_basis") == {"lead_89": "returns", "novice": "returns"}
        assert not any(_column(segments, "is_unhappy").values())
        for column in null_columns:
            assert set(_column(segments, column).values()) == {None}, column

    present = _segments(customers, orders, events=[], feedback=[], order_items=[], products=[])
    assert _column(present, "prospect_type") == {"lead_89": "prospect", "novice": None}
    for column in ("recent_feedback_answers", "recent_detractor_answers"):
        assert _column(present, column) == {"lead_89": 0, "novice": 0}
    for column in ("has_recent_promoter_answer", "is_advocate", "is_novice"):
        assert _column(present, column) == {"lead_89": False, "novice": False}
    assert set(_column(present, "top_category").values()) == {None}

    with_events = _segments(customers, orders, events=events)
    assert with_events.loc["lead_89", "prospect_type"] == "lead"


def test_output_has_the_new_columns() -> None:
    """The columns of the optional types, in the names of marts.customer_segments."""
    assert {
        "last_lead_event_date",
        "recent_feedback_answers",
        "recent_detractor_answers",
        "unhappy_basis",
        "has_recent_promoter_answer",
        "has_recent_positive_review",
        "is_advocate",
        "is_novice",
        "top_category",
        "top_category_share",
    } <= set(OUTPUT_COLUMNS)
