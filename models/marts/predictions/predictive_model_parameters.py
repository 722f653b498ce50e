"""Fit the BG/NBD model of purchase days and the Gamma-Gamma model of spend.

One row: the parameters of both models fitted with lifetimes (maximum likelihood, no penalty) on
the customers' frequency / recency / T in `int_customers_summarised` (time unit of the var
`prediction_time_unit`), and the Gamma-Gamma model on the repeat buyers' average spend. Read by
`customer_predictions`, which scores every customer with them. See the README, "History and
predictions", and the model's yml for every column.
"""

from typing import Any

import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter


def _bgnbd(summary: pd.DataFrame) -> dict[str, Any]:
    """BG/NBD parameters r, alpha (in the time unit), a, b fitted on every customer."""
    if summary.empty:
        return {"r": None, "alpha": None, "a": None, "b": None, "bgnbd_log_likelihood": None}
    frequency, recency, age = (
        summary[column].astype(float).to_numpy()
        for column in ("bgnbd_frequency", "bgnbd_recency", "bgnbd_t")
    )
    fitter = BetaGeoFitter(penalizer_coef=0.0)
    fitter.fit(frequency, recency, age)
    params = [float(fitter.params_[name]) for name in ("r", "alpha", "a", "b")]
    # lifetimes rescales time while fitting; the log-likelihood is recomputed in the project's
    # time unit so that it is comparable with the literature (CDNOW in weeks: -9582.4).
    mean_negative_log_likelihood = BetaGeoFitter._negative_log_likelihood(
        np.log(params), frequency, recency, age, np.ones_like(frequency), 0.0
    )
    return {
        **dict(zip(("r", "alpha", "a", "b"), params, strict=True)),
        "bgnbd_log_likelihood": -float(mean_negative_log_likelihood) * len(summary),
    }


def _gamma_gamma(repeat_buyers: pd.DataFrame) -> dict[str, Any]:
    """Gamma-Gamma parameters p, q, v fitted on repeat buyers with a positive average spend."""
    if len(repeat_buyers) < 2:
        return {"p": None, "q": None, "v": None, "frequency_spend_correlation": None}
    fitter = GammaGammaFitter(penalizer_coef=0.0)
    fitter.fit(
        repeat_buyers["bgnbd_frequency"].astype(float),
        repeat_buyers["average_repeat_spend"].astype(float),
    )
    correlation = (
        repeat_buyers["bgnbd_frequency"]
        .astype(float)
        .corr(repeat_buyers["average_repeat_spend"].astype(float))
    )
    return {
        **{name: float(fitter.params_[name]) for name in ("p", "q", "v")},
        "frequency_spend_correlation": None if pd.isna(correlation) else float(correlation),
    }


def model(dbt: Any, session: Any) -> pd.DataFrame:
    dbt.config(materialized="table")
    summary = dbt.ref("int_customers_summarised").df()
    settings = dbt.ref("int_prediction_settings_resolved").df().iloc[0]
    repeat_buyers = summary[
        (summary["bgnbd_frequency"] > 0) & (summary["average_repeat_spend"] > 0)
    ]
    row = {
        "as_of_date": settings["as_of_date"],
        "prediction_time_unit": settings["prediction_time_unit"],
        "days_per_period": int(settings["days_per_period"]),
        **_bgnbd(summary),
        "bgnbd_customers": len(summary),
        **_gamma_gamma(repeat_buyers),
        "gamma_gamma_customers": len(repeat_buyers),
    }
    columns = [
        "as_of_date",
        "prediction_time_unit",
        "days_per_period",
        "r",
        "alpha",
        "a",
        "b",
        "bgnbd_log_likelihood",
        "bgnbd_customers",
        "p",
        "q",
        "v",
        "frequency_spend_correlation",
        "gamma_gamma_customers",
    ]
    frame = pd.DataFrame([row], columns=columns)
    for name in ("r", "alpha", "a", "b", "bgnbd_log_likelihood", "p", "q", "v"):
        frame[name] = frame[name].astype("float64")
    frame["frequency_spend_correlation"] = frame["frequency_spend_correlation"].astype("float64")
    frame["as_of_date"] = pd.to_datetime(frame["as_of_date"]).dt.date
    return frame
