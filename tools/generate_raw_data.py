"""Deterministic generator of realistic, dirty raw customer and order data.

Data contract: two tables in which every column is text and a missing value is an empty string.

* ``raw_customers``: customer_id, first_name, last_name, email, phone, signed_up_at,
  country_code, city, birth_date, gender, company_name, referred_by_customer_id, updated_at,
  accepts_marketing (marketing consent: true/yes/y/1 or false/no/n/0 in mixed case, some empty or
  unreadable; drawn from the customer number, so the other columns do not change with it)
* ``raw_orders``: order_id, customer_id, ordered_at, status, channel, amount, discount_amount,
  updated_at

written as ``raw_customers.csv`` / ``raw_orders.csv`` (header row, standard CSV quoting, so an
empty value appears as ``""``) and/or as Parquet files with VARCHAR columns. The same arguments
give byte-identical files. Customers are numbered in sign-up order (``C0000001``), orders in time
order (``O000000001``); repeated exports of a row are adjacent.

Behaviour over ``years`` years ending at ``end_date`` (UTC): prospects who never buy (some have
only cancelled or zero-amount orders); BG/NBD-like buyers (gamma purchase rate, geometric monthly
dropout); new customers whose first purchase is in the last 30 days; loyal heavy buyers; seasonal
November-December buyers; lapsing regulars whose last order is 1.2-7 usual gaps old; customers
with several orders on one day; one-off buyers of 31-32 days ago. Orders lie between sign-up and
``end_date``, the latest being a completed order on ``end_date``; ``updated_at`` lies between the
row's creation and the end of ``end_date``. Some customers are companies (larger baskets), were
referred by an earlier customer, hunt bargains (discounts on most orders) or use several
channels (a few mostly order by phone); a few are under 18 on ``end_date``.

Dirt (fractions are the ``*_RATE`` constants below): ids with stray spaces, or empty; names,
emails, statuses and channels in mixed case with stray spaces; empty optional values (a few
country codes among them);
timestamps as ``YYYY-MM-DD HH:MM:SS`` or ``YYYY-MM-DDTHH:MM:SSZ`` (same UTC instant), a few
unparseable (``31/12/2024``, ``2024-02-30 10:00:00``, ``not a date``, ``yesterday``, ``N/A``);
unknown statuses (``lost``, ``on hold``, ``unknown``); negative, zero and empty amounts;
customers and orders exported 2-3 times with distinct ``updated_at``, earlier versions with an
older email or city, or a ``pending`` status (the latest ``updated_at`` is current); orders whose
customer_id is not in ``raw_customers``.

Shapes (``--shape``): ``default`` is the mix of behaviours above. ``dense`` is the heavy case for
the per-customer and per-month models: every customer signs up in the first 90 days and places
orders (Poisson, about ``orders / customers`` rows each, 10 by default) at times uniform over the
rest of the ``years``, so at 10M orders 1M customers each buy about ten times over four years.
The dirt, the statuses and the repeated exports are the same as in the default shape.

The command also writes the four optional raw tables (``raw_events``, ``raw_feedback``,
``raw_order_items``, ``raw_products``) of tools/generate_optional_tables.py, drawn from the
customers and orders above on a random stream of their own; ``--no-optional-tables`` leaves
them out.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

DAY = 86_400
YEAR = 365.25 * DAY

SHAPES = ("default", "dense")
DENSE_SIGNUP_DAYS = 90
DENSE_ORDERS_PER_CUSTOMER = 10

PROSPECT, BGNBD, NEW, LOYAL, SEASONAL, LAPSING, SAME_DAY, ONE_OFF = range(8)
ARCHETYPE_SHARES = (0.10, 0.57, 0.08, 0.08, 0.05, 0.06, 0.04, 0.02)
COMPANY_RATE = 0.06
REFERRED_RATE = 0.12
BARGAIN_HUNTER_RATE = 0.08
MULTI_CHANNEL_RATE = 0.15

ID_SPACE_RATE = 0.01
ID_EMPTY_RATE = 0.003
NAME_DIRTY_RATE = 0.08
EMAIL_DIRTY_RATE = 0.04
LABEL_DIRTY_RATE = 0.06
ISO_TIMESTAMP_SHARE = 0.5
BAD_TIMESTAMP_RATE = 0.003
UNKNOWN_STATUS_RATE = 0.002
EMPTY_CHANNEL_RATE = 0.01
NEGATIVE_AMOUNT_RATE = 0.005
ZERO_AMOUNT_RATE = 0.01
EMPTY_AMOUNT_RATE = 0.002
EMPTY_DISCOUNT_RATE = 0.01
MISSING_EMAIL_RATE = 0.02
MISSING_PHONE_RATE = 0.08
MISSING_CITY_RATE = 0.03
MISSING_BIRTH_DATE_RATE = 0.10
MISSING_COUNTRY_RATE = 0.01
MISSING_GENDER_RATE = 0.10
DUPLICATE_CUSTOMER_RATE = 0.05
DUPLICATE_ORDER_RATE = 0.05
ORPHAN_ORDER_RATE = 0.005

# code, share, dialling code, company suffix, name group, cities
COUNTRIES = (
    ("VN", 0.55, "84", "Co., Ltd", 0, "Ho Chi Minh City|Hanoi|Da Nang|Hai Phong|Can Tho|Hue"),
    ("US", 0.10, "1", "LLC", 1, "New York|Los Angeles|Chicago|Houston|Seattle"),
    ("GB", 0.05, "44", "Ltd", 1, "London|Manchester|Birmingham|Leeds|Glasgow"),
    ("SG", 0.07, "65", "Pte. Ltd.", 2, "Singapore"),
    ("TH", 0.07, "66", "Co., Ltd.", 3, "Bangkok|Chiang Mai|Phuket|Pattaya"),
    ("JP", 0.06, "81", "K.K.", 4, "Tokyo|Osaka|Yokohama|Nagoya|Fukuoka"),
    ("DE", 0.05, "49", "GmbH", 5, "Berlin|Munich|Hamburg|Frankfurt|Cologne"),
    ("AU", 0.05, "61", "Pty Ltd", 1, "Sydney|Melbourne|Brisbane|Perth"),
)
# per name group: "last names; female first names; male first names"
NAMES = (
    (
        "Nguyen|Tran|Le|Pham|Hoang|Huynh|Phan|Vu|Vo|Dang|Bui|Do|Ho|Ngo|Duong;"
        "Thi Lan|Thi Hoa|Ngoc Anh|Thu Trang|Thi Mai|Bao Ngoc|Phuong Linh|Khanh Vy;"
        "Van An|Van Nam|Minh Quan|Duc Anh|Quoc Bao|Hoang Long|Tuan Kiet|Gia Huy"
    ),
    (
        "Smith|Johnson|Brown|Williams|Jones|Miller|Davis|Wilson|Taylor|Clarke;"
        "Emma|Olivia|Sophie|Charlotte|Emily|Grace|Chloe|Mary Ann;"
        "James|Oliver|Jack|Thomas|William|Noah|Daniel|John Paul"
    ),
    "Tan|Lim|Lee|Ng|Wong|Goh|Rahman;Mei Ling|Hui Min|Siti|Nurul|Priya;Wei Jie|Jun Hao|Ahmad|Ravi",
    "Saetang|Srisuk|Chaiyaporn|Wongsa;Ploy|Nicha|Kanya|Malee;Somchai|Niran|Arthit|Kittisak",
    "Tanaka|Sato|Suzuki|Takahashi|Ito;Yuki|Hana|Aiko|Sakura;Haruto|Kenji|Takumi|Ren",
    "Muller|Schmidt|Fischer|Weber|Wagner;Anna|Lena|Lea|Hannah;Lukas|Felix|Paul|Jonas",
)
COMPANY_WORDS = "Saigon|Mekong|Lotus|Golden|Summit|Pacific|Blue River"
COMPANY_TRADES = "Trading|Logistics|Foods|Tech|Retail|Supplies|Partners"
EMAIL_DOMAINS = ["gmail.com", "yahoo.com", "outlook.com", "hotmail.com", "icloud.com"]
STATUSES = ["completed", "delivered", "shipped", "pending", "cancelled", "refunded", "returned"]
STATUS_SHARES = (0.55, 0.20, 0.06, 0.04, 0.07, 0.03, 0.05)
UNKNOWN_STATUSES = ["lost", "on hold", "unknown"]
CHANNELS = ["online", "mobile_app", "store", "marketplace", "social", "phone"]
CHANNEL_SHARES = (0.32, 0.25, 0.20, 0.12, 0.08, 0.03)

# Rendering of the numeric style codes drawn in Python: ts (0 plain, 1 ISO, 2-6 unparseable),
# ident (1-3 stray spaces, 4 empty), dirty (case and space variants), money (1 empty).
MACROS = """
CREATE MACRO ts(s, k) AS CASE
    WHEN k = 0 THEN strftime(make_timestamp(s * 1000000), '%Y-%m-%d %H:%M:%S')
    WHEN k = 1 THEN strftime(make_timestamp(s * 1000000), '%Y-%m-%dT%H:%M:%SZ')
    WHEN k = 2 THEN strftime(make_timestamp(s * 1000000), '%d/%m/%Y')
    WHEN k = 3 THEN strftime(make_timestamp(s * 1000000), '%Y-02-30 10:00:00')
    ELSE (['not a date', 'yesterday', 'N/A'])[k - 3] END;
