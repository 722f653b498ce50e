"""Score every customer with a purchase with the models in `predictive_model_parameters`.

One row per customer of `int_customers_summarised`: the BG/NBD inputs, P(alive), the expected
number of purchase days within the horizon (var `prediction_horizon_days`), the Gamma-Gamma
expected spend per purchase day and the expected revenue within the horizon. The churn-risk band
is added in `customer_segments` from P(alive) (macro `churn_risk_band`). See docs/predictions.md
and the model's yml for every column.
"""

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter, ModifiedBetaGeoFitter
from scipy.special import hyp2f1


def distinct_pairs(frequency: np.ndarray, age: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (x, T), as x + iT, and each customer's index: found once per scoring."""
    values = np.asarray(frequency, dtype=float) + 1j * np.asarray(age, dtype=float)
    pairs, customer_pair = np.unique(values, return_inverse=True)
    return pairs, customer_pair.reshape(-1)


def expected_purchases(
    t: float,
    frequency: np.ndarray,
    age: np.ndarray,
    p_alive: np.ndarray,
    r: float,
    alpha: float,
    a: float,
    b: float,
    model: str = "bgnbd",
    distinct: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Conditional expected number of purchase days in the next t periods.

    BG/NBD (Fader, Hardie & Lee 2005, eq. 10): (a + b + x - 1) / (a - 1) * [1 - ((alpha + T) /
    (alpha + T + t))^(r + x) * 2F1(r + x, b + x; a + b + x - 1; z)] * P(alive), z = t / (alpha +
    T + t). The modified BG/NBD (Batislam, Denizel & Filiztekin 2007, as lifetimes'
    ModifiedBetaGeoFitter) is the same with b + x + 1 and a + b + x in place of b + x and
    a + b + x - 1 (`shift` 1), and its own P(alive).

    As lifetimes' conditional_expected_number_of_purchases_up_to_time (to about 1e-15 where that
    is finite), without its logarithms; where the direct form is not finite, Euler's
    transformation, (1 - z)^(r + x) 2F1(r + x, b + x + shift; c; z) = (1 - z)^(a - 1)
    2F1(a + b - 1 - r + shift, a - 1; c; z): lifetimes gives NaN for some one-day buyers when
    a + b < 1 (the log of a negative 2F1). 2F1 is computed once per distinct (x, T): scipy takes
    some 50 microseconds a value at the large r and b of steady buyers. The same function is in
    predictive_model_parameters, which checks that the fitted parameters score every customer.
    """
    shift = 1 if model == "mbgnbd" else 0
    pairs, customer_pair = distinct_pairs(frequency, age) if distinct is None else distinct
    x, z = pairs.real, t / (alpha + pairs.imag + t)
    c = a + b + x - 1 + shift
    with np.errstate(all="ignore"):  # where the direct form overflows, Euler's is taken
        term = hyp2f1(r + x, b + x + shift, c, z) * (1 - z) ** (r + x)
        failed = ~np.isfinite(term)
        term[failed] = hyp2f1(a + b - 1 - r + shift, a - 1, c[failed], z[failed]) * (
            1 - z[failed]
        ) ** (a - 1)
    return (c / (a - 1) * (1 - term))[customer_pair] * p_alive


# The length of a month of the customer lifetime value, in days (a year / 12).
DAYS_PER_MONTH = 365.25 / 12
FITTERS = {"bgnbd": BetaGeoFitter, "mbgnbd": ModifiedBetaGeoFitter}


def _expected_spend(
    frequency: np.ndarray, spend: np.ndarray, p: float, q: float, v: float
) -> np.ndarray:
    """Gamma-Gamma conditional expected spend per purchase (Fader & Hardie 2013, eq. 5).

    A weighted average of the population mean v p / (q - 1) and the customer's average repeat
    spend, with weight p x / (p x + q - 1) on the latter; customers without repeat purchases
    (x = 0) get the population mean. Undefined (NaN) when q <= 1.
    """
    if q <= 1:
        return np.full(len(frequency), np.nan)
    individual_weight = p * frequency / (p * frequency + q - 1)
    population_mean = v * p / (q - 1)
    return (1 - individual_weight) * population_mean + individual_weight * np.nan_to_num(spend)


def _discounted_purchases(
    frequency: np.ndarray,
    age: np.ndarray,
    p_alive: np.ndarray,
    parameters: Mapping[str, float],
    model: str,
    settings: Mapping[str, Any],
    distinct: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """The expected purchase days of each of the next clv_horizon_months months, each discounted
    at clv_monthly_discount_rate to today: sum over m of (E[X(m months)] - E[X(m - 1 months)])
    / (1 + d)^m. Times the expected spend per purchase day, the customer lifetime value."""
    months = int(settings["clv_horizon_months"])
    rate = float(settings["clv_monthly_discount_rate"])
    step = DAYS_PER_MONTH / float(settings["days_per_period"])  # a month in the time unit
    total = np.zeros(len(frequency))
    previous = np.zeros(len(frequency))
    for month in range(1, months + 1):
        current = expected_purchases(
            month * step, frequency, age, p_alive, **parameters, model=model, distinct=distinct
        )
        total += (current - previous) / (1 + rate) ** month
        previous = current
    return total


SCORE_COLUMNS = [
    "customer_id",
    "bgnbd_frequency",
    "bgnbd_recency",
    "bgnbd_t",
    "average_repeat_spend",
    "prediction_time_unit",
    "prediction_model",
    "p_alive",
    "expected_purchases",
    "expected_purchases_90d",
    "expected_spend_per_purchase",
    "expected_revenue",
    "customer_lifetime_value",
    "prediction_horizon_days",
    "as_of_date",
]


def score(
    summary: pd.DataFrame, parameters: Mapping[str, Any], settings: Mapping[str, Any]
) -> pd.DataFrame:
    """The scores of every customer of `summary` (rows of int_customers_summarised) under the
    fitted `parameters` (the row of predictive_model_parameters) and `settings` (the row of
    int_prediction_settings_resolved). Null parameters (a model not fitted) give null scores.
    Pure, so that tests can call it on generated data."""
    inputs = ["bgnbd_frequency", "bgnbd_recency", "bgnbd_t", "average_repeat_spend"]
    frequency, recency, age, spend = (summary[column].astype(float).to_numpy() for column in inputs)
    horizon = float(settings["prediction_horizon_periods"])
    scored = summary[["customer_id", *inputs, "prediction_time_unit", "as_of_date"]].copy()
    scored["prediction_horizon_days"] = int(settings["prediction_horizon_days"])
    scored["p_alive"] = np.nan
    scored["expected_purchases"] = np.nan
    scored["expected_purchases_90d"] = np.nan
    scored["expected_spend_per_purchase"] = np.nan
    scored["customer_lifetime_value"] = np.nan

    model = parameters.get("prediction_model", "bgnbd")
    model = None if pd.isna(model) else str(model)
    scored["prediction_model"] = model
    prefix = "mbgnbd_" if model == "mbgnbd" else ""
    purchase_model = None
    if len(summary) > 0 and model is not None and not pd.isna(parameters[prefix + "r"]):
        purchase_model = {
            name: float(parameters[prefix + name]) for name in ("r", "alpha", "a", "b")
        }
        fitter = FITTERS[model]()
        fitter.params_ = pd.Series(purchase_model)
        with np.errstate(all="ignore"):
            p_alive = fitter.conditional_probability_alive(frequency, recency, age)
        scored["p_alive"] = p_alive = np.asarray(p_alive, dtype=float)
        # and the fixed 90-day figure analysts compare across builds, whatever the horizon var
        days_90 = 90.0 / float(settings["days_per_period"])
        horizons = {"expected_purchases": horizon, "expected_purchases_90d": days_90}
        distinct = distinct_pairs(frequency, age)
        for column, periods in horizons.items():
            scored[column] = expected_purchases(
                periods, frequency, age, p_alive, **purchase_model, model=model, distinct=distinct
            )
    if len(summary) > 0 and not pd.isna(parameters["p"]):
        scored["expected_spend_per_purchase"] = _expected_spend(
            frequency, spend, float(parameters["p"]), float(parameters["q"]), float(parameters["v"])
        )
    scored["expected_revenue"] = (
        scored["expected_purchases"] * scored["expected_spend_per_purchase"]
    )
    if purchase_model is not None:
        scored["customer_lifetime_value"] = _discounted_purchases(
            frequency, age, scored["p_alive"].to_numpy(), purchase_model, model, settings, distinct
        ) * scored["expected_spend_per_purchase"].to_numpy(dtype=float)
    scored["as_of_date"] = pd.to_datetime(scored["as_of_date"]).dt.date
    return scored[SCORE_COLUMNS]


def model(dbt: Any, session: Any) -> pd.DataFrame:
    dbt.config(materialized="table")
    # one ref per statement: nested in one call, dbt (1.11) registered only the first ref
    summary = dbt.ref("int_customers_summarised").df()
    settings = dbt.ref("int_prediction_settings_resolved").df().iloc[0]
    parameters = dbt.ref("predictive_model_parameters").df().iloc[0]
    return score(summary, parameters, settings)
