"""The scores in SQL (macro purchase_model_scores) equal lifetimes' on the same parameters.

The macro is compiled once by dbt and run by DuckDB on tables of generated patterns, for
parameter sets that stress the series of the Gaussian hypergeometric function: the CDNOW fit
(a < 1), a + b < 1 (where lifetimes' expected purchases are NaN for some one-day buyers, and the
Python model's Euler form is the reference), a large a and b, time in days, a horizon far longer
than alpha, and parameters at the bound of the bounded fit; each under BG/NBD and the modified
BG/NBD. Every customer's P(alive), expected purchases, expected spend and discounted customer
lifetime value (from lifetimes' expected purchases at each month's end) must agree to 1e-6
relative (1e-9 in practice).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from lifetimes import BetaGeoFitter, GammaGammaFitter, ModifiedBetaGeoFitter

ROOT = Path(__file__).resolve().parents[2]
DBT = ROOT / ".venv" / "bin" / "dbt"
RELATIVE_TOLERANCE = 1e-6
FITTERS = {"bgnbd": BetaGeoFitter, "mbgnbd": ModifiedBetaGeoFitter}
# the defaults of the vars clv_horizon_months and clv_monthly_discount_rate
CLV_MONTHS, CLV_RATE = 12, 0.01

_spec = importlib.util.spec_from_file_location(
    "customer_predictions", ROOT / "models/marts/predictions/customer_predictions.py"
)
assert _spec is not None and _spec.loader is not None
customer_predictions = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(customer_predictions)

# name: (r, alpha, a, b, p, q, v, horizon in periods, days per period)
PARAMETER_SETS = {
    "cdnow_weeks": (0.243, 4.414, 0.793, 2.426, 6.25, 3.74, 15.44, 90 / 7, 7),
    "a_plus_b_below_one": (0.5, 2.0, 0.3, 0.4, 2.0, 1.5, 20.0, 90 / 7, 7),
    "large_a_b": (1.2, 10.0, 50.0, 80.0, 4.0, 8.0, 30.0, 90 / 7, 7),
    "days": (0.243, 30.9, 0.793, 2.426, 6.25, 3.74, 15.44, 90.0, 1),
    "long_horizon_small_alpha": (0.8, 0.5, 1.7, 3.2, 3.0, 1.6, 10.0, 365 / 7, 7),
    "at_the_bound": (0.3, 6.0, float(np.exp(10)), float(np.exp(10)), 1.0, 2.0, 5.0, 90 / 7, 7),
    # a nearly constant purchase rate (r and alpha in the thousands, b at the bound): the fit of
    # customers who all buy about ten times; few terms, though A and B are large
    "nearly_constant_rate": (
        12177.9,
        340982.6,
        4.54e-5,
        float(np.exp(10)),
        6.25,
        3.74,
        15.44,
        90 / 7,
        7,
    ),
}


@pytest.fixture(scope="module")
def scoring_sql() -> str:
    environment = {
        **os.environ,
        "DBT_PROFILES_DIR": str(ROOT),
        "DBT_PROJECT_DIR": str(ROOT),
        "DBT_DUCKDB_PATH": ":memory:",
    }
    compiled = subprocess.run(
        [
            str(DBT),
            "compile",
            "--quiet",
            "--inline",
            "{{ purchase_model_scores("
            "'scoring_summary', 'scoring_parameters', 'scoring_settings') }}",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return compiled.stdout


def _patterns() -> pd.DataFrame:
    """Customers at every corner: no repeat, a few, many (150) repeat purchase days; ages from 0
    (first purchase on the as-of date) to 300 periods; recency from 0 to the age."""
    rng = np.random.default_rng(7)
    rows = []
    for frequency in [*range(0, 12), 20, 40, 60, 150]:
        for age in [0.0, 1 / 7, 1.0, 4.5, 10.0, 52.0, 104.3, 300.0]:
            recencies = [0.0] if frequency == 0 else sorted({age, age / 2, age * rng.random()})
            for recency in recencies:
                rows.append((frequency, recency, age, 25.0 + 10 * rng.random()))
    summary = pd.DataFrame(
        rows, columns=["bgnbd_frequency", "bgnbd_recency", "bgnbd_t", "average_repeat_spend"]
    )
    summary.loc[summary["bgnbd_frequency"] == 0, "average_repeat_spend"] = np.nan
    summary.insert(0, "customer_id", [f"C{i:05d}" for i in range(len(summary))])
    return summary


def _reference(
    summary: pd.DataFrame, parameters: tuple[float, ...], model: str = "bgnbd"
) -> pd.DataFrame:
    r, alpha, a, b, p, q, v, horizon, days_per_period = parameters
    frequency, recency, age = (
        summary[c].to_numpy(float) for c in ("bgnbd_frequency", "bgnbd_recency", "bgnbd_t")
    )
    bgnbd = FITTERS[model]()
    bgnbd.params_ = pd.Series({"r": r, "alpha": alpha, "a": a, "b": b})
    with np.errstate(all="ignore"):
        p_alive = np.asarray(bgnbd.conditional_probability_alive(frequency, recency, age), float)

    def expected(t: float) -> np.ndarray:
        with np.errstate(all="ignore"):
            lifetimes_value = np.asarray(
                bgnbd.conditional_expected_number_of_purchases_up_to_time(
                    t, frequency, recency, age
                ),
                float,
            )
        own = customer_predictions.expected_purchases(
            t, frequency, age, p_alive, r, alpha, a, b, model=model
        )
        # where lifetimes' logarithm of 2F1 gives NaN, the Euler form of the Python model
        return np.where(np.isfinite(lifetimes_value), lifetimes_value, own)

    gamma_gamma = GammaGammaFitter()
    gamma_gamma.params_ = pd.Series({"p": p, "q": q, "v": v})
    spend = np.asarray(
        gamma_gamma.conditional_expected_average_profit(
            summary["bgnbd_frequency"], summary["average_repeat_spend"].fillna(0)
        ),
        float,
    )
    if q <= 1:
        spend = np.full(len(summary), np.nan)
    month = 365.25 / 12 / days_per_period
    by_month = [np.zeros(len(summary))] + [expected(m * month) for m in range(1, CLV_MONTHS + 1)]
    discounted = sum(
        (by_month[m] - by_month[m - 1]) / (1 + CLV_RATE) ** m for m in range(1, CLV_MONTHS + 1)
    )
    return pd.DataFrame(
        {
            "customer_id": summary["customer_id"],
            "p_alive": p_alive,
            "expected_purchases": expected(horizon),
            "expected_purchases_90d": expected(90 / days_per_period),
            "expected_spend_per_purchase": spend,
            "customer_lifetime_value": discounted * spend,
        }
    )


def _sql_scores(
    sql: str, summary: pd.DataFrame, parameters: tuple[float, ...], model: str | None = "bgnbd"
) -> pd.DataFrame:
    r, alpha, a, b, p, q, v, horizon, days_per_period = parameters
    with duckdb.connect() as connection:
        connection.register("summary_frame", summary)
        connection.execute("create table scoring_summary as select * from summary_frame")
        connection.execute(
            "create table scoring_parameters as select ?::varchar as prediction_model,"
            " ? as r, ? as alpha, ? as a, ? as b, ? as p, ? as q, ? as v",
            [model, r, alpha, a, b, p, q, v],
        )
        connection.execute(
            "create table scoring_settings as select ? as prediction_horizon_periods,"
            " ? as days_per_period, ? as clv_monthly_discount_rate",
            [horizon, days_per_period, CLV_RATE],
        )
        return connection.sql(sql).df().sort_values("customer_id").reset_index(drop=True)


@pytest.mark.parametrize("model", FITTERS)
@pytest.mark.parametrize("name", PARAMETER_SETS)
def test_sql_scores_equal_lifetimes(scoring_sql: str, name: str, model: str) -> None:
    summary = _patterns()
    parameters = PARAMETER_SETS[name]
    expected = _reference(summary, parameters, model)
    scored = _sql_scores(scoring_sql, summary, parameters, model)
    assert len(scored) == len(summary)
    assert (scored["prediction_model"] == model).all()
    problems = []
    for column in [
        "p_alive",
        "expected_purchases",
        "expected_purchases_90d",
        "expected_spend_per_purchase",
        "customer_lifetime_value",
    ]:
        want = expected[column].to_numpy(float)
        got = scored[column].to_numpy(float)
        assert np.isfinite(want).all(), f"{name}: the reference {column} is not finite"
        bad = ~(np.abs(got - want) <= RELATIVE_TOLERANCE * np.maximum(np.abs(want), 1e-12))
        for i in np.flatnonzero(bad)[:5]:
            problems.append(
                f"{column} {summary.iloc[i].to_dict()}: sql {got[i]!r}, want {want[i]!r}"
            )
    assert not problems, f"{name}, {model}: " + "; ".join(problems)


def test_one_time_buyers_fade_only_under_the_modified_model(scoring_sql: str) -> None:
    """Under BG/NBD a one-time buyer's P(alive) is 1 at any age; under the modified BG/NBD it
    falls with the age of that purchase."""
    summary = _patterns()
    one_time = summary[summary["bgnbd_frequency"] == 0].sort_values("bgnbd_t")
    parameters = PARAMETER_SETS["cdnow_weeks"]
    bgnbd = _sql_scores(scoring_sql, one_time, parameters, "bgnbd")
    assert (bgnbd["p_alive"] == 1).all()
    modified = _sql_scores(scoring_sql, one_time, parameters, "mbgnbd")
    by_age = modified.set_index("customer_id").loc[one_time["customer_id"], "p_alive"]
    assert (by_age < 1).all() and by_age.is_monotonic_decreasing
    assert by_age.iloc[-1] < by_age.iloc[0] - 0.2  # 0.75 at age 0, 0.52 at 300 weeks


def test_expected_spend_is_null_when_q_is_at_most_one(scoring_sql: str) -> None:
    """The Gamma-Gamma mean spend v p / (q - 1) is undefined for q <= 1 (lifetimes returns
    negative spend there): null, as in the Python model."""
    summary = _patterns().head(40)
    parameters = (*PARAMETER_SETS["cdnow_weeks"][:5], 0.9, *PARAMETER_SETS["cdnow_weeks"][6:])
    scored = _sql_scores(scoring_sql, summary, parameters)
    assert scored["expected_spend_per_purchase"].isna().all()
    assert scored["expected_revenue"].isna().all()
    assert scored["p_alive"].notna().all()


def test_scores_are_null_without_parameters(scoring_sql: str) -> None:
    summary = _patterns().head(20)
    nothing = (None, None, None, None, None, None, None, 90 / 7, 7)
    scored = _sql_scores(scoring_sql, summary, nothing, None)  # type: ignore[arg-type]
    assert len(scored) == 20
    assert scored.drop(columns="customer_id").isna().all().all()


def _compile_supplied(parameters: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            str(DBT),
            "compile",
            "--quiet",
            "--inline",
            "select * from {{ supplied_prediction_parameters() }}",
            "--vars",
            json.dumps({"prediction_parameters": parameters}),
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DBT_PROFILES_DIR": str(ROOT),
            "DBT_PROJECT_DIR": str(ROOT),
            "DBT_DUCKDB_PATH": ":memory:",
        },
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"r": 0.2, "alpha": 4, "a": 0.8}, "gives r, alpha, a of the BG/NBD model but not b"),
        ({"p": 6, "q": -1, "v": 15}, "q must be a positive number, got: -1"),
        ({"r": 0.2, "alpha": 4, "a": 0.8, "b": 2, "beta": 1}, "unknown key 'beta'"),
        ({"model": "pareto", "r": 0.2, "alpha": 4, "a": 0.8, "b": 2}, "model must be bgnbd"),
    ],
)
def test_bad_prediction_parameters_stop_the_build(parameters: object, message: str) -> None:
    result = _compile_supplied(parameters)
    assert result.returncode != 0
    assert "var 'prediction_parameters'" in result.stdout + result.stderr
    assert message in result.stdout + result.stderr


def test_supplied_prediction_parameters_are_read() -> None:
    result = _compile_supplied({"r": 0.243, "alpha": "4.414", "a": 0.793, "b": 2.426})
    assert result.returncode == 0, result.stdout + result.stderr
    with duckdb.connect() as connection:
        row = connection.sql(result.stdout).fetchall()[0]
    assert row[:5] == ("bgnbd", 0.243, 4.414, 0.793, 2.426)
    assert row[5:] == (None, None, None)


def test_supplied_parameters_name_their_model() -> None:
    result = _compile_supplied({"model": "MBGNBD", "r": 1.3, "alpha": 7.7, "a": 0.45, "b": 2.1})
    assert result.returncode == 0, result.stdout + result.stderr
    with duckdb.connect() as connection:
        row = connection.sql(result.stdout).fetchall()[0]
    assert row[:5] == ("mbgnbd", 1.3, 7.7, 0.45, 2.1)
