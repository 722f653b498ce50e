"""The back-test (prediction_backtest and the backtest_* columns of predictive_model_parameters)
reproduces lifetimes' calibration/holdout utilities on CDNOW with the paper's split, and its
churn-risk bands separate buyers from leavers on data with a known dropout process.

CDNOW (Fader, Hardie & Lee 2005): 2,357 customers, calibration 39 weeks to 1997-09-30, holdout
39 weeks to 1998-06-30, time in weeks, $0 purchases counted.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from lifetimes import BetaGeoFitter, ModifiedBetaGeoFitter
from lifetimes.utils import calibration_and_holdout_data

from tools.tests.conftest import run_dbt, write_purchases_as_raw_files
from tools.tests.test_predictions import CDNOW_SAMPLE, write_cdnow_raw_files

FITTERS = {"bgnbd": BetaGeoFitter, "mbgnbd": ModifiedBetaGeoFitter}


def _build_backtest(raw_dir: Path, tmp_path: Path, dbt_vars: dict[str, object]) -> Path:
    database = tmp_path / "backtest.duckdb"
    run_dbt(
        [
            "build",
            "--select",
            "+prediction_backtest",
            "--indirect-selection",
            "cautious",
            "--vars",
            json.dumps({"raw_dir": str(raw_dir), **dbt_vars}),
        ],
        database,
        tmp_path,
    )
    return database


def _lifetimes_split() -> pd.DataFrame:
    """lifetimes' own calibration/holdout summary of CDNOW, daily, restated in weeks."""
    purchases = pd.read_csv(
        CDNOW_SAMPLE,
        sep=r"\s+",
        header=None,
        names=["master_id", "customer_id", "date", "cds", "amount"],
        dtype={"master_id": str, "customer_id": str, "date": str},
    )
    purchases["date"] = pd.to_datetime(purchases["date"], format="%Y%m%d")
    split = calibration_and_holdout_data(
        purchases,
        "customer_id",
        "date",
        calibration_period_end="1997-09-30",
        observation_period_end="1998-06-30",
        freq="D",
        # with a value column: without one, pandas 3 finds nothing to count in the holdout
        monetary_value_col="amount",
    )
    for column in ("recency_cal", "T_cal", "duration_holdout"):
        split[column] = split[column] / 7
    return split


