"""The predictive models reproduce the published CDNOW fit and agree with lifetimes.

The CDNOW test converts the sample that ships with lifetimes into the project's raw contract,
builds only what the fit needs with the published settings (calibration to 1997-09-30, time in
weeks, $0 purchases counted) and checks the parameters against Fader, Hardie & Lee (2005).
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import lifetimes
import numpy as np
import pandas as pd
import pytest
from lifetimes import BetaGeoFitter, ModifiedBetaGeoFitter
from lifetimes.utils import ConvergenceError

from tools.tests.conftest import Build, load_model_module, run_dbt, write_purchases_as_raw_files
from tools.tests.corruption import corrupt_and_test, failed_tests

CDNOW_SAMPLE = Path(lifetimes.__file__).parent / "datasets" / "CDNOW_sample.txt"


def write_cdnow_raw_files(folder: Path) -> int:
    """Write CDNOW_sample.txt as raw_customers.csv / raw_orders.csv; return the customer count.

    The sample has one row per purchase: master id, sample id (1-2357), date (YYYYMMDD), number
    of CDs, dollar value. Every purchase becomes a completed order; a customer signs up on the
    day of their first purchase.
    """
    purchases = pd.read_csv(
        CDNOW_SAMPLE,
        sep=r"\s+",
        header=None,
        names=["master_id", "customer_id", "date", "cds", "amount"],
        dtype={"master_id": str, "customer_id": str, "date": str},
    )
    purchases["ordered_at"] = pd.to_datetime(purchases["date"], format="%Y%m%d").dt.strftime(
        "%Y-%m-%d"
    )
    return write_purchases_as_raw_files(purchases, folder)


def test_cdnow_fit_reproduces_fader_hardie_lee_2005(tmp_path: Path) -> None:
    """BG/NBD on CDNOW (2,357 customers, weeks, to 1997-09-30): r, alpha, a, b of the paper."""
    raw_dir = tmp_path / "cdnow"
    assert write_cdnow_raw_files(raw_dir) == 2357
    database = tmp_path / "cdnow.duckdb"
    dbt_vars = {
        "raw_dir": str(raw_dir),
        "as_of_date": "1997-09-30",
        "min_purchase_amount": 0,
        "prediction_time_unit": "weeks",
    }
    run_dbt(
        [
            "build",
            "--select",
            "+predictive_model_parameters",
            "--indirect-selection",
            "cautious",  # only tests whose models are all built here
            "--vars",
            json.dumps(dbt_vars),
        ],
        database,
        tmp_path,
    )
    with duckdb.connect(str(database), read_only=True) as connection:
        row = connection.sql("select * from marts.predictive_model_parameters").df().iloc[0]
    assert row["bgnbd_customers"] == 2357
    assert row["prediction_time_unit"] == "weeks"
    # Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way", Marketing Science 24(2).
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    assert {name: round(float(row[name]), 3) for name in published} == published
    # the paper's four decimals (its Table 1 and Hardie's note 004): r 0.2426, alpha 4.4136,
    # a 0.7929, b 2.4259
    four_decimals = {"r": 0.2426, "alpha": 4.4136, "a": 0.7929, "b": 2.4259}
    for name, value in four_decimals.items():
        assert float(row[name]) == pytest.approx(value, abs=5e-5), name
    assert row["bgnbd_fit_status"] == "fitted" and row["bgnbd_fit_method"] == "lifetimes"
    assert row["gamma_gamma_fit_status"] == "fitted"
    assert row["gamma_gamma_fit_method"] == "lifetimes"
    assert round(float(row["bgnbd_log_likelihood"]), 1) == -9582.4
    # Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value": 946 repeat buyers.
    assert row["gamma_gamma_customers"] == 946
    gamma_gamma = {"p": 6.25, "q": 3.74, "v": 15.44}
    assert {name: round(float(row[name]), 2) for name in gamma_gamma} == gamma_gamma


def test_predictions_match_lifetimes(default_build: Build) -> None:
    """lifetimes' own summary of the same purchases (daily, then in weeks), fitted and scored by
    lifetimes directly, gives the same inputs, parameters and scores."""
    summary = default_build.lifetimes_daily_summary()
    summary["recency"] /= 7  # the default time unit is weeks
    summary["T"] /= 7
    mine = default_build.query("select * from marts.customer_predictions").set_index("customer_id")
    assert sorted(mine.index) == sorted(summary.index)
    joined = mine.join(summary)
    assert (joined["bgnbd_frequency"] == joined["frequency"]).all()
    assert np.allclose(joined["bgnbd_recency"], joined["recency"], rtol=0, atol=1e-12)
    assert np.allclose(joined["bgnbd_t"], joined["T"], rtol=0, atol=1e-12)
    repeat = joined[joined["frequency"] > 0]
    assert np.allclose(repeat["average_repeat_spend"], repeat["monetary_value"], rtol=1e-9)

    parameters = default_build.query("select * from marts.predictive_model_parameters").iloc[0]
    fitters = {"": BetaGeoFitter, "mbgnbd_": ModifiedBetaGeoFitter}
    for prefix, fitter_class in fitters.items():
        fitter = fitter_class().fit(summary["frequency"], summary["recency"], summary["T"])
        for name in ("r", "alpha", "a", "b"):
            assert parameters[prefix + name] == pytest.approx(fitter.params_[name], rel=1e-4), (
                prefix + name
            )
    # the sample back-tests the modified BG/NBD at least as well: it scores the customers
    assert parameters["prediction_model"] == "mbgnbd", parameters["prediction_model_reason"]
    assert (joined["prediction_model"] == "mbgnbd").all()
    fitter = ModifiedBetaGeoFitter()
    fitter.params_ = pd.Series(
        {name: parameters["mbgnbd_" + name] for name in ("r", "alpha", "a", "b")}
    )
    p_alive = fitter.conditional_probability_alive(
        joined["frequency"], joined["recency"], joined["T"]
    )
    expected = fitter.conditional_expected_number_of_purchases_up_to_time(
        90 / 7, joined["frequency"], joined["recency"], joined["T"]
    )
    assert np.allclose(joined["p_alive"], p_alive, rtol=1e-9, atol=1e-12)
    assert np.allclose(joined["expected_purchases"], expected, rtol=1e-9, atol=1e-12)
    # one-time buyers fade: the longer ago their purchase, the lower their P(alive)
    one_time = joined[joined["frequency"] == 0].sort_values("T")
    assert (one_time["p_alive"] < 1).all()
    assert one_time["p_alive"].is_monotonic_decreasing


def test_time_unit_does_not_change_the_predictions(default_build: Build, tmp_path: Path) -> None:
    """In days, alpha is 7 times the weekly one and the scores are the same (BG/NBD is invariant
    to rescaling time)."""
    dbt_vars = {**default_build.vars, "prediction_time_unit": "days"}
    database = tmp_path / "days.duckdb"
    run_dbt(
        [
            "build",
            "--select",
            "+customer_predictions",
            "--indirect-selection",
            "cautious",
            "--vars",
            json.dumps(dbt_vars),
        ],
        database,
        tmp_path,
    )
    with duckdb.connect(str(database), read_only=True) as connection:
        days = connection.sql("select * from marts.predictive_model_parameters").df().iloc[0]
        in_days = connection.sql("select * from marts.customer_predictions").df()
    weeks = default_build.query("select * from marts.predictive_model_parameters").iloc[0]
    in_weeks = default_build.query("select * from marts.customer_predictions")
    assert days["prediction_time_unit"] == "days"
    assert days["alpha"] == pytest.approx(7 * weeks["alpha"], rel=1e-3)
    for name in ("r", "a", "b"):
        assert days[name] == pytest.approx(weeks[name], rel=1e-3), name
    joined = in_days.merge(in_weeks, on="customer_id", suffixes=("", "_weeks"))
    assert np.allclose(joined["p_alive"], joined["p_alive_weeks"], atol=1e-3)
    assert np.allclose(
        joined["expected_purchases"], joined["expected_purchases_weeks"], rtol=1e-2, atol=1e-3
    )


def test_prediction_tests_fail_on_broken_rows(default_build: Build, tmp_path: Path) -> None:
    def one(band: str) -> str:
        return (
            "(select min(customer_id) from marts.customer_segments"
            f" where predicted_churn_risk = '{band}')"
        )

    def second(band: str) -> str:
        return (
            "(select max(customer_id) from marts.customer_segments"
            f" where predicted_churn_risk = '{band}')"
        )

    code, output = corrupt_and_test(
        default_build,
        tmp_path,
        [
            # P(alive) above 1 (still in the low band, so no band rule breaks)
            f"update marts.customer_segments set p_alive = 1.5 where customer_id = {one('low')}",
            # negative expected purchases
            "update marts.customer_segments set expected_purchases = -1"
            f" where customer_id = {second('low')}",
            # an unknown band (breaks the medium rung too)
            "update marts.customer_segments set predicted_churn_risk = 'extreme'"
            f" where customer_id = {one('medium')}",
            # a high-risk customer labelled low (breaks the high and low rungs)
            "update marts.customer_segments set predicted_churn_risk = 'low'"
            f" where customer_id = {one('high')}",
            # a buyer without P(alive) who is not labelled unknown (breaks the unknown rung)
            "update marts.customer_segments set p_alive = null"
            f" where customer_id = {second('medium')}",
        ],
        "customer_segments,test_type:data",
    )
    assert code != 0
    assert failed_tests(output, tmp_path / "corrupted.duckdb") == {
        "customer_segments_p_alive_is_a_probability",
        "customer_segments_expected_purchases_not_negative",
        "accepted_values_predicted_churn_risk",
        "churn_risk_rule_medium",
        "churn_risk_rule_high",
        "churn_risk_rule_low",
        "churn_risk_rule_unknown",
    }, output[-3000:]


def test_fit_status_tests_fail_on_broken_rows(default_build: Build, tmp_path: Path) -> None:
    """The status tests of predictive_model_parameters and the scores can fail, and the
    warn-level test warns without failing the run."""
    code, output = corrupt_and_test(
        default_build,
        tmp_path,
        [
            # BG/NBD said not fitted while its parameters are there
            "update marts.predictive_model_parameters set bgnbd_fit_status = 'not_fitted'",
            # Gamma-Gamma fitted without a method
            "update marts.predictive_model_parameters set gamma_gamma_fit_method = null",
            # the chosen model said not fitted
            "update marts.predictive_model_parameters set mbgnbd_fit_status = 'not_fitted'",
            # a back-test error without its back-test fit
            "update marts.predictive_model_parameters set backtest_bgnbd_fit_status = 'not_fitted'",
            # a customer scored by another model than the chosen one
            "update marts.customer_predictions set prediction_model = 'bgnbd'"
            " where customer_id = (select min(customer_id) from marts.customer_predictions)",
        ],
        "predictive_model_parameters customer_predictions prediction_backtest",
    )
    assert code != 0
    assert failed_tests(output, tmp_path / "corrupted.duckdb") == {
        "bgnbd_parameters_positive_when_fitted",
        "gamma_gamma_parameters_positive_when_fitted",
        "mbgnbd_parameters_positive_when_fitted",
        "chosen_prediction_model_is_fitted",
        "backtest_error_only_when_fitted",
        "assert_backtest_errors_match_the_fit",
        "purchase_scores_only_when_fitted",
        "assert_sql_scores_match_python_scores",
    }, output[-3000:]
    assert any(" WARN " in line and "bgnbd_model_fitted" in line for line in output.splitlines()), (
        output[-3000:]
    )


@pytest.mark.parametrize(
    ("dbt_vars", "message"),
    [
        ({"prediction_time_unit": "months"}, "var 'prediction_time_unit' must be days or weeks"),
        ({"prediction_horizon_days": 0}, "var 'prediction_horizon_days' must be a whole number"),
        (
            {"high_churn_risk_below_p_alive": 0.8},
            "var 'high_churn_risk_below_p_alive' (0.8) must not exceed var",
        ),
        ({"prediction_model": "pareto"}, "var 'prediction_model' must be auto, bgnbd or mbgnbd"),
        (
            {"prediction_calibration_end_date": "30/09/1997"},
            "var 'prediction_calibration_end_date' must be a date written YYYY-MM-DD",
        ),
        ({"clv_monthly_discount_rate": 1.5}, "var 'clv_monthly_discount_rate' must be a rate"),
        ({"clv_horizon_months": 0}, "var 'clv_horizon_months' must be a whole number of months"),
    ],
)
def test_bad_prediction_vars_stop_the_build_naming_the_var(
    tmp_path: Path, dbt_vars: dict[str, object], message: str
) -> None:
    result = run_dbt(
        ["compile", "--select", "int_prediction_settings_resolved", "--vars", json.dumps(dbt_vars)],
        tmp_path / "unused.duckdb",
        tmp_path,
        check=False,
    )
    assert result.returncode != 0
    assert message in result.stdout, result.stdout[-3000:]


class _FitterConvergingFrom:
    """Stands in for a lifetimes fitter that converges only from a given tolerance on."""

    def __init__(self, tolerance: float | None) -> None:
        self.tolerance = tolerance
        self.tried: list[float] = []

    def fit(self, *data: object, tol: float) -> None:
        self.tried.append(tol)
        if self.tolerance is None or tol < self.tolerance:
            print("lifetimes prints the failed optimiser result here")
            raise ConvergenceError("did not converge")


def test_fit_retries_a_looser_tolerance_then_gives_up(capsys: pytest.CaptureFixture[str]) -> None:
    fit = load_model_module("predictive_model_parameters")._fit
    converges_at_default = _FitterConvergingFrom(1e-7)
    assert fit(converges_at_default) == 1e-7
    precision_loss = _FitterConvergingFrom(1e-6)
    assert fit(precision_loss) == 1e-6
    assert precision_loss.tried == [1e-7, 1e-6]
    assert capsys.readouterr().out == ""  # lifetimes' printout of the failed attempt is muted
    never = _FitterConvergingFrom(None)
    with pytest.raises(ConvergenceError, match="did not converge with any tolerance"):
        fit(never)
    assert never.tried == [1e-7, 1e-6, 1e-5]
