"""Generated inputs of the predictive fit: the rows of `int_customers_summarised` as the
Python models read them (bgnbd_frequency, bgnbd_recency, bgnbd_t in weeks, average_repeat_spend),
for populations of any size and several shapes, including the edge cases that break lifetimes.

Recency and T are whole days divided by 7, as the project computes them; a repeat buyer's last
purchase is at least one day after the first (purchase days are distinct days).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np
import pandas as pd

DAYS_PER_WEEK = 7
Rng = np.random.Generator


def _bgnbd_population(
    rng: Rng,
    n: int,
    r: float,
    alpha: float,
    a: float,
    b: float,
    max_age_days: int = 546,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Frequency, recency days and T days of a BG/NBD population (Fader, Hardie & Lee 2005):
    gamma(r, alpha) purchase rates per week, beta(a, b) dropout probabilities after each repeat
    purchase, ages uniform over 1..max_age_days days."""
    age_days = rng.integers(1, max_age_days + 1, n)
    rate = rng.gamma(r, 1 / alpha, n)
    dropout = rng.beta(a, b, n)
    purchases_before_dropout = rng.geometric(dropout)
    purchases_in_window = rng.poisson(rate * age_days / DAYS_PER_WEEK)
    frequency = np.minimum(purchases_before_dropout, purchases_in_window)
    # the x-th of the window's purchase times, uniform order statistics over the age
    k = np.maximum(frequency, 1)
    position = rng.beta(k, np.maximum(purchases_in_window - k + 1, 1))
    recency_days = np.where(
        frequency > 0, np.clip(np.round(position * age_days), 1, age_days), 0
    ).astype(np.int64)
    frequency = np.minimum(frequency, recency_days)  # at most one purchase day per day
    return frequency.astype(np.int64), recency_days, age_days.astype(np.int64)


def _gamma_gamma_spend(
    rng: Rng, frequency: np.ndarray, p: float = 6.25, q: float = 3.74, v: float = 15.44
) -> np.ndarray:
    """Average spend of the repeat purchase days under Gamma-Gamma (Fader & Hardie 2013)."""
    x = np.maximum(frequency, 1)
    scale_rate = rng.gamma(q, 1 / v, len(frequency))
    return np.round(rng.gamma(p * x, 1 / (scale_rate * x)), 2).clip(0.01)


def _frame(
    frequency: np.ndarray, recency_days: np.ndarray, age_days: np.ndarray, spend: np.ndarray
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [f"C{position:08d}" for position in range(len(frequency))],
            "bgnbd_frequency": frequency.astype(np.int64),
            "bgnbd_recency": recency_days / DAYS_PER_WEEK,
            "bgnbd_t": age_days / DAYS_PER_WEEK,
            "average_repeat_spend": np.where(frequency > 0, spend, np.nan),
        }
    )


def _random_parameters(rng: Rng) -> dict[str, float]:
    """BG/NBD parameters over the range published fits cover (weeks)."""
    return {
        "r": float(np.exp(rng.uniform(np.log(0.1), np.log(3.0)))),
        "alpha": float(np.exp(rng.uniform(np.log(0.5), np.log(30.0)))),
        "a": float(np.exp(rng.uniform(np.log(0.2), np.log(5.0)))),
        "b": float(np.exp(rng.uniform(np.log(0.5), np.log(10.0)))),
    }


def bgnbd(rng: Rng, n: int) -> pd.DataFrame:
    """A BG/NBD population with random parameters and Gamma-Gamma spend."""
    frequency, recency, age = _bgnbd_population(rng, n, **_random_parameters(rng))
    return _frame(frequency, recency, age, _gamma_gamma_spend(rng, frequency))


def cdnow_like(rng: Rng, n: int) -> pd.DataFrame:
    """A population with the published CDNOW parameters (r 0.243, alpha 4.414, a 0.793,
    b 2.426) and spend (p 6.25, q 3.74, v 15.44)."""
    frequency, recency, age = _bgnbd_population(rng, n, 0.243, 4.414, 0.793, 2.426, 273)
    return _frame(frequency, recency, age, _gamma_gamma_spend(rng, frequency))


def one_price(rng: Rng, n: int) -> pd.DataFrame:
    """Every order has the same price: no spread of spend per purchase."""
    frequency, recency, age = _bgnbd_population(rng, n, **_random_parameters(rng))
    return _frame(frequency, recency, age, np.full(n, 19.99))


def two_prices(rng: Rng, n: int) -> pd.DataFrame:
    """Each customer always pays one of two prices: almost no spread of spend."""
    frequency, recency, age = _bgnbd_population(rng, n, **_random_parameters(rng))
    return _frame(frequency, recency, age, rng.choice([9.99, 10.00], n))


def no_repeat_buyers(rng: Rng, n: int) -> pd.DataFrame:
    """Every customer bought on one day only."""
    age = rng.integers(0, 1000, n)
    zeros = np.zeros(n, dtype=np.int64)
    return _frame(zeros, zeros, age, np.full(n, np.nan))