def test_cdnow_backtest_equals_lifetimes_calibration_and_holdout(tmp_path: Path) -> None:
    raw_dir = tmp_path / "cdnow"
    assert write_cdnow_raw_files(raw_dir) == 2357
    database = _build_backtest(
        raw_dir,
        tmp_path,
        {
            "as_of_date": "1998-06-30",
            "prediction_calibration_end_date": "1997-09-30",
            "min_purchase_amount": 0,
            "prediction_time_unit": "weeks",
        },
    )
    with duckdb.connect(str(database), read_only=True) as connection:
        parameters = connection.sql("select * from marts.predictive_model_parameters").df()
        backtest = connection.sql("select * from marts.prediction_backtest").df()
        calibrated = connection.sql("select * from intermediate.int_customers_calibrated").df()
    row = parameters.iloc[0]
    split = _lifetimes_split()
    assert row["backtest_holdout_days"] == 273 and len(split) == len(calibrated) == 2357

    # the same inputs, customer by customer
    joined = calibrated.set_index("customer_id").join(split)
    assert (joined["bgnbd_frequency"] == joined["frequency_cal"]).all()
    assert np.allclose(joined["bgnbd_recency"], joined["recency_cal"], rtol=0, atol=1e-12)
    assert np.allclose(joined["bgnbd_t"], joined["T_cal"], rtol=0, atol=1e-12)
    assert (joined["holdout_purchases"] == joined["frequency_holdout"]).all()
    assert np.allclose(joined["holdout_periods"], joined["duration_holdout"])

    for model, fitter_class in FITTERS.items():
        # the parameters equal lifetimes' fit on the same calibration summary (the back-test's
        # warm start from the full fit, polished, ends within 1e-6 of it)
        fitter = fitter_class().fit(split["frequency_cal"], split["recency_cal"], split["T_cal"])
        assert row[f"backtest_{model}_fit_status"] == "fitted"
        assert "polished" in row[f"backtest_{model}_fit_message"]
        for name in ("r", "alpha", "a", "b"):
            assert row[f"backtest_{model}_{name}"] == pytest.approx(
                fitter.params_[name], rel=1e-6
            ), (model, name)
        # and the predictions over the 39 holdout weeks equal lifetimes' conditional expectations
        fitter.params_ = pd.Series(
            {name: row[f"backtest_{model}_{name}"] for name in ("r", "alpha", "a", "b")}
        )
        split["predicted"] = fitter.conditional_expected_number_of_purchases_up_to_time(
            39.0, split["frequency_cal"], split["recency_cal"], split["T_cal"]
        )
        mine = backtest[backtest["prediction_model"] == model].set_index(["breakdown", "bucket"])
        total = mine.loc[("total", "all")]
        assert total["customers"] == 2357
        assert total["actual_holdout_purchases"] == split["frequency_holdout"].sum()
        assert total["predicted_holdout_purchases"] == pytest.approx(
            split["predicted"].sum(), rel=1e-9
        )
        assert total["mean_absolute_error"] == pytest.approx(
            (split["predicted"] - split["frequency_holdout"]).abs().mean(), rel=1e-9
        )
        assert row[f"backtest_{model}_mean_absolute_error"] == pytest.approx(
            total["mean_absolute_error"], rel=1e-9
        )
        # the paper's conditional-expectation table: by calibration repeat purchases, 0-6, 7+
        split["bucket"] = split["frequency_cal"].clip(upper=7).astype(int).astype(str)
        split.loc[split["bucket"] == "7", "bucket"] = "7+"
        table = split.groupby("bucket").agg(
            customers=("predicted", "size"),
            predicted=("predicted", "mean"),
            actual=("frequency_holdout", "mean"),
        )
        by_repeats = mine.loc["calibration_repeat_purchases"]
        assert sorted(by_repeats.index) == sorted(table.index)
        for bucket, expected in table.iterrows():
            got = by_repeats.loc[bucket]
            assert got["customers"] == expected["customers"], (model, bucket)
            assert got["mean_predicted_holdout_purchases"] == pytest.approx(
                expected["predicted"], rel=1e-9
            ), (model, bucket)
            assert got["mean_actual_holdout_purchases"] == pytest.approx(
                expected["actual"], rel=1e-12
            ), (model, bucket)


def _simulated_purchases(customers: int, seed: int, as_of: date) -> pd.DataFrame:
    """Purchase days of a known process: each customer buys at a Poisson rate drawn from a gamma
    and drops out, at the first purchase and after each purchase, with a probability drawn from a
    beta (the modified BG/NBD's process); first purchases over the two years before the as-of
    date."""
    rng = np.random.default_rng(seed)
    rows = []
    for number in range(customers):
        rate = rng.gamma(shape=1.5, scale=1 / 10)  # purchases per day
        dropout = rng.beta(1.0, 3.0)
        day = int(rng.integers(0, 730))
        end = 730
        while day <= end:
            rows.append((f"C{number:05d}", day, round(float(rng.gamma(4.0, 10.0)), 2) + 1))
            if rng.random() < dropout:
                break
            day += max(1, int(np.ceil(rng.exponential(1 / rate))))
    frame = pd.DataFrame(rows, columns=["customer_id", "day", "amount"])
    start = as_of - timedelta(days=730)
    frame["ordered_at"] = [(start + timedelta(days=int(d))).isoformat() for d in frame["day"]]
    return frame.drop_duplicates(["customer_id", "ordered_at"])


