"""The four optional raw tables, generated from the raw customers and orders they go with.

Data contract (docs/raw-data.md, "Optional raw tables"): every column text, a missing value an
empty string.

* ``raw_products``: product_id, name, category, needs_onboarding. A fixed catalogue of 36
  products in six categories; the devices (category ``tools``) and two starter kits need
  onboarding. Dirt: needs_onboarding spelt every accepted way (``TRUE``, ``yes``, ``Y``, ``1``,
  ``No``, ``0``, empty), once ``maybe``; an id with stray spaces, one row without an id, one
  product without a category, one product exported twice.
* ``raw_order_items``: order_id, product_id, quantity, amount. The line-item export starts
  ``ITEM_HISTORY_DAYS`` before ``end_date``: every order since then (its latest export) has
  1 + Poisson(0.6) lines of distinct products, most from the customer's favourite category;
  amount = unit price times quantity. Dirt: whole quantities written ``2.0``; quantities ``1.5``,
  ``0`` or empty; amounts empty, ``12,50`` or negative; product ids empty or unknown; order ids
  empty, with stray spaces or unknown; lines exported twice.
* ``raw_events``: customer_id, event_at, event_type, properties. Page and product views of
  customers between sign-up and ``end_date``; a lead event (quote request, newsletter or lead
  magnet sign-up, checkout started) of 40% of the customers who never ordered, half of them in
  the last 60 days and half 100 to 400 days before ``end_date``; a newsletter sign-up of 15% of
  the others. Dirt: event types in other spellings (``Quote Request``, ``quote-request``,
  ``  NEWSLETTER_SIGNUP``), timestamps missing, unparseable or far in the future, customer ids
  missing, with stray spaces or unknown, types missing, events exported twice.
* ``raw_feedback``: customer_id, answered_at, kind, score, comment. NPS answers of 30% of the
  customers who ordered (0-10; 18% detractors), CSAT answers of 15% (1-5), reviews of 20% (mostly
  4 and 5, with a comment in Vietnamese or English, some with commas, quotes or a line break),
  complaints of 5% (no score, a comment, some with a phone number or an email address), each
  dated between the customer's first order and ``end_date``. Dirt: kinds in other case
  (``NPS``, `` Review``), unknown (``survey``) or missing; scores missing, unreadable
  (``great``) or out of range (``11``, ``-1``, a CSAT ``0``); timestamps missing, unparseable or
  in the future; customer ids missing or unknown; answers exported twice.

Each table is drawn from its own random stream of the seed, so the customers and orders do not
change with it, and the same arguments give the same rows. The rates are the constants below;
with the bundled sample's 3000 customers every reject reason of every table occurs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from tools.generate_raw_data import DAY, ISO_TIMESTAMP_SHARE, Array, Rng, _epoch

ITEM_HISTORY_DAYS = 730
FAR_FUTURE = "2099-01-01 00:00:00"

# (id, name, category, needs_onboarding as exported, unit price)
PRODUCTS = (
    ("P001", "Hydrating serum", "skincare", "false", 24.0),
    ("P002", "Gentle foam cleanser", "skincare", "FALSE", 12.5),
    ("P003", "Vitamin C brightening essence", "skincare", "no", 31.0),
    ("P004", "Retinol starter kit", "skincare", "yes", 48.0),
    ("P005", "Sunscreen SPF 50+", "skincare", "0", 15.9),
    ("P006", "Night repair cream", "skincare", "", 38.0),
    ("P007", "Matte lipstick", "makeup", "false", 14.0),
    ("P008", "Cushion foundation", "makeup", "No", 29.0),
    ("P009", "Waterproof mascara", "makeup", "false", 11.5),
    ("P010", "Eyeshadow palette", "makeup", "n", 34.0),
    ("P011", "Setting spray", "makeup", "false", 16.0),
    ("P012", "Brow pencil", "makeup", "", 8.9),
    ("P013", "Argan hair oil", "haircare", "false", 19.0),
    ("P014", "Repair shampoo", "haircare", "false", 10.5),
    ("P015", "Scalp serum", "haircare", "false", 27.0),
    ("P016", "Leave-in conditioner", "haircare", "false", 13.0),
    ("P017", "Curl cream", "haircare", "false", 15.0),
    ("P018", "Hair mask", "haircare", "false", 17.5),
    ("P019", "Facial cleansing device", "tools", "TRUE", 89.0),
    ("P020", "LED light therapy mask", "tools", "true", 159.0),
    ("P021", "Microcurrent toning device", "tools", "Y", 199.0),
    ("P022", "Ionic hair dryer", "tools", "1", 120.0),
    ("P023", "Jade roller", "tools", "false", 18.0),
    ("P024", "Heated eyelash curler", "tools", " true ", 35.0),
    ("P025", "Eau de parfum 50ml", "fragrance", "false", 72.0),
    ("P026", "Body mist", "fragrance", "false", 18.0),
    ("P027", "Solid perfume", "fragrance", "false", 22.0),
    ("P028", "Scented candle", "fragrance", "false", 25.0),
    ("P029", "Travel perfume set", "fragrance", "false", 39.0),
    ("P030", "Hair perfume", "fragrance", "false", 21.0),
    ("P031", "Lunar New Year gift box", "gift_sets", "false", 55.0),
    ("P032", "Skincare discovery set", "gift_sets", "yes", 42.0),
    ("P033", "Mini lipstick trio", "gift_sets", "false", 28.0),
    ("P034", "Spa night set", "gift_sets", "false", 46.0),
    ("P035", "Gift card", "", "false", 50.0),
    ("P036", "Holiday advent calendar", "gift_sets", "false", 65.0),
)
CATEGORIES = ("skincare", "makeup", "haircare", "tools", "fragrance", "gift_sets")
FAVOURITE_CATEGORY_SHARE = 0.6

VIEW_EVENTS = ("page_view", "product_view", "add_to_cart")
LEAD_EVENTS = ("quote_request", "newsletter_signup", "lead_magnet_signup", "checkout_started")
LEAD_EVENT_SHARE = 0.4
BUYER_NEWSLETTER_SHARE = 0.15
EVENT_TYPE_SPELLINGS = (
    lambda t: t.replace("_", " ").title(),
    lambda t: t.replace("_", "-"),
    lambda t: "  " + t.upper(),
)
PAGES = ("/", "/pricing", "/skincare", "/tools/devices", "/sale", "/blog/routine", "/cart")
SEARCHES = ("sữa rửa mặt", "kem chống nắng", "serum, vitamin C", 'máy rửa mặt "mini"')

NPS_SHARE, CSAT_SHARE, REVIEW_SHARE, COMPLAINT_SHARE = 0.30, 0.15, 0.20, 0.05
NPS_SCORE_SHARES = (0.01, 0.01, 0.01, 0.02, 0.02, 0.04, 0.07, 0.14, 0.18, 0.25, 0.25)
CSAT_SCORE_SHARES = (0.06, 0.08, 0.16, 0.35, 0.35)
REVIEW_SCORE_SHARES = (0.04, 0.05, 0.11, 0.30, 0.50)
REVIEW_COMMENTS = (
    "Sản phẩm tốt, giao hàng nhanh",
    "Great serum, my skin loves it",
    'Đóng gói cẩn thận, "đáng tiền"',
    "OK",
    "Not what I expected.\nThe colour is off",
    "Máy dùng êm, pin lâu",
    "",
)
# Free texts hold personal data as real ones do (a phone number, an email address): they must
# stay in staging (tools/check_pii.py looks for such values in the marts).
COMPLAINT_COMMENTS = (
    "Giao hàng trễ 5 ngày",
    "Package arrived damaged",
    "Wrong shade sent, twice",
    "Không liên lạc được với CSKH, gọi lại cho tôi: 0903 123 456",
    "Refund to lan.nguyen@example.com please",
)

DIRTY_SPELLING_RATE = 0.08
STRAY_SPACE_RATE = 0.01
MISSING_RATE = 0.003
UNPARSEABLE_RATE = 0.003
FUTURE_RATE = 0.002
UNKNOWN_REFERENCE_RATE = 0.004
DUPLICATE_RATE = 0.02
WHOLE_DECIMAL_QUANTITY_RATE = 0.01
BAD_VALUE_RATE = 0.002
BAD_TIMESTAMPS = ("yesterday", "N/A", "31/12/2024", "2024-02-30 10:00:00")

OPTIONAL_TABLES = ("raw_events", "raw_feedback", "raw_order_items", "raw_products")


def _texts(values: Array, render: Callable[[Any], str]) -> Array:
    """``render`` of each value, as an object array of str (empty for no values)."""
    return np.array([render(value) for value in values.tolist()], dtype=object)


def _parse_times(text: pd.Series) -> pd.Series:
    """The two timestamp forms the main generator writes, as epoch seconds (NaN if other)."""
    cleaned = text.str.strip().str.replace("T", " ", regex=False).str.rstrip("Z")
    parsed = pd.to_datetime(cleaned, format="%Y-%m-%d %H:%M:%S", errors="coerce")
    return (parsed - pd.Timestamp("1970-01-01")) / pd.Timedelta(seconds=1)


def _render_times(rng: Rng, seconds: Array) -> Array:
    """Half as ``YYYY-MM-DD HH:MM:SS``, half as ``YYYY-MM-DDTHH:MM:SSZ``."""
    moments = pd.to_datetime(np.asarray(seconds, dtype=np.int64), unit="s")
    plain = np.asarray(moments.strftime("%Y-%m-%d %H:%M:%S"), dtype=object)
    iso = rng.random(len(plain)) < ISO_TIMESTAMP_SHARE
    plain[iso] = _texts(plain[iso], lambda text: text.replace(" ", "T") + "Z")
    return plain


def _hit(rng: Rng, n: int, rate: float) -> Array:
    return rng.random(n) < rate


def _damage_times(rng: Rng, text: Array) -> Array:
    """Some timestamps missing, unparseable or far in the future."""
    text = text.copy()
    text[_hit(rng, len(text), MISSING_RATE)] = ""
    bad = np.flatnonzero(_hit(rng, len(text), UNPARSEABLE_RATE))
    text[bad] = np.asarray(BAD_TIMESTAMPS, dtype=object)[
        rng.integers(0, len(BAD_TIMESTAMPS), len(bad))
    ]
    text[_hit(rng, len(text), FUTURE_RATE)] = FAR_FUTURE
    return text


def _damage_ids(rng: Rng, ids: Array, unknown: str) -> Array:
    """Some ids with stray spaces, missing, or of a record that does not exist."""
    ids = ids.astype(object).copy()
    spaced = _hit(rng, len(ids), STRAY_SPACE_RATE)
    ids[spaced] = _texts(ids[spaced], lambda text: " " + text)
    ids[_hit(rng, len(ids), MISSING_RATE)] = ""
    ids[_hit(rng, len(ids), UNKNOWN_REFERENCE_RATE)] = unknown
    return ids


def _repeat_some(rng: Rng, frame: pd.DataFrame) -> pd.DataFrame:
    """Some rows exported twice, the copy right after the row."""
    copies = 1 + _hit(rng, len(frame), DUPLICATE_RATE).astype(int)
    return frame.loc[frame.index.repeat(copies)].reset_index(drop=True)


def _customers(customers_df: pd.DataFrame) -> pd.DataFrame:
    """One row per clean customer id: its sign-up time (epoch seconds, NaN if unreadable)."""
    frame = pd.DataFrame(
        {
            "customer_id": customers_df["customer_id"].str.strip(),
            "signup": _parse_times(customers_df["signed_up_at"]),
        }
    )
    frame = frame[frame["customer_id"] != ""]
    return frame.groupby("customer_id", sort=True, as_index=False).first()


def _orders(orders_df: pd.DataFrame) -> pd.DataFrame:
    """The latest export of each clean order id, with its clean customer id and time."""
    frame = pd.DataFrame(
        {
            "order_id": orders_df["order_id"].str.strip(),
            "customer_id": orders_df["customer_id"].str.strip(),
            "ordered": _parse_times(orders_df["ordered_at"]),
        }
    )
    frame = frame[(frame["order_id"] != "") & (frame["customer_id"] != "")]
    return frame.groupby("order_id", sort=False, as_index=False).last()


def products() -> pd.DataFrame:
    """The catalogue, with its dirt: a repeated export, a row without an id, a spaced id."""
    rows = [(pid, name, category, flag) for pid, name, category, flag, _ in PRODUCTS]
    rows[2] = (" P003 ", *rows[2][1:])
    rows.insert(4, rows[3])  # the retinol kit exported twice
    rows.append(("", "Sample sachet", "skincare", "false"))
    rows.append(("P037", "Mystery box", "gift_sets", "maybe"))
    return pd.DataFrame(rows, columns=["product_id", "name", "category", "needs_onboarding"])


def order_items(rng: Rng, orders: pd.DataFrame, end: int) -> pd.DataFrame:
    """Lines of every order since ``ITEM_HISTORY_DAYS`` before ``end``."""
    recent = orders[orders["ordered"] >= end - ITEM_HISTORY_DAYS * DAY].reset_index(drop=True)
    n = len(recent)
    codes, _ = pd.factorize(recent["customer_id"], sort=True)
    favourite = rng.integers(0, len(CATEGORIES), int(codes.max(initial=-1)) + 1)[codes]
    lines = 1 + rng.poisson(0.6, n)
    order = np.repeat(np.arange(n), lines)
    by_category = [
        [i for i, product in enumerate(PRODUCTS) if product[2] == category]
        for category in CATEGORIES
    ]
    loyal = rng.random(len(order)) < FAVOURITE_CATEGORY_SHARE
    category = np.where(loyal, favourite[order], rng.integers(0, len(CATEGORIES), len(order)))
    sizes = np.array([len(members) for members in by_category])
    table = np.array([members + members[:1] * (6 - len(members)) for members in by_category])
    pick = (rng.random(len(order)) * sizes[category]).astype(int)
    product = table[category, pick]
    product[rng.random(len(order)) < 0.02] = 34  # the gift card, which has no category
    lines_frame = pd.DataFrame({"order": order, "product": product}).drop_duplicates()
    order, product = lines_frame["order"].to_numpy(), lines_frame["product"].to_numpy()
    m = len(order)
    quantity = rng.choice([1, 2, 3], m, p=(0.8, 0.15, 0.05))
    price = np.array([p[4] for p in PRODUCTS])[product]
    amount = _texts(np.round(price * quantity, 2), lambda value: f"{value:.2f}")
    quantity_text = quantity.astype(str).astype(object)
    decimal = _hit(rng, m, WHOLE_DECIMAL_QUANTITY_RATE)
    quantity_text[decimal] = _texts(quantity[decimal], lambda value: f"{value}.0")
    for bad in ("1.5", "0", ""):
        quantity_text[_hit(rng, m, BAD_VALUE_RATE)] = bad
    amount[_hit(rng, m, BAD_VALUE_RATE)] = ""
    comma = _hit(rng, m, BAD_VALUE_RATE)
    amount[comma] = _texts(amount[comma], lambda text: text.replace(".", ","))
    negative = _hit(rng, m, BAD_VALUE_RATE)
    amount[negative] = _texts(amount[negative], lambda text: "-" + text)
    product_id = np.array([p[0] for p in PRODUCTS], dtype=object)[product]
    product_id[_hit(rng, m, BAD_VALUE_RATE)] = ""
    product_id[_hit(rng, m, BAD_VALUE_RATE)] = "P999"
    frame = pd.DataFrame(
        {
            "order_id": _damage_ids(rng, recent["order_id"].to_numpy()[order], "O999999999"),
            "product_id": product_id,
            "quantity": quantity_text,
            "amount": amount,
        }
    )
    return _repeat_some(rng, frame)


def _spell(rng: Rng, types: Array) -> Array:
    """Event types, some in another spelling of the same vocabulary key."""
    types = types.astype(object).copy()
    for index in np.flatnonzero(_hit(rng, len(types), DIRTY_SPELLING_RATE)):
        types[index] = EVENT_TYPE_SPELLINGS[rng.integers(0, len(EVENT_TYPE_SPELLINGS))](
            str(types[index])
        )
    return types


def events(rng: Rng, customers: pd.DataFrame, buyers: Array, end: int) -> pd.DataFrame:
    """Views of every customer, lead events of some prospects and newsletter sign-ups."""
    known = customers[customers["signup"].notna() & (customers["signup"] <= end)]
    ids = known["customer_id"].to_numpy()
    signup = known["signup"].to_numpy().astype(np.int64)
    views = rng.poisson(1.5, len(ids))
    who = np.repeat(np.arange(len(ids)), views)
    when = signup[who] + (rng.random(len(who)) * (end - signup[who])).astype(np.int64)
    kind = np.asarray(VIEW_EVENTS, dtype=object)[rng.integers(0, len(VIEW_EVENTS), len(who))]

    bought = pd.Series(ids).isin(pd.Series(buyers)).to_numpy()
    prospects = np.flatnonzero(~bought & (rng.random(len(ids)) < LEAD_EVENT_SHARE))
    recent = rng.random(len(prospects)) < 0.5
    age = np.where(
        recent, rng.uniform(0, 60, len(prospects)), rng.uniform(100, 400, len(prospects))
    )
    lead_when = np.maximum(end - (age * DAY).astype(np.int64), signup[prospects])
    lead_kind = np.asarray(LEAD_EVENTS, dtype=object)[rng.integers(0, 4, len(prospects))]
    subscribers = np.flatnonzero(bought & (rng.random(len(ids)) < BUYER_NEWSLETTER_SHARE))
    sub_when = signup[subscribers] + (
        rng.random(len(subscribers)) * (end - signup[subscribers])
    ).astype(np.int64)

    who = np.concatenate([who, prospects, subscribers])
    when = np.concatenate([when, lead_when, sub_when])
    kind = np.concatenate([kind, lead_kind, np.full(len(subscribers), "newsletter_signup", object)])
    order = np.lexsort((who, when))
    who, when, kind = who[order], when[order], kind[order]
    n = len(who)
    properties = np.full(n, "", dtype=object)
    page = rng.integers(0, len(PAGES), n)
    with_page = rng.random(n) < 0.7
    properties[with_page] = [json.dumps({"page": PAGES[p]}) for p in page[with_page]]
    search = rng.random(n) < 0.05
    properties[search] = [
        json.dumps({"search": SEARCHES[s]}, ensure_ascii=False)
        for s in rng.integers(0, len(SEARCHES), int(search.sum()))
    ]
    event_type = _spell(rng, kind)
    event_type[_hit(rng, n, MISSING_RATE)] = ""
    frame = pd.DataFrame(
        {
            "customer_id": _damage_ids(rng, ids[who], "C9999999"),
            "event_at": _damage_times(rng, _render_times(rng, when)),
            "event_type": event_type,
            "properties": properties,
        }
    )
    return _repeat_some(rng, frame)


def feedback(rng: Rng, customers: pd.DataFrame, orders: pd.DataFrame, end: int) -> pd.DataFrame:
    """NPS, CSAT, review and complaint answers of customers who ordered."""
    firsts = orders[
        orders["ordered"].notna()
        & (orders["ordered"] <= end)
        & orders["customer_id"].isin(customers["customer_id"])
    ]
    firsts = firsts.groupby("customer_id", sort=True)["ordered"].min()
    ids, first = firsts.index.to_numpy(), firsts.to_numpy().astype(np.int64)
    parts = []
    for kind, share, scores in (
        ("nps", NPS_SHARE, NPS_SCORE_SHARES),
        ("csat", CSAT_SHARE, CSAT_SCORE_SHARES),
        ("review", REVIEW_SHARE, REVIEW_SCORE_SHARES),
        ("complaint", COMPLAINT_SHARE, None),
    ):
        who = np.flatnonzero(rng.random(len(ids)) < share)
        who = np.repeat(who, 1 + (rng.random(len(who)) < 0.3))
        when = first[who] + (rng.random(len(who)) * (end - first[who])).astype(np.int64)
        if scores is None:
            score = np.full(len(who), "", dtype=object)
            comment = np.asarray(COMPLAINT_COMMENTS, dtype=object)[
                rng.integers(0, len(COMPLAINT_COMMENTS), len(who))
            ]
        else:
            low = 0 if kind == "nps" else 1
            score = (low + rng.choice(len(scores), len(who), p=scores)).astype(str).astype(object)
            comment = np.full(len(who), "", dtype=object)
            if kind == "review":
                comment = np.asarray(REVIEW_COMMENTS, dtype=object)[
                    rng.integers(0, len(REVIEW_COMMENTS), len(who))
                ]
        parts.append(
            pd.DataFrame(
                {"who": who, "when": when, "kind": kind, "score": score, "comment": comment}
            )
        )
    frame = pd.concat(parts, ignore_index=True).sort_values(["when", "who"], kind="stable")
    n = len(frame)
    kind = frame["kind"].to_numpy().astype(object)
    spelled = _hit(rng, n, DIRTY_SPELLING_RATE)
    kind[spelled] = [(" " + k.title()) if k == "review" else k.upper() for k in kind[spelled]]
    kind[_hit(rng, n, MISSING_RATE)] = ""
    kind[_hit(rng, n, MISSING_RATE)] = "survey"
    score = frame["score"].to_numpy().copy()
    scored = frame["kind"].to_numpy() != "complaint"
    for bad in ("", "great", "11", "-1"):
        score[scored & _hit(rng, n, MISSING_RATE)] = bad
    csat = frame["kind"].to_numpy() == "csat"
    score[csat & _hit(rng, n, 0.01)] = "0"
    result = pd.DataFrame(
        {
            "customer_id": _damage_ids(rng, ids[frame["who"].to_numpy()], "C9999999"),
            "answered_at": _damage_times(rng, _render_times(rng, frame["when"].to_numpy())),
            "kind": kind,
            "score": score,
            "comment": frame["comment"].to_numpy(),
        }
    )
    return _repeat_some(rng, result)


def generate_optional(
    customers_df: pd.DataFrame, orders_df: pd.DataFrame, seed: int, end_date: date
) -> dict[str, pd.DataFrame]:
    """The four optional raw tables for the customers and orders of one generated data set."""
    streams = np.random.SeedSequence(seed).spawn(3)[2].spawn(3)
    events_rng, feedback_rng, items_rng = (np.random.default_rng(s) for s in streams)
    end = _epoch(end_date) + DAY - 1
    customers, orders = _customers(customers_df), _orders(orders_df)
    tables = {
        "raw_events": events(events_rng, customers, orders["customer_id"].unique(), end),
        "raw_feedback": feedback(feedback_rng, customers, orders, end),
        "raw_order_items": order_items(items_rng, orders, end),
        "raw_products": products(),
    }
    return {name: frame.astype(str).astype(object) for name, frame in tables.items()}
