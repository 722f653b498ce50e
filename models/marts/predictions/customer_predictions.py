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
from lifetimes import BetaGeoFitter
from scipy.special import hyp2f1


def expected_purchases(
    t: float,
    frequency: np.ndarray,
    age: np.ndarray,
    p_alive: np.ndarray,
    r: float,
    alpha: float,
    a: float,
    b: float,
) -> np.ndarray:
    """BG/NBD conditional expected number of purchase days in the next t periods (Fader, Hardie
    & Lee 2005, eq. 10): (a + b + x - 1) / (a - 1) * [1 - ((alpha + T) / (alpha + T + t))^(r + x)
    * 2F1(r + x, b + x; a + b + x - 1; z)] * P(alive), z = t / (alpha + T + t).

    As lifetimes' conditional_expected_number_of_purchases_up_to_time (the same figures to about
    1e-15 where that is finite), but without its logarithms, and Euler's transformation of the
    hypergeometric function, (1 - z)^(r + x) * 2F1(r + x, b + x; c; z) = (1 - z)^(a - 1) *
    2F1(a + b - 1 - r, a - 1; c; z), wherever the direct form is not finite: lifetimes takes the
    log of 2F1, which is negative for some one-day buyers when a + b < 1 (c < 0), and so gives
    NaN there. The same function is in predictive_model_parameters, which checks that the fitted
    parameters score every customer.
    """
    c = a + b + frequency - 1
    z = t / (alpha + age + t)
    with np.errstate(all="ignore"):  # where a form overflows, the other is taken
        direct = hyp2f1(r + frequency, b + frequency, c, z) * (1 - z) ** (r + frequency)
        euler = hyp2f1(a + b - 1 - r, a - 1, c, z) * (1 - z) ** (a - 1)
    term = np.where(np.isfinite(direct), direct, euler)
    return c / (a - 1) * (1 - term) * p_alive


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


SCORE_COLUMNS = [
    "customer_id",
    "bgnbd_frequency",
    "bgnbd_recency",
    "bgnbd_t",
    "average_repeat_spend",
    "prediction_time_unit",
    "p_alive",
    "expected_purchases",
    "expected_purchases_90d",
    "expected_spend_per_purchase",
    "expected_revenue",
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
    frequency, recency, age, spend = (
        summary[column].astype(float).to_numpy()
        for column in ("bgnbd_frequency", "bgnbd_recency", "bgnbd_t", "average_repeat_spend")
    )
    horizon = float(settings["prediction_horizon_periods"])
    scored = summary[
        [
            "customer_id",
            "bgnbd_frequency",
            "bgnbd_recency",
            "bgnbd_t",
            "average_repeat_spend",
            "prediction_time_unit",
            "as_of_date",
        ]
    ].copy()
    scored["prediction_horizon_days"] = int(settings["prediction_horizon_days"])
    scored["p_alive"] = np.nan
    scored["expected_purchases"] = np.nan
    scored["expected_purchases_90d"] = np.nan
    scored["expected_spend_per_purchase"] = np.nan

    if len(summary) > 0 and not pd.isna(parameters["r"]):
        bgnbd = {name: float(parameters[name]) for name in ("r", "alpha", "a", "b")}
        fitter = BetaGeoFitter()
        fitter.params_ = pd.Series(bgnbd)
        p_alive = np.asarray(
            fitter.conditional_probability_alive(frequency, recency, age), dtype=float
        )
        scored["p_alive"] = p_alive
        scored["expected_purchases"] = expected_purchases(horizon, frequency, age, p_alive, **bgnbd)
        # the fixed 90-day figure analysts compare across builds, whatever the horizon var says
        scored["expected_purchases_90d"] = expected_purchases(
            90.0 / float(settings["days_per_period"]), frequency, age, p_alive, **bgnbd
        )
    if len(summary) > 0 and not pd.isna(parameters["p"]):
        scored["expected_spend_per_purchase"] = _expected_spend(
            frequency, spend, float(parameters["p"]), float(parameters["q"]), float(parameters["v"])
        )
    scored["expected_revenue"] = (
        scored["expected_purchases"] * scored["expected_spend_per_purchase"]
    )
    scored["as_of_date"] = pd.to_datetime(scored["as_of_date"]).dt.date
    return scored[SCORE_COLUMNS]


def model(dbt: Any, session: Any) -> pd.DataFrame:
    dbt.config(materialized="table")
    # one ref per statement: nested in one call, dbt (1.11) registered only the first ref
    summary = dbt.ref("int_customers_summarised").df()
    settings = dbt.ref("int_prediction_settings_resolved").df().iloc[0]
    parameters = dbt.ref("predictive_model_parameters").df().iloc[0]
    return score(summary, parameters, settings)
