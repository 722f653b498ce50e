"""Fit the BG/NBD model of purchase days and the Gamma-Gamma model of spend.

One row: the parameters of both models fitted with lifetimes (maximum likelihood, no penalty) on
the customers' frequency / recency / T in `int_customers_summarised` (time unit of the var
`prediction_time_unit`), and the Gamma-Gamma model on the repeat buyers' average spend. Read by
`customer_predictions`, which scores every customer with them. See the README, "History and
predictions", and the model's yml for every column.
"""

import contextlib
import io
from typing import Any

import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.utils import ConvergenceError

# lifetimes' default gradient tolerance first. At the optimum, BFGS can still stop with "precision
# loss" (status 2) depending on the order of the floating-point sums; the next, looser tolerance
# then ends at the same parameters to about 1e-6.
FIT_TOLERANCES = (1e-7, 1e-6, 1e-5)


# The BG/NBD inputs of int_customers_summarised.
BGNBD_INPUTS = ("bgnbd_frequency", "bgnbd_recency", "bgnbd_t")


def _fit(fitter: Any, *data: np.ndarray, **options: Any) -> float:
    """Fit with the first tolerance that converges and return it; raise if none does."""
    for tolerance in FIT_TOLERANCES:
        try:
            with contextlib.redirect_stdout(io.StringIO()):  # lifetimes prints failed attempts
                fitter.fit(*data, tol=tolerance, **options)
        except ConvergenceError:
            continue
        return tolerance
    raise ConvergenceError(
        f"{type(fitter).__name__} did not converge with any tolerance in {FIT_TOLERANCES}"
    )


def _bgnbd(summary: pd.DataFrame) -> dict[str, Any]:
    """BG/NBD parameters r, alpha (in the time unit), a, b fitted on every customer.

    The likelihood depends on a customer only through (frequency, recency, T), so customers with
    the same three are fitted once with their count as weight, as Fader and Hardie do: the same
    likelihood, in about half the time on a million customers.
    """
    if summary.empty:
        return {}
    patterns = (
        summary.astype({column: float for column in BGNBD_INPUTS})
        .groupby(list(BGNBD_INPUTS), sort=True)
        .size()
        .reset_index(name="customers")
    )
    frequency, recency, age = (patterns[column].to_numpy() for column in BGNBD_INPUTS)
    weights = patterns["customers"].to_numpy()
    fitter = BetaGeoFitter(penalizer_coef=0.0)
    tolerance = _fit(fitter, frequency, recency, age, weights=weights)
    params = [float(fitter.params_[name]) for name in ("r", "alpha", "a", "b")]
    # lifetimes rescales time while fitting; the log-likelihood is recomputed in the project's
    # time unit so that it is comparable with the literature (CDNOW in weeks: -9582.4).
    mean_negative_log_likelihood = BetaGeoFitter._negative_log_likelihood(
        np.log(params), frequency, recency, age, weights, 0.0
    )
    return {
        **dict(zip(("r", "alpha", "a", "b"), params, strict=True)),
        "bgnbd_log_likelihood": -float(mean_negative_log_likelihood) * len(summary),
        "bgnbd_fit_tolerance": tolerance,
    }


def _gamma_gamma(repeat_buyers: pd.DataFrame) -> dict[str, Any]:
    """Gamma-Gamma parameters p, q, v fitted on repeat buyers with a positive average spend."""
    if len(repeat_buyers) < 2:
        return {}
    frequency, spend = (
        repeat_buyers[column].astype(float).to_numpy()
        for column in ("bgnbd_frequency", "average_repeat_spend")
    )
    fitter = GammaGammaFitter(penalizer_coef=0.0)
    tolerance = _fit(fitter, frequency, spend)
    correlation = float(np.corrcoef(frequency, spend)[0, 1])
    return {
        **{name: float(fitter.params_[name]) for name in ("p", "q", "v")},
        "gamma_gamma_fit_tolerance": tolerance,
        "frequency_spend_correlation": None if np.isnan(correlation) else correlation,
    }


COLUMNS = {
    "as_of_date": "object",
    "prediction_time_unit": "object",
    "days_per_period": "int64",
    "r": "float64",
    "alpha": "float64",
    "a": "float64",
    "b": "float64",
    "bgnbd_log_likelihood": "float64",
    "bgnbd_fit_tolerance": "float64",
    "bgnbd_customers": "int64",
    "p": "float64",
    "q": "float64",
    "v": "float64",
    "gamma_gamma_fit_tolerance": "float64",
    "frequency_spend_correlation": "float64",
    "gamma_gamma_customers": "int64",
}


def fit_parameters(summary: pd.DataFrame) -> dict[str, Any]:
    """Both models fitted on the rows of `int_customers_summarised` (bgnbd_frequency,
    bgnbd_recency, bgnbd_t, average_repeat_spend): the model's columns from r to
    gamma_gamma_customers. Pure, so that tests can call it on generated data."""
    repeat_buyers = summary[
        (summary["bgnbd_frequency"] > 0) & (summary["average_repeat_spend"] > 0)
    ]
    return {
        **_bgnbd(summary),
        "bgnbd_customers": len(summary),
        **_gamma_gamma(repeat_buyers),
        "gamma_gamma_customers": len(repeat_buyers),
    }


def model(dbt: Any, session: Any) -> pd.DataFrame:
    dbt.config(materialized="table")
    # sorted, so that the same data always gives the same floating-point sums and parameters
    summary = dbt.ref("int_customers_summarised").df().sort_values("customer_id")
    settings = dbt.ref("int_prediction_settings_resolved").df().iloc[0]
    row = {
        "as_of_date": pd.Timestamp(settings["as_of_date"]).date(),
        "prediction_time_unit": settings["prediction_time_unit"],
        "days_per_period": int(settings["days_per_period"]),
        **fit_parameters(summary),
    }
    frame = pd.DataFrame([row], columns=list(COLUMNS))
    return frame.astype(COLUMNS)