def test_high_risk_band_buys_less_often_in_the_holdout_than_the_low_band(tmp_path: Path) -> None:
    as_of = date(2025, 6, 30)
    raw_dir = tmp_path / "simulated"
    write_purchases_as_raw_files(_simulated_purchases(3_000, 11, as_of), raw_dir)
    database = _build_backtest(raw_dir, tmp_path, {"as_of_date": as_of.isoformat()})
    with duckdb.connect(str(database), read_only=True) as connection:
        bands = connection.sql(
            "select prediction_model, bucket, customers, holdout_buyer_share"
            " from marts.prediction_backtest where breakdown = 'churn_risk_band'"
        ).df()
        chosen = connection.execute(
            "select prediction_model from marts.predictive_model_parameters"
        ).fetchone()
    assert chosen is not None and chosen[0] == "mbgnbd"
    for model, rows in bands.groupby("prediction_model"):
        share = rows.set_index("bucket")["holdout_buyer_share"]
        customers = rows.set_index("bucket")["customers"]
        assert customers["high"] >= 30 and customers["low"] >= 30, (model, customers)
        assert share["high"] < 0.5 * share["low"], (model, share)
        if model == "mbgnbd":
            # under BG/NBD the low band also holds every one-time buyer (P(alive) 1), so its
            # medium band can buy more often than its low band
            assert share["high"] < share["medium"] < share["low"], (model, share)


def _day(value: object) -> date:
    return pd.Timestamp(value).date()


def test_a_fit_on_a_schedule_is_reused_until_it_is_too_old(tmp_path: Path) -> None:
    """With prediction_refit_days: 7, a build 3 days later reuses the stored parameters (the
    customers scored again with them, the back-test's errors measured again), 7 days later it
    refits, and so do prediction_refit: true and --full-refresh."""
    raw_dir = tmp_path / "simulated"
    as_of = date(2025, 6, 30)
    write_purchases_as_raw_files(_simulated_purchases(800, 3, as_of + timedelta(days=10)), raw_dir)
    database = tmp_path / "schedule.duckdb"

    def build(day: date, *extra: str, **dbt_vars: object) -> pd.Series:
        run_dbt(
            [
                "build",
                "--select",
                "+customer_predictions",
                "+prediction_backtest",
                "--indirect-selection",
                "cautious",
                *extra,
                "--vars",
                json.dumps(
                    {
                        "raw_dir": str(raw_dir),
                        "as_of_date": day.isoformat(),
                        "prediction_refit_days": 7,
                        **dbt_vars,
                    }
                ),
            ],
            database,
            tmp_path,
        )
        with duckdb.connect(str(database), read_only=True) as connection:
            rows = connection.sql("select * from marts.predictive_model_parameters").df()
        assert len(rows) == 1
        return rows.iloc[0]

    first = build(as_of)
    assert first["is_refitted"] and _day(first["fitted_as_of_date"]) == as_of
    later = build(as_of + timedelta(days=3))
    assert not later["is_refitted"] and _day(later["fitted_as_of_date"]) == as_of
    assert _day(later["as_of_date"]) == as_of + timedelta(days=3)
    for name in ("r", "alpha", "a", "b", "mbgnbd_r", "mbgnbd_a", "p", "q", "v", "prediction_model"):
        assert later[name] == first[name], name
    assert _day(later["calibration_end_date"]) == _day(first["calibration_end_date"]) + timedelta(
        days=3
    )
    # the scores follow the new as-of date (the singular tests passed: SQL = Python, errors)
    assert (
        later["backtest_mbgnbd_mean_absolute_error"] != first["backtest_mbgnbd_mean_absolute_error"]
    )
    asked = build(as_of + timedelta(days=3), prediction_refit=True)
    assert asked["is_refitted"] and _day(asked["fitted_as_of_date"]) == as_of + timedelta(days=3)
    too_old = build(as_of + timedelta(days=10))
    assert too_old["is_refitted"] and _day(too_old["fitted_as_of_date"]) == as_of + timedelta(
        days=10
    )
    reused = build(as_of + timedelta(days=10))
    assert not reused["is_refitted"]
    refreshed = build(as_of + timedelta(days=10), "--full-refresh")
    assert refreshed["is_refitted"]
    other_settings = build(as_of + timedelta(days=10), prediction_horizon_days=60)
    assert other_settings["is_refitted"]