def everyone_repeats(rng: Rng, n: int) -> pd.DataFrame:
    """Every customer has bought again, the last time recently."""
    age = rng.integers(30, 700, n)
    recency = np.maximum(age - rng.integers(0, 30, n), 1)
    frequency = np.minimum(rng.poisson(recency / 30) + 1, recency)
    return _frame(frequency, recency, age, _gamma_gamma_spend(rng, frequency))


def extreme_values(rng: Rng, n: int) -> pd.DataFrame:
    """Edge values side by side: first purchase on the as-of date (T = 0), daily buyers over ten
    years, a last purchase on the as-of date, one-day buyers of ten years ago, spend of a cent
    and of a million."""
    kind = rng.integers(0, 5, n)
    age = np.select(
        [kind == 0, kind == 1, kind == 2, kind == 3],
        [np.zeros(n), np.full(n, 3650), rng.integers(2, 3650, n), np.full(n, 3650)],
        rng.integers(1, 60, n),
    ).astype(np.int64)
    recency = np.select([kind == 1, kind == 2], [np.full(n, 3650), age], np.zeros(n)).astype(
        np.int64
    )
    frequency = np.select(
        [kind == 1, kind == 2], [np.full(n, 3650), np.minimum(rng.integers(1, 5, n), age)], 0
    ).astype(np.int64)
    spend = np.where(rng.random(n) < 0.5, 0.01, 1_000_000.0)
    return _frame(frequency, recency, age, spend)


def everyone_new(rng: Rng, n: int) -> pd.DataFrame:
    """Every customer's first purchase is on the as-of date (T = 0 for all)."""
    zeros = np.zeros(n, dtype=np.int64)
    return _frame(zeros, zeros, zeros, np.full(n, np.nan))


SHAPES: dict[str, Callable[[Rng, int], pd.DataFrame]] = {
    "bgnbd": bgnbd,
    "cdnow_like": cdnow_like,
    "one_price": one_price,
    "two_prices": two_prices,
    "no_repeat_buyers": no_repeat_buyers,
    "everyone_repeats": everyone_repeats,
    "extreme_values": extreme_values,
    "everyone_new": everyone_new,
}


def generate(shape: str, n: int, seed: int) -> pd.DataFrame:
    """The summary rows of `n` customers of one shape; the same arguments give the same rows."""
    return SHAPES[shape](np.random.default_rng([seed, n, sorted(SHAPES).index(shape)]), n)


def purchases(summary: pd.DataFrame, as_of: date, seed: int = 0) -> pd.DataFrame:
    """Purchases (customer_id, ordered_at, amount) whose summary as of `as_of` is `summary`: the
    first purchase T days before the as-of date, the last t_x days after the first, the other
    repeat purchase days in between, each repeat day at the customer's average repeat spend (the
    first purchase at the same amount, or 10.00 for one-day buyers)."""
    rng = np.random.default_rng(seed)
    rows = []
    end = pd.Timestamp(as_of)
    for customer in summary.itertuples(index=False):
        x = int(customer.bgnbd_frequency)
        age_days = round(customer.bgnbd_t * DAYS_PER_WEEK)
        recency_days = round(customer.bgnbd_recency * DAYS_PER_WEEK)
        first = end - pd.Timedelta(days=age_days)
        between = rng.choice(np.arange(1, recency_days), size=max(x - 1, 0), replace=False)
        offsets = [0, *sorted(int(day) for day in between), *([recency_days] if x else [])]
        amount = float(customer.average_repeat_spend) if x else 10.0
        rows += [
            (customer.customer_id, (first + pd.Timedelta(days=day)).strftime("%Y-%m-%d"), amount)
            for day in offsets
        ]
    return pd.DataFrame(rows, columns=["customer_id", "ordered_at", "amount"])


def calibration(summary: pd.DataFrame, holdout_days: int, as_of: date) -> pd.DataFrame:
    """The rows of `int_customers_calibrated` (bgnbd_frequency, bgnbd_recency, bgnbd_t in weeks
    at the calibration end, holdout_purchases after it) of the purchases `purchases` gives for
    `summary`, the calibration end `holdout_days` before `as_of`: customers whose first purchase
    day is on or before it."""
    bought = purchases(summary, as_of)
    before = (pd.Timestamp(as_of) - pd.to_datetime(bought["ordered_at"])).dt.days
    in_calibration = before >= holdout_days
    days = before[in_calibration].groupby(bought["customer_id"][in_calibration])
    first, last, count = days.max(), days.min(), days.size()
    holdout = bought["customer_id"][~in_calibration].value_counts()
    return pd.DataFrame(
        {
            "customer_id": first.index,
            "bgnbd_frequency": (count - 1).to_numpy(),
            "bgnbd_recency": ((first - last) / DAYS_PER_WEEK).to_numpy(),
            "bgnbd_t": ((first - holdout_days) / DAYS_PER_WEEK).to_numpy(),
            "holdout_purchases": holdout.reindex(first.index, fill_value=0).to_numpy(),
        }
    )
