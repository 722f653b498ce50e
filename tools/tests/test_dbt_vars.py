"""`make run VARS=...` hands dbt its vars as JSON, with dates kept as the text typed, and builds
the bundled sample unless the raw data is given."""

from __future__ import annotations

import pytest

from tools.dbt_vars import main, parse_vars, run_vars


def test_dates_stay_text_so_the_var_check_judges_them() -> None:
    assert parse_vars("{as_of_date: 2024-02-30, churned_multiplier: 5}") == {
        "as_of_date": "2024-02-30",
        "churned_multiplier": 5,
    }
    assert parse_vars("{as_of_date: 2024-12-31 10:00:00}") == {"as_of_date": "2024-12-31 10:00:00"}
    assert parse_vars('{"raw_dir": "/data/raw", "as_of_date": null}') == {
        "raw_dir": "/data/raw",
        "as_of_date": None,
    }
    assert parse_vars("") == {} and parse_vars("  ") == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [("[1, 2]", "VARS must be a mapping"), ("{as_of_date: [", "VARS is not valid YAML")],
)
def test_what_is_not_a_mapping_is_refused_with_a_message(
    text: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["dbt_vars", text]) == 2
    assert message in capsys.readouterr().err


def test_the_output_is_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["dbt_vars", "{as_of_date: 2024-01-31}"]) == 0
    assert (
        capsys.readouterr().out.strip() == '{"as_of_date": "2024-01-31", "use_sample_data": true}'
    )
    assert main(["dbt_vars", ""]) == 0
    assert capsys.readouterr().out.strip() == '{"use_sample_data": true}'


def test_the_sample_is_built_unless_raw_files_or_the_choice_are_given() -> None:
    assert run_vars({}) == {"use_sample_data": True}
    assert run_vars({"as_of_date": "2024-12-31"}) == {
        "as_of_date": "2024-12-31",
        "use_sample_data": True,
    }
    assert run_vars({"raw_dir": "/data/raw"}) == {"raw_dir": "/data/raw"}
    # the raw tables a loader wrote into the DuckDB file, not the sample
    assert run_vars({"use_sample_data": False}) == {"use_sample_data": False}
    assert run_vars({"raw_dir": None}) == {"raw_dir": None, "use_sample_data": True}
