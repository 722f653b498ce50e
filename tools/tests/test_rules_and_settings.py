"""The rule tests can fail, and bad settings stop the build with a message naming the var."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from tools.tests.conftest import Build, run_dbt
from tools.tests.corruption import failed_tests


def _corrupt_and_test(default_build: Build, tmp_path: Path, update_sql: str) -> tuple[int, str]:
    database = tmp_path / "corrupted.duckdb"
    shutil.copy(default_build.database, database)
    with duckdb.connect(str(database)) as connection:
        changed = connection.execute(update_sql).fetchone()
        assert changed is not None and changed[0] == 1, "the corruption must touch one row"
    result = run_dbt(
        [
            "test",
            "--select",
            "customer_segments,test_type:data",
            "--vars",
            json.dumps(default_build.vars),
        ],
        database,
        tmp_path,
        check=False,
    )
    return result.returncode, result.stdout


@pytest.mark.parametrize(
    ("update_sql", "failing_test"),
    [
        (  # a churned customer relabelled loyal breaks the churned rung
            "update marts.customer_segments set lifecycle_segment = 'loyal' where customer_id = "
            "(select min(customer_id) from marts.customer_segments "
            "where lifecycle_segment = 'churned')",
            "lifecycle_rule_churned",
        ),
        (  # a lapsed customer whose recency is pulled back to 2x breaks the lapsed rung
            "update marts.customer_segments "
            "set days_since_last_order = floor(2 * expected_interval_days) where customer_id = "
            "(select min(customer_id) from marts.customer_segments "
            "where lifecycle_segment = 'lapsed')",
            "lifecycle_rule_lapsed",
        ),
        (  # a repeat buyer relabelled active breaks the active rung
            "update marts.customer_segments set lifecycle_segment = 'active' where customer_id = "
            "(select min(customer_id) from marts.customer_segments "
            "where lifecycle_segment = 'repeat')",
            "lifecycle_rule_active",
        ),
    ],
)
def test_rule_tests_fail_on_a_broken_row(
    default_build: Build, tmp_path: Path, update_sql: str, failing_test: str
) -> None:
    code, output = _corrupt_and_test(default_build, tmp_path, update_sql)
    assert code != 0
    assert failing_test in failed_tests(output, tmp_path / "corrupted.duckdb"), output[-3000:]


def _one_row(condition: str) -> str:
    """The first customer of marts.customer_segments meeting the condition."""
    return f"customer_id = (select min(customer_id) from marts.customer_segments where {condition})"


# One broken row per overlay rule (and per score rule), each with the test that must catch it.
OVERLAY_CORRUPTIONS = [
    (  # a recency score moved away from the customers with the same recency
        "update marts.customer_segments set r_score = 6 - r_score where "
        + _one_row(
            "r_score != 3 and days_since_last_order in (select days_since_last_order "
            "from marts.customer_segments group by days_since_last_order having count(*) > 1)"
        ),
        ["rfm_rule_recency", "rfm_equal_recency_equal_score"],
    ),
    (
        "update marts.customer_segments set f_score = 6 where " + _one_row("f_score = 5"),
        ["rfm_rule_frequency", "accepted_values_f_score"],
    ),
    (
        "update marts.customer_segments set m_score = m_score % 5 + 1 where "
        + _one_row("m_score is not null"),
        ["rfm_rule_monetary"],
    ),
    (
        "update marts.customer_segments set rfm_segment = 'Champions' where "
        + _one_row("rfm_segment = 'Lost'"),
        ["rfm_rule_segment"],
    ),
    (  # the seed map loses a code
        "delete from reference.rfm_segment_map where r_score = 3 and f_score = 3 and m_score = 3",
        ["assert_rfm_segment_map_covers_every_code"],
    ),
    (
        "update marts.customer_segments set value_tier = 'medium' where "
        + _one_row("value_tier = 'low'"),
        ["value_tier_rule_medium"],
    ),
    (
        "update marts.customer_segments set is_vip = false where " + _one_row("is_vip"),
        ["overlay_rule_vip"],
    ),
    (
        "update marts.customer_segments set is_bargain_hunter = false where "
        + _one_row("is_bargain_hunter"),
        ["overlay_rule_bargain_hunter"],
    ),
    (
        "update marts.customer_segments set is_seasonal = false where " + _one_row("is_seasonal"),
        ["overlay_rule_seasonal"],
    ),
    (
        "update marts.customer_segments set preferred_channel = 'store' where "
        + _one_row("preferred_channel = 'online'"),
        ["overlay_rule_preferred_channel"],
    ),
    (
        "update marts.customer_segments set is_omnichannel = true where "
        + _one_row("known_channel_count = 1"),
        ["overlay_rule_omnichannel"],
    ),
    (
        "update marts.customer_segments set is_re_engaged = false where "
        + _one_row("is_re_engaged"),
        ["overlay_rule_re_engaged"],
    ),
    (
        "update marts.customer_segments set is_infrequent = true where "
        + _one_row("purchase_days >= 3 and not is_infrequent"),
        ["overlay_rule_infrequent"],
    ),
    (
        "update marts.customer_segments set is_b2b = not is_b2b where " + _one_row("is_b2b"),
        ["overlay_rule_b2b"],
    ),
    (
        "update marts.customer_segments set is_referrer = false where " + _one_row("is_referrer"),
        ["overlay_rule_referrer"],
    ),
    (
        "update marts.customer_segments set age_band = '35-44' where "
        + _one_row("age_band = '25-34'"),
        ["age_band_rule_25_34"],  # an age of 25-34 that is not labelled so
    ),
    (
        "update marts.customer_segments set region = 'oceania' where "
        + _one_row("region = 'europe'"),
        ["overlay_rule_region"],
    ),
    (
        "update marts.customer_segments set is_weekend_buyer = false where "
        + _one_row("is_weekend_buyer"),
        ["type_rule_weekend_buyer"],
    ),
    (
        "update marts.customer_segments set is_holiday_buyer = false where "
        + _one_row("is_holiday_buyer"),
        ["type_rule_holiday_buyer"],
    ),
    (
        "update marts.customer_segments set is_anniversary_buyer = false where "
        + _one_row("is_anniversary_buyer"),
        ["type_rule_anniversary_buyer"],
    ),
    (
        "update marts.customer_segments set prospect_type = 'suspect' where "
        + _one_row("prospect_type = 'prospect'"),
        ["type_rule_prospect_type"],
    ),
    (
        "update marts.customer_segments set is_unhappy = false where " + _one_row("is_unhappy"),
        ["type_rule_unhappy"],
    ),
    (  # a not-null rule and an expression of the one-scan row_rules test
        "update marts.customer_segments set segment_reason = null, season_years = 99 where "
        + _one_row("season_purchase_days = 1"),
        ["not_null_segment_reason", "expression_season_years"],
    ),
]


def test_overlay_rule_tests_fail_on_broken_rows(default_build: Build, tmp_path: Path) -> None:
    """Every overlay and score rule test fails when one row breaks it (one dbt run for all)."""
    database = tmp_path / "corrupted.duckdb"
    shutil.copy(default_build.database, database)
    with duckdb.connect(str(database)) as connection:
        for statement, _ in OVERLAY_CORRUPTIONS:
            changed = connection.execute(statement).fetchone()
            assert changed is not None and changed[0] == 1, f"must touch one row: {statement}"
    result = run_dbt(
        [
            "test",
            "--select",
            "customer_segments,test_type:data",
            "assert_rfm_segment_map_covers_every_code",
            "--vars",
            json.dumps(default_build.vars),
        ],
        database,
        tmp_path,
        check=False,
    )
    failed = failed_tests(result.stdout, database)
    assert result.returncode != 0
    for _, failing_tests in OVERLAY_CORRUPTIONS:
        for name in failing_tests:
            assert any(test.startswith(name) for test in failed), f"{name} did not fail: {failed}"


def test_rule_tests_pass_on_the_built_data(default_build: Build, tmp_path: Path) -> None:
    code, output = _corrupt_and_test(
        default_build,
        tmp_path,
        "update marts.customer_segments set as_of_date = as_of_date where customer_id = "
        "(select min(customer_id) from marts.customer_segments)",
    )
    assert code == 0, output[-3000:]


@pytest.mark.parametrize(
    ("dbt_vars", "message"),
    [
        ({"as_of_date": "2024-02-30"}, "var 'as_of_date' must be a date written YYYY-MM-DD"),
        ({"as_of_date": "yesterday"}, "var 'as_of_date' must be a date written YYYY-MM-DD"),
        ({"churned_multiplier": -1}, "var 'churned_multiplier' must not be negative"),
        ({"new_customer_days": "thirty"}, "var 'new_customer_days' must be a number"),
        ({"loyal_min_tenure_days": 180.5}, "var 'loyal_min_tenure_days' must be a whole number"),
        ({"lapsed_multiplier": 5}, "var 'lapsed_multiplier' (5) must not exceed var"),
        ({"min_purchase_days_for_own_cycle": 1}, "var 'min_purchase_days_for_own_cycle' must be"),
        ({"value_tier_vip_share": 0.3}, "var 'value_tier_vip_share' (0.3) must not exceed var"),
        ({"seasonal_min_share": 1.5}, "var 'seasonal_min_share' is a share and must not exceed 1"),
        ({"seasonal_months": [11, 13]}, "var 'seasonal_months' must be a list of month numbers"),
        ({"seasonal_months": "11,11"}, "var 'seasonal_months' lists month 11 twice"),
        ({"omnichannel_min_channels": 1}, "var 'omnichannel_min_channels' must be at least 2"),
        ({"weekend_days": [6, 8]}, "var 'weekend_days' must be a list of ISO day numbers 1-7"),
        ({"weekend_days": "7,7"}, "var 'weekend_days' lists ISO day 7 twice"),
        ({"holiday_min_years": 0}, "var 'holiday_min_years' must be at least 1"),
        ({"anniversary_min_share": 1.2}, "var 'anniversary_min_share' is a share and must not"),
        ({"anniversary_window_days": 2.5}, "var 'anniversary_window_days' must be a whole number"),
        ({"suspect_min_cell_customers": 0}, "var 'suspect_min_cell_customers' must be at least 1"),
        ({"suspect_min_lift": "high"}, "var 'suspect_min_lift' must be a number"),
        ({"unhappy_window_days": 0}, "var 'unhappy_window_days' must be at least 1"),
        ({"unhappy_min_returned_share": 2}, "var 'unhappy_min_returned_share' is a share"),
    ],
)
def test_bad_vars_stop_the_build_naming_the_var(
    tmp_path: Path, dbt_vars: dict[str, object], message: str
) -> None:
    result = run_dbt(
        ["compile", "--select", "int_settings_resolved", "--vars", json.dumps(dbt_vars)],
        tmp_path / "unused.duckdb",
        tmp_path,
        check=False,
    )
    assert result.returncode != 0
    assert message in result.stdout, result.stdout[-3000:]
