"""Turn the `VARS` of `make run VARS='...'` into the JSON that `dbt --vars` reads.

dbt reads `--vars` as YAML, where an unquoted date such as `as_of_date: 2024-02-30` becomes a
Python date, so an impossible date crashes dbt with a traceback instead of reaching the
`segmentation_setting` macro, which names the bad var. Here every value that YAML would read as a
date or timestamp stays text, so the macro judges it and the build stops with its message.

`make run` builds the bundled sample unless told where the raw data is: without `raw_dir` it
adds `use_sample_data: true` (unless VARS set use_sample_data themselves, e.g. false to read raw
tables a loader wrote into the DuckDB file).

Usage: python -m tools.dbt_vars '{as_of_date: 2024-12-31, churned_multiplier: 5}'
Prints the vars as JSON, or a message and exits 2.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import yaml


class _TextDatesLoader(yaml.SafeLoader):
    """A safe loader that leaves dates and timestamps as the text they were written as."""


def _timestamp_as_text(loader: yaml.SafeLoader, node: yaml.Node) -> str:
    return str(node.value)


_TextDatesLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


def parse_vars(text: str) -> dict[str, Any]:
    """Parse `--vars` text (YAML or JSON) into a mapping, keeping dates as text."""
    if not text.strip():
        return {}
    try:
        value = yaml.load(text, Loader=_TextDatesLoader)
    except yaml.YAMLError as error:
        raise ValueError(f"VARS is not valid YAML: {error}") from error
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError(
            f"VARS must be a mapping such as '{{as_of_date: 2024-12-31}}', got: {text}"
        )
    return {str(key): item for key, item in value.items()}


def run_vars(dbt_vars: dict[str, Any]) -> dict[str, Any]:
    """The vars of `make run`: `use_sample_data: true` added when no `raw_dir` is given."""
    if dbt_vars.get("raw_dir") or "use_sample_data" in dbt_vars:
        return dbt_vars
    return {**dbt_vars, "use_sample_data": True}


def main(argv: list[str]) -> int:
    text = argv[1] if len(argv) > 1 else ""
    try:
        print(json.dumps(run_vars(parse_vars(text))))
    except ValueError as error:
        print(f"make run: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
