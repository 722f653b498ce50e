"""Fail when anything in the dbt project is undocumented.

Reads `manifest.json` and `catalog.json` from a dbt target folder (after `dbt docs generate`) and
checks that every model, seed, source table, unit test, macro, generic test, exposure, semantic
model (with its entities, dimensions and measures) and metric of this project has a
description, that every column the warehouse actually has is described, and that no described
column is missing from the warehouse. Prints what is missing and exits 1, or prints a summary.

Usage: python -m tools.check_docs_coverage [TARGET_DIR]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

PROJECT = "segmentation"
SEMANTIC_SECTIONS = {
    "exposures": "exposure",
    "semantic_models": "semantic model",
    "metrics": "metric",
}
SEMANTIC_ELEMENTS = {"entities": "entity", "dimensions": "dimension", "measures": "measure"}


def _load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        result: dict[str, Any] = json.load(handle)
    return result


def _described(node: dict[str, Any]) -> bool:
    return bool(str(node.get("description") or "").strip())


def find_gaps(manifest: dict[str, Any], catalog: dict[str, Any]) -> tuple[list[str], int]:
    """Return (problems, number of things checked)."""
    problems: list[str] = []
    checked = 0
    catalog_columns: dict[str, set[str]] = {}
    for section in ("nodes", "sources"):
        for unique_id, entry in catalog.get(section, {}).items():
            catalog_columns[unique_id] = {name.lower() for name in entry.get("columns", {})}

    documented = [
        *manifest.get("nodes", {}).values(),
        *manifest.get("sources", {}).values(),
        *manifest.get("unit_tests", {}).values(),
    ]
    for node in documented:
        if node.get("package_name") != PROJECT:
            continue
        kind = node.get("resource_type")
        if kind not in {"model", "seed", "source", "unit_test"}:
            continue
        label = f"{kind} {node.get('name')}"
        if kind == "source":
            label = f"source {node.get('source_name')}.{node.get('name')}"
        checked += 1
        if not _described(node):
            problems.append(f"{label}: no description")
        if kind == "unit_test":
            continue
        columns: dict[str, dict[str, Any]] = {
            name.lower(): column for name, column in node.get("columns", {}).items()
        }
        actual = catalog_columns.get(node["unique_id"])
        if actual is None:
            if node.get("config", {}).get("enabled", True):
                problems.append(f"{label}: not in the catalog (was it built?)")
            continue
        for name in sorted(actual):
            checked += 1
            column = columns.get(name)
            if column is None:
                problems.append(f"{label}: column {name} is not documented")
            elif not _described(column):
                problems.append(f"{label}: column {name} has no description")
        for name in sorted(set(columns) - actual):
            problems.append(f"{label}: documented column {name} does not exist")

    for macro in manifest.get("macros", {}).values():
        if macro.get("package_name") != PROJECT:
            continue
        name = str(macro.get("name"))
        if name.startswith(("default__", "duckdb__", "postgres__", "spark__", "_")):
            continue  # adapter bodies and helpers are covered by their dispatching macro
        checked += 1
        kind = "generic test" if name.startswith("test_") else "macro"
        if not _described(macro):
            problems.append(f"{kind} {name}: no description")
        for argument in macro.get("arguments", []):
            if not str(argument.get("description") or "").strip():
                problems.append(
                    f"{kind} {name}: argument {argument.get('name')} has no description"
                )
    for section, kind in SEMANTIC_SECTIONS.items():
        for node in manifest.get(section, {}).values():
            if node.get("package_name") != PROJECT:
                continue
            label = f"{kind} {node.get('name')}"
            checked += 1
            if not _described(node):
                problems.append(f"{label}: no description")
            for part, element_kind in SEMANTIC_ELEMENTS.items():
                for element in node.get(part) or []:
                    checked += 1
                    if not _described(element):
                        problems.append(
                            f"{label}: {element_kind} {element.get('name')} has no description"
                        )
    return problems, checked


def main(argv: list[str]) -> int:
    target = Path(argv[1]) if len(argv) > 1 else Path("target")
    problems, checked = find_gaps(_load(target / "manifest.json"), _load(target / "catalog.json"))
    if problems:
        print(f"Documentation coverage: {len(problems)} gap(s) in {checked} checked items:")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    print(
        f"Documentation coverage: all {checked} models, seeds, sources, columns, unit tests,"
        " macros, generic tests, exposures, semantic models and metrics are documented."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