CREATE MACRO ident(p, n, w, k) AS CASE WHEN k = 4 THEN ''
    ELSE (['', ' ', '', '  '])[k + 1] || p || lpad(n::VARCHAR, w, '0')
        || (['', '', ' ', ' '])[k + 1] END;
CREATE MACRO dirty(s, k) AS CASE k
    WHEN 0 THEN s WHEN 1 THEN upper(s) WHEN 2 THEN lower(s)
    WHEN 3 THEN upper(s[1]) || lower(s[2:]) WHEN 4 THEN lower(s[1]) || upper(s[2:])
    WHEN 5 THEN ' ' || s WHEN 6 THEN s || ' '
    WHEN 7 THEN '  ' || replace(lower(s), ' ', '  ') || ' '
    WHEN 8 THEN ' ' || upper(s[1]) || s[2:] ELSE upper(s) || ' ' END;
CREATE MACRO money(c, k) AS CASE WHEN k = 1 THEN '' ELSE printf('%.2f', c / 100) END;
"""
CUSTOMERS_SQL = """
SELECT
    ident('C', num, $cw, id_k) AS customer_id,
    dirty($first[first + 1], first_k) AS first_name,
    dirty($last[last + 1], last_k) AS last_name,
    CASE WHEN email_k < 0 THEN '' ELSE dirty(
        lower(replace($first[first + 1], ' ', '')) || (['.', '_', ''])[sep + 1]
        || lower(replace($last[last + 1], ' ', '')) || if(mail_no > 0, mail_no::VARCHAR, '') || '@'
        || if(co < 0, $domains[domain + 1], lower(replace($co[co + 1], ' ', '')) || '.com'),
        email_k) END AS email,
    CASE phone_k WHEN 0 THEN '+' || $dial[country + 1] || phone WHEN 1 THEN '0' || phone
        WHEN 2 THEN printf('(+%s) %d %03d %03d', $dial[country + 1], phone // 1000000,
            phone // 1000 % 1000, phone % 1000) ELSE '' END AS phone,
    ts(signup, signup_k) AS signed_up_at,
    if(country_k, '', $country[country + 1]) AS country_code,
    if(city < 0, '', $city[city + 1]) AS city,
    if(birth_k, '', strftime(make_timestamp(birth * 1000000), '%Y-%m-%d')) AS birth_date,
    (['', 'female', 'male', 'other'])[gender + 1] AS gender,
    if(co < 0, '', $co[co + 1] || ' ' || $trade[trade + 1] || ' ' || $suffix[country + 1])
        AS company_name,
    if(ref = 0, '', ident('C', ref, $cw, ref_k)) AS referred_by_customer_id,
    ts(updated, updated_k) AS updated_at,
    (['true', 'yes', 'Y', '1', 'TRUE ', 'true', 'yes', 'false', 'no', 'N', '0', 'false', 'no', 'No',
        'false', '', '', 'maybe', 'no', 'false'])[(num * 7919) % 20 + 1] AS accepts_marketing
FROM customers
"""
ORDERS_SQL = """
SELECT ident('O', num, $ow, id_k) AS order_id, ts(created, created_k) AS ordered_at,
    ts(updated, updated_k) AS updated_at
FROM orders
"""
# Order columns with few distinct values, rendered once per distinct key ``k``.
ORDER_LOOKUPS = {
    "customer_id": "ident('C', k // 5, $cw, k % 5)",
    "status": "dirty($status[k // 10 + 1], k % 10)",
    "channel": "if(k < 10, '', dirty($channel[k // 10], k % 10))",
    "amount": "money(k // 2 - $shift, k % 2)",
    "discount_amount": "money(k // 2, k % 2)",
}
ORDER_COLUMNS = ["order_id", "customer_id", "ordered_at", "status", "channel", "amount"]
ORDER_COLUMNS += ["discount_amount", "updated_at"]

Array = np.ndarray
Rng = np.random.Generator


def _epoch(day: date) -> int:
    return (day - date(1970, 1, 1)).days * DAY


def _rank(counts: Array) -> Array:
    """0-based position of every element within its group, for groups laid out by ``counts``."""
    return np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)


def _uniform(rng: Rng, lo: Array | int, span: Array | int, size: int | None = None) -> Array:
    """Integer times uniform in ``[lo, lo + span)``."""
    shape = np.broadcast_shapes(np.shape(lo), np.shape(span)) if size is None else size
    return lo + (rng.random(shape) * span).astype(np.int64)


def _dirt(
    rng: Rng, n: int, rate: float, styles: tuple[int, ...], base: Array | None = None
) -> Array:
    """Style code per row: ``base`` (default 0) or, with probability ``rate``, one of ``styles``."""
    style = np.zeros(n, np.int8) if base is None else base.astype(np.int64)
    hit = np.flatnonzero(rng.random(n) < rate)
    style[hit] = np.asarray(styles)[rng.integers(0, len(styles), len(hit))]
    return style


def _id_style(rng: Rng, n: int) -> Array:
    """0 clean, 1-3 stray spaces, 4 empty."""
    return _dirt(rng, n, ID_EMPTY_RATE, (4,), _dirt(rng, n, ID_SPACE_RATE, (1, 2, 3)))


def _ts_style(rng: Rng, n: int) -> Array:
    iso = rng.random(n) < ISO_TIMESTAMP_SHARE
    return _dirt(rng, n, BAD_TIMESTAMP_RATE, (2, 3, 4, 5, 6), iso)


def _grouped(rng: Rng, group: Array, lists: list[str]) -> tuple[list[str], Array]:
    """Pick one entry per row from the ``|``-separated list of the row's group."""
    split = [x.split("|") for x in lists]
    sizes = np.array([len(x) for x in split])
    picks = (np.cumsum(sizes) - sizes)[group] + (rng.random(len(group)) * sizes[group]).astype(int)
    return [v for x in split for v in x], picks


def _versions(
    rng: Rng, created: Array, export: int, rate: float, horizon: float, lag: float
) -> tuple[Array, Array, Array]:
    """Export a share of rows 2-3 times; return source row, is-latest flag and updated_at."""
    copies = _dirt(rng, len(created), rate, (2, 3), np.ones(len(created), np.int64))
    row = np.repeat(np.arange(len(created)), copies)
    version, count, updated = _rank(copies), copies[row], created[row]
    window = np.minimum(export - updated, int(horizon))
    single = np.flatnonzero(count == 1)
    updated[single] += np.minimum(
        rng.exponential(lag, len(single)).astype(np.int64), window[single]
    )
    multi = np.flatnonzero(count > 1)
    slot = window[multi] // count[multi]  # disjoint slots keep the versions' updated_at distinct
    updated[multi] += _uniform(rng, version[multi] * slot, slot)
    return row, version == count - 1, updated


def _signups(rng: Rng, n: int, t0: int, end: int, cap: int) -> tuple[Array, ...]:
    """Archetype, sign-up time and lapsing cadence (gap, orders, last order) in sign-up order."""
    arch = rng.choice(len(ARCHETYPE_SHARES), n, p=ARCHETYPE_SHARES)
    gap = rng.uniform(14, 75, n) * DAY
    count = 3 + rng.poisson(2.0, n)
    last = (end + 12 * 3600 - rng.uniform(1.2, 7.0, n) * gap).astype(np.int64)
    lapse_start = np.maximum(last - (count - 1) * gap - rng.uniform(0, 20 * DAY, n), t0)
    new = _uniform(rng, end - 40 * DAY, cap - end + 40 * DAY - 3600, n)
    loyal = _uniform(rng, t0, max(end - 400 * DAY - t0, 0), n)
    one_off = _uniform(rng, end - 90 * DAY, 55 * DAY, n)
    anytime = _uniform(rng, t0, cap - t0 - DAY, n)
    choices = [new, loyal, lapse_start.astype(np.int64), one_off]
    kinds = [arch == NEW, arch == LOYAL, arch == LAPSING, arch == ONE_OFF]
    signup = np.select(kinds, choices, anytime)
    order = np.argsort(signup, kind="stable")
    return arch[order], signup[order], gap[order], count[order], last[order]


def _schedule(
    rng: Rng, arch: Array, signup: Array, lapsing: tuple[Array, ...], t0: int, end: int,
    cap: int, target: int | None,
) -> tuple[Array, Array, Array]:  # fmt: skip
    """Orders sorted by time: customer index, order time and kind (1 cancelled, 2 zero amount)."""
    n = len(arch)
    first = signup + rng.exponential(7 * DAY, n).astype(np.int64)
    life = rng.geometric(rng.beta(1.2, 10.0, n)) * 30 * DAY
    alive = np.where((arch == BGNBD) & (first <= cap), np.minimum(first + life, cap) - first, -1)
    mu_bg = np.where(alive >= 0, rng.gamma(0.9, 10.0, n) * alive / YEAR, 0.0)
    mu_loyal = np.where(arch == LOYAL, rng.gamma(4.0, 4.0, n) * (cap - first) / YEAR, 0.0)
    new_lo = np.maximum(signup, end - 30 * DAY)
    first_new = _uniform(rng, new_lo, cap - new_lo)
    sea = np.flatnonzero(arch == SEASONAL)
    y0, y1 = np.array([t0, end], "datetime64[s]").astype("datetime64[Y]").astype(int) + 1970
    nov = np.array([_epoch(date(y, 11, 1)) for y in range(y0, y1 + 1)])
    sea_lo = np.maximum(nov[None, :], signup[sea, None])
    sea_len = np.clip(np.minimum(nov + 61 * DAY, cap)[None, :] - sea_lo, 0, None)
    mu_sea = 1.5 * sea_len / (61 * DAY)
    gap, count, last = (x[arch == LAPSING] for x in lapsing)
    lap = np.repeat(np.flatnonzero(arch == LAPSING), count)
    jitter = rng.uniform(0.9, 1.1, len(lap))
    lap_t = np.repeat(last, count) - _rank(count) * np.repeat(gap, count) * jitter
    junk = np.flatnonzero((arch == PROSPECT) & (rng.random(n) < 0.3))
    junk = np.repeat(junk, 1 + (rng.random(len(junk)) < 0.4))

    scale = 1.0  # multiplies every Poisson purchase rate to meet the target row count
    if target is not None:
        n_new, n_burst = (arch == NEW).sum(), (arch == SAME_DAY).sum()
        fixed = (alive >= 0).sum() + 4 * (arch == LOYAL).sum() + n_new + 3 * n_burst
        fixed += (arch == ONE_OFF).sum()
        scalable = mu_bg.sum() + mu_loyal.sum() + mu_sea.sum() + 0.6 * n_new + 4.5 * n_burst
        wanted = target / (1 + 1.5 * DUPLICATE_ORDER_RATE) - fixed - len(lap) - len(junk)
        scale = max(wanted, 0.0) / max(scalable, 1e-9)

    def repeats(idx: Array, mean: Array | float, lo: Array, span: Array) -> tuple[Array, Array]:
        times = rng.poisson(scale * np.broadcast_to(mean, idx.shape))
        return np.repeat(idx, times), _uniform(rng, np.repeat(lo, times), np.repeat(span, times))

    bg, loyal, new = (np.flatnonzero(x) for x in (alive >= 0, arch == LOYAL, arch == NEW))
    one_off = np.flatnonzero(arch == ONE_OFF)  # a single purchase 31-32 days before end_date
    loyal2 = np.repeat(loyal, 2)
    burst = np.flatnonzero(arch == SAME_DAY)
    session = np.repeat(burst, 1 + rng.poisson(scale * 1.5, len(burst)))
    day = _uniform(rng, signup[session], cap - signup[session]) // DAY * DAY
    start = np.maximum(day + rng.integers(8, 20, len(session)) * 3600, signup[session])
    size = 2 + rng.poisson(1.0, len(session))
    parts = [
        (bg, first[bg]),
        repeats(bg, mu_bg[bg], first[bg], alive[bg]),
        (loyal, first[loyal]),
        (loyal, _uniform(rng, cap - 30 * DAY, 30 * DAY, len(loyal))),
        (loyal2, _uniform(rng, first[loyal2], cap - first[loyal2])),
        repeats(loyal, mu_loyal[loyal], first[loyal], cap - first[loyal]),
        (new, first_new[new]),
        repeats(new, 0.6, first_new[new], cap - first_new[new]),
        repeats(np.repeat(sea, len(nov)), mu_sea.ravel(), sea_lo.ravel(), sea_len.ravel()),
        (lap, lap_t.astype(np.int64)),
        (one_off, _uniform(rng, end - 32 * DAY, 2 * DAY, len(one_off))),
        (np.repeat(session, size), _uniform(rng, np.repeat(start, size), 7200)),
        (junk, _uniform(rng, signup[junk], cap - signup[junk])),
    ]
    cust = np.concatenate([p[0] for p in parts])
    t = np.minimum(np.concatenate([p[1] for p in parts]), cap)
    kind = np.zeros(len(cust), np.int64)
    kind[len(cust) - len(junk) :] = 1 + (rng.random(len(junk)) < 0.5)  # junk comes last
    keep = t >= signup[cust]
    bits = len(arch).bit_length()
    key = np.sort(((t[keep] - t0) << (bits + 2)) | (cust[keep] << 2) | kind[keep])
    return (key >> 2) & ((1 << bits) - 1), (key >> (bits + 2)) + t0, key & 3


def _dense_schedule(
    rng: Rng, n: int, t0: int, cap: int, target: int | None
) -> tuple[Array, Array, Array, Array]:
    """The dense shape: sign-up times in sign-up order, then orders sorted by time (customer
    index, order time and kind, always 0) spread uniformly from each sign-up to ``cap``."""
    signup = np.sort(_uniform(rng, t0, DENSE_SIGNUP_DAYS * DAY, n))
    rows = DENSE_ORDERS_PER_CUSTOMER * n if target is None else target
    count = rng.poisson(rows / (1 + 1.5 * DUPLICATE_ORDER_RATE) / n, n)
    cust = np.repeat(np.arange(n), count)
    t = _uniform(rng, signup[cust], cap - signup[cust])
    bits = n.bit_length()
    key = np.sort(((t - t0) << bits) | cust)
    return signup, key & ((1 << bits) - 1), (key >> bits) + t0, np.zeros(len(key), np.int64)


def _customer_table(
    rng: Rng, signup: Array, end: int, export: int, keep_clean: int
) -> tuple[pd.DataFrame, dict[str, object], Array]:
    """Numeric customer rows (one per exported version), SQL vocabularies and company flag.

    Every version of customer ``keep_clean`` (the buyer of the latest order) gets a clean id and
    parseable timestamps.
    """
    n = len(signup)
    country = rng.choice(len(COUNTRIES), n, p=[c[1] for c in COUNTRIES])
    gender = 1 + rng.choice(3, n, p=(0.49, 0.47, 0.04))
    male = np.where(gender == 3, rng.random(n) < 0.5, gender == 2)
    group = np.array([c[4] for c in COUNTRIES])[country]
    names = [g.split(";") for g in NAMES]
    last_names, last = _grouped(rng, group, [g[0] for g in names])
    first_names, first = _grouped(rng, group * 2 + male, [x for g in names for x in g[1:]])
    city_lists = [c[5] for c in COUNTRIES]
    cities, city = _grouped(rng, country, city_lists)
    company = rng.random(n) < COMPANY_RATE
    words, trades = COMPANY_WORDS.split("|"), COMPANY_TRADES.split("|")
    referred = (rng.random(n) < REFERRED_RATE) & (np.arange(n) > 0)
    table = {"num": np.arange(1, n + 1), "first": first, "last": last, "signup": signup}
    table |= {"country": country, "city": city, "gender": gender, "sep": rng.integers(0, 3, n)}
    table |= {"mail_no": np.where(rng.random(n) < 0.6, rng.integers(1, 1000, n), 0)}
    table |= {
        "domain": rng.integers(0, len(EMAIL_DOMAINS), n),
        "trade": rng.integers(0, len(trades), n),
    }
    table |= {"co": np.where(company, rng.integers(0, len(words), n), -1)}
    table |= {"phone": rng.integers(3, 10, n) * 10**8 + rng.integers(0, 10**8, n)}
    # ages 16-80 on end_date, so a few customers are minors
    table |= {"birth": (end - rng.uniform(16, 81, n) * YEAR).astype(np.int64) // DAY * DAY}
    table |= {"ref": np.where(referred, (rng.random(n) * np.arange(n)).astype(np.int64) + 1, 0)}
    row, latest, updated = _versions(rng, signup, export, DUPLICATE_CUSTOMER_RATE, 2 * YEAR, DAY)
    cols = {key: value[row] for key, value in table.items()}
    m, old = len(row), ~latest
    cols["mail_no"][old] += rng.integers(1, 90, old.sum())  # an older email address
    moved = _grouped(rng, cols["country"], city_lists)[1]
    cols["city"] = np.where(old & (rng.random(m) < 0.5), moved, cols["city"])
    cols["city"] = _dirt(rng, m, MISSING_CITY_RATE, (-1,), cols["city"])
    cols["gender"] = _dirt(rng, m, MISSING_GENDER_RATE, (0,), cols["gender"])
    name_styles = (1, 2, 4, 5, 6, 7)
    email_k = _dirt(
        rng, m, MISSING_EMAIL_RATE, (-1,), _dirt(rng, m, EMAIL_DIRTY_RATE, (1, 3, 5, 6))
    )
    phone_p = [*((1 - MISSING_PHONE_RATE) * np.array([0.5, 0.35, 0.15])), MISSING_PHONE_RATE]
    cols |= {"updated": updated, "id_k": _id_style(rng, m), "email_k": email_k}
    cols |= {"first_k": _dirt(rng, m, NAME_DIRTY_RATE, name_styles)}
    cols |= {"last_k": _dirt(rng, m, NAME_DIRTY_RATE, name_styles)}
    cols |= {"phone_k": rng.choice(4, m, p=phone_p), "signup_k": _ts_style(rng, m)}
    cols |= {"birth_k": rng.random(m) < MISSING_BIRTH_DATE_RATE, "updated_k": _ts_style(rng, m)}
    cols |= {"ref_k": _dirt(rng, m, ID_SPACE_RATE, (1, 2, 3))}
    cols |= {"country_k": rng.random(m) < MISSING_COUNTRY_RATE}  # drawn last: nothing else moves
    for key in ("id_k", "signup_k", "updated_k"):
        cols[key][row == keep_clean] = 0
    vocab: dict[str, object] = {"first": first_names, "last": last_names, "city": cities}
    vocab |= {"domains": EMAIL_DOMAINS, "co": words, "trade": trades}
    for key, i in (("country", 0), ("dial", 2), ("suffix", 3)):
        vocab[key] = [c[i] for c in COUNTRIES]
    return pd.DataFrame(cols, copy=False), vocab, company


def _order_table(
    rng: Rng, orders: tuple[Array, Array, Array], company: Array, end: int, export: int
) -> tuple[dict[str, Array], dict[str, Array], int]:
    """Order rows (one per exported version): per-row columns, lookup keys and amount shift."""
    cust, t, kind = orders
    n, n_customers = len(cust), len(company)
    preferred = rng.choice(len(CHANNELS), n_customers, p=CHANNEL_SHARES)
    multi = rng.random(n_customers) < MULTI_CHANNEL_RATE
    bargain = rng.random(n_customers) < BARGAIN_HUNTER_RATE
    basket = np.log(40) + rng.normal(0, 0.35, n_customers) + np.log(8) * company
    switched = multi[cust] & (rng.random(n) < 0.4)
    channel = np.where(switched, rng.integers(0, len(CHANNELS), n), preferred[cust])
    status = rng.choice(len(STATUSES), n, p=STATUS_SHARES)
    status[(t > end - 3 * DAY) & (status <= 1) & (rng.random(n) < 0.6)] = 2  # still in transit
    status[kind == 1] = 4
    cents = np.maximum(np.rint(np.exp(basket[cust] + rng.normal(0, 0.6, n)) * 100), 50)
    discounted = rng.random(n) < np.where(bargain[cust], 0.8, 0.15)
    discount = np.where(discounted, np.rint(cents * rng.uniform(0.05, 0.35, n)), 0)
    rates = (NEGATIVE_AMOUNT_RATE, ZERO_AMOUNT_RATE, EMPTY_AMOUNT_RATE)
    amount_k = np.where(kind == 2, 2, rng.choice(4, n, p=(1 - sum(rates), *rates)))
    status[-1:], amount_k[-1:] = 0, 0
    cents = np.select([amount_k == 1, amount_k == 2], [-cents, 0], cents).astype(np.int64)
    shift = max(-int(cents.min(initial=0)), 0)
    amount_key = (cents + shift) * 2 + (amount_k == 3)
    discount_key = np.where(cents > 0, discount, 0).astype(np.int64) * 2
    cust = cust + 1
    orphan = np.flatnonzero(rng.random(n) < ORPHAN_ORDER_RATE)
    orphan = orphan[orphan < n - 1]
    cust[orphan] = n_customers + 1 + rng.integers(0, max(n_customers // 20, 50), len(orphan))
    row, latest, updated = _versions(rng, t, export, DUPLICATE_ORDER_RATE, 30 * DAY, 2 * DAY)
    m, clean = len(row), row == n - 1  # every version of the latest order stays clean
    status = status[row]
    status[~latest & (rng.random(m) < 0.7)] = 3
    status = _dirt(rng, m, UNKNOWN_STATUS_RATE, (7, 8, 9), status)
    status[clean & latest] = 0
    channel = _dirt(rng, m, EMPTY_CHANNEL_RATE, (-1,), channel[row])
    per_row = {"num": row + 1, "id_k": _id_style(rng, m), "created": t[row]}
    per_row |= {"created_k": _ts_style(rng, m), "updated": updated, "updated_k": _ts_style(rng, m)}
    cust_k = _id_style(rng, m)
    status_k = _dirt(rng, m, LABEL_DIRTY_RATE, (1, 3, 5, 6, 8, 9))
    for style in (per_row["id_k"], per_row["created_k"], per_row["updated_k"], cust_k, status_k):
        style[clean] = 0
    keys = {
        "customer_id": cust[row] * 5 + cust_k,
        "status": status * 10 + status_k,
        "channel": (channel + 1) * 10 + _dirt(rng, m, LABEL_DIRTY_RATE, (1, 3, 5, 6, 8, 9)),
        "amount": amount_key[row],
        "discount_amount": discount_key[row] + (rng.random(m) < EMPTY_DISCOUNT_RATE),
    }
    return per_row, keys, shift


def _lookup(
    con: duckdb.DuckDBPyConnection, key: Array, expr: str, params: dict[str, object]
) -> Array:
    """Render SQL ``expr`` of ``k`` once per distinct non-negative key and spread it over rows."""
    seen = np.zeros(int(key.max(initial=0)) + 1, dtype=bool)
    seen[key] = True
    con.register("keys", pd.DataFrame({"k": np.flatnonzero(seen)}, copy=False))
    used = {name: value for name, value in params.items() if f"${name}" in expr}
    text = con.execute(f"SELECT {expr} AS v FROM keys", used).fetchnumpy()["v"]
    return text[np.cumsum(seen)[key] - 1]


def generate(
    customers: int,
    seed: int,
    end_date: date,
    years: int,
    orders: int | None = None,
    shape: str = "default",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Build ``raw_customers`` and ``raw_orders`` as DataFrames of Python ``str`` (object dtype).

    ``orders`` is an optional target for the number of ``raw_orders`` rows; purchase rates are
    scaled so that the total comes out close to it. Customers do not depend on it in the default
    shape. ``shape`` is one of ``SHAPES`` (see the module docstring).
    """
    if customers < 1 or years < 1:
        raise ValueError("need at least one customer and one year")
    if shape not in SHAPES:
        raise ValueError(f"unknown shape {shape!r}")
    people, behaviour = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    leap_day = (end_date.month, end_date.day) == (2, 29)
    start = end_date.replace(year=end_date.year - years, day=28 if leap_day else end_date.day)
    t0, end = _epoch(start), _epoch(end_date)
    cap, export = end + 22 * 3600, end + DAY - 1
    if shape == "dense":
        signup, cust, t, kind = _dense_schedule(behaviour, customers, t0, cap, orders)
    else:
        arch, signup, *lapsing = _signups(people, customers, t0, end, cap)
        cust, t, kind = _schedule(behaviour, arch, signup, tuple(lapsing), t0, end, cap, orders)
    t[-1:] = np.maximum(t[-1:], end + 10 * 3600)  # the latest order is on end_date
    kind[-1:] = 0
    last_buyer = int(cust[-1]) if len(cust) else -1
    customer_table, vocab, company = _customer_table(people, signup, end, export, last_buyer)
    per_row, keys, shift = _order_table(behaviour, (cust, t, kind), company, end, export)
    cw = max(7, len(str(customers + max(customers // 20, 50))))
    params = {"cw": cw, "status": STATUSES + UNKNOWN_STATUSES, "channel": CHANNELS, "shift": shift}
    with duckdb.connect() as con:
        con.execute(MACROS)
        con.register("customers", customer_table)
        customer_text = con.execute(CUSTOMERS_SQL, vocab | {"cw": cw}).fetchnumpy()
        con.register("orders", pd.DataFrame(per_row, copy=False))
        text = con.execute(ORDERS_SQL, {"ow": max(9, len(str(len(t))))}).fetchnumpy()
        for name, expr in ORDER_LOOKUPS.items():
            text[name] = _lookup(con, keys[name], expr, params)
    orders_text = {name: text[name] for name in ORDER_COLUMNS}
    customers_df = pd.DataFrame(customer_text, dtype=object, copy=False)  # str values, no copy
    return customers_df, pd.DataFrame(orders_text, dtype=object, copy=False)


def write(
    customers_df: pd.DataFrame,
    orders_df: pd.DataFrame,
    out_dir: Path,
    fmt: str,
    optional: dict[str, pd.DataFrame] | None = None,
) -> None:
    """Write both tables, and the optional ones given, to ``out_dir`` as csv, parquet or both."""
    if fmt not in ("csv", "parquet", "both"):
        raise ValueError(f"unknown format {fmt!r}")
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = {"raw_customers": customers_df, "raw_orders": orders_df, **(optional or {})}
    with duckdb.connect() as con:
        for name, df in tables.items():
            con.register(name, df)
            for ext in ("csv", "parquet") if fmt == "both" else (fmt,):
                path = str(out_dir / f"{name}.{ext}").replace("'", "''")
                options = "FORMAT csv, HEADER" if ext == "csv" else "FORMAT parquet"
                con.execute(f"COPY {name} TO '{path}' ({options})")


def main(argv: list[str] | None = None) -> None:
    # imported here: tools.generate_optional_tables builds on this module's helpers
    from tools.generate_optional_tables import generate_optional

    parser = argparse.ArgumentParser(description="Generate dirty raw customers and orders.")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--customers", type=int, default=3000)
    volume = parser.add_mutually_exclusive_group()
    volume.add_argument("--orders", type=int, help="target number of raw_orders rows")
    volume.add_argument("--orders-per-customer", type=float, help="target orders per customer")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--end-date", type=date.fromisoformat, default=date(2026, 6, 30))
    parser.add_argument("--years", type=int, default=4)
    parser.add_argument("--format", choices=("csv", "parquet", "both"), default="csv")
    parser.add_argument(
        "--no-optional-tables",
        action="store_true",
        help="write raw_customers and raw_orders only, not raw_events, raw_feedback,"
        " raw_order_items and raw_products",
    )
    parser.add_argument(
        "--shape",
        choices=SHAPES,
        default="default",
        help="default: the mix of behaviours; dense: every customer buys about orders/customers"
        " times (10 without a target) spread over the years",
    )
    args = parser.parse_args(argv)
    target = args.orders
    if args.orders_per_customer is not None:
        target = round(args.orders_per_customer * args.customers)
    customers_df, orders_df = generate(
        args.customers, args.seed, args.end_date, args.years, target, args.shape
    )
    optional = None
    if not args.no_optional_tables:
        optional = generate_optional(customers_df, orders_df, args.seed, args.end_date)
    write(customers_df, orders_df, args.out, args.format, optional)
    extra = "".join(f", {len(df)} {name} rows" for name, df in (optional or {}).items())
    print(
        f"wrote {len(customers_df)} customer rows and {len(orders_df)} order rows{extra}"
        f" to {args.out}"
    )


if __name__ == "__main__":
    main()
