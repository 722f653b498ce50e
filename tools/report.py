"""Render the segment report: one static, self-contained HTML page from the PUBLISHED marts.

Reads the published file (`SEGMENTS_PUBLISHED_PATH`, default `data/segments_published.duckdb`)
read-only, so it never waits for or blocks a build, and writes one HTML file (default
`data/segment_report.html`, or `SEGMENTS_REPORT_PATH`) with inline CSS and SVG charts drawn
here: nothing is loaded from the network, so it opens offline and can be mailed as it is.

Sections:

* headline figures and customers / revenue by lifecycle segment (marts.segment_summary);
* the migration matrix between segments as a heatmap, when `marts.segment_transitions` is
  published (its from/to segment and count columns are recognised by name), else a note;
* an RFM grid (customers by `r_score` by `f_score`), when a mart has both columns, else a note;
* segment sizes month by month (marts.customer_segment_history, month ends);
* one example reason per segment (customer_segments.segment_reason);
* the playbook with each play's next-best-action customers and audience size
  (marts.segment_playbook_summary);
* the overlays and the 13 customer types of the articles as a table;
* expected revenue by segment (customer_segments.expected_revenue).

Every section whose mart or column is not published is replaced by a note. `--lang vi` renders
the page in Vietnamese (headings, labels, reasons, playbook), `--lang en` (the default) in English
(`make report LANG=vi`); the words are in tools/report_text.py.

Usage: python -m tools.report [--published PATH] [--out PATH] [--lang en|vi]
"""

from __future__ import annotations

import argparse
import html
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from tools.publish import published_path
from tools.report_text import (
    CUSTOMER_TYPES,
    LANGUAGES,
    segment_label,
    text,
    translate_reason,
)

DEFAULT_OUT = "data/segment_report.html"
SEGMENTS = ["prospect", "new", "churned", "lapsed", "at_risk", "loyal", "repeat", "active"]
SEGMENT_COLOURS = {
    "prospect": "#94a3b8",
    "new": "#38bdf8",
    "churned": "#ef4444",
    "lapsed": "#f97316",
    "at_risk": "#facc15",
    "loyal": "#16a34a",
    "repeat": "#4ade80",
    "active": "#2563eb",
}
FROM_COLUMNS = [
    "from_segment",
    "from_lifecycle_segment",
    "previous_segment",
    "previous_lifecycle_segment",
    "prior_segment",
    "segment_from",
    "start_segment",
]
TO_COLUMNS = [
    "to_segment",
    "to_lifecycle_segment",
    "current_segment",
    "next_segment",
    "segment_to",
    "end_segment",
    "lifecycle_segment",
]
COUNT_COLUMNS = ["customers", "customer_count", "n_customers", "transitions", "transition_count"]
PERIOD_COLUMNS = ["as_of_date", "to_as_of_date", "to_date", "period_end_date", "period_end"]


OVERLAYS = [
    "vip",
    "bargain_hunter",
    "seasonal",
    "omnichannel",
    "re_engaged",
    "infrequent",
    "referrer",
    "b2b",
]
PLAYBOOK_FIELDS = ["goal", "action", "channel", "message_theme", "cadence"]


@dataclass(frozen=True)
class SegmentRow:
    segment: str
    customers: int
    customer_share: float
    orders: int
    revenue: float
    revenue_share: float


@dataclass(frozen=True)
class Matrix:
    """Counts on a grid: rows by columns, with how they were read."""

    rows: list[str]
    columns: list[str]
    values: dict[tuple[str, str], float]
    source: str


@dataclass(frozen=True)
class ReportData:
    published: Path
    info: dict[str, Any]
    segments: list[SegmentRow]
    headline: dict[str, Any]
    transitions: Matrix | None
    transitions_note: str
    rfm: Matrix | None
    rfm_note: str
    monthly: list[tuple[str, dict[str, int]]] | None = None
    reasons: dict[str, str] | None = None
    playbook: list[dict[str, Any]] | None = None
    overlays: dict[str, int] | None = None
    types: dict[str, int] | None = None
    expected_revenue: dict[str, float] | None = None
    backtest: list[dict[str, Any]] | None = None


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _columns(connection: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    rows = connection.execute(
        "select column_name from duckdb_columns() "
        "where schema_name = 'marts' and table_name = ? order by column_index",
        [table],
    ).fetchall()
    return [str(row[0]) for row in rows]


def _tables(connection: duckdb.DuckDBPyConnection) -> list[str]:
    rows = connection.execute(
        "select table_name from duckdb_tables() where schema_name = 'marts' order by 1"
    ).fetchall()
    return [str(row[0]) for row in rows]


def _first(candidates: Sequence[str], columns: Sequence[str]) -> str | None:
    lowered = {column.lower(): column for column in columns}
    return next((lowered[name] for name in candidates if name in lowered), None)


def _ordered(labels: set[str]) -> list[str]:
    known = [segment for segment in SEGMENTS if segment in labels]
    return known + sorted(label for label in labels if label not in SEGMENTS)


def _read_transitions(connection: duckdb.DuckDBPyConnection) -> tuple[Matrix | None, str]:
    if "segment_transitions" not in _tables(connection):
        return None, (
            "marts.segment_transitions is not in the published file yet, so there is no "
            "migration matrix. It appears here once that mart is built and published."
        )
    columns = _columns(connection, "segment_transitions")
    from_column, to_column = _first(FROM_COLUMNS, columns), _first(TO_COLUMNS, columns)
    if from_column is None or to_column is None or from_column == to_column:
        return None, (
            "marts.segment_transitions has no recognisable from/to segment columns "
            f"(it has: {', '.join(columns)}), so the migration matrix is not drawn."
        )
    count_column = _first(COUNT_COLUMNS, columns)
    measure = f'sum("{count_column}")' if count_column else "count(*)"
    period_column = _first(PERIOD_COLUMNS, columns)
    where = (
        f'where "{period_column}" = (select max("{period_column}") from marts.segment_transitions)'
        if period_column
        else ""
    )
    rows = connection.execute(
        f'select "{from_column}", "{to_column}", {measure} from marts.segment_transitions '
        f"{where} group by all"
    ).fetchall()
    values = {
        (str(a), str(b)): float(n or 0) for a, b, n in rows if a is not None and b is not None
    }
    labels = _ordered({a for a, _ in values} | {b for _, b in values} | set(SEGMENTS))
    source = (
        f"marts.segment_transitions: rows {from_column}, columns {to_column}, "
        f"{'sum of ' + count_column if count_column else 'row count'}"
        + (f", latest {period_column}" if period_column else "")
    )
    return Matrix(labels, labels, values, source), ""


def _read_rfm(connection: duckdb.DuckDBPyConnection) -> tuple[Matrix | None, str]:
    candidates = [
        table
        for table in _tables(connection)
        if {"r_score", "f_score"} <= {column.lower() for column in _columns(connection, table)}
    ]
    if not candidates:
        return None, (
            "No published mart has r_score and f_score columns yet, so there is no RFM grid. "
            "It appears here once RFM scores are built and published."
        )
    table = "customer_segments" if "customer_segments" in candidates else candidates[0]
    has_customer = "customer_id" in {column.lower() for column in _columns(connection, table)}
    measure = "count(distinct customer_id)" if has_customer else "count(*)"
    rows = connection.execute(
        f"select r_score, f_score, {measure} from marts.{table} "
        "where r_score is not null and f_score is not null group by all"
    ).fetchall()
    if not rows:
        return None, f"marts.{table} has r_score and f_score columns but no scored rows."
    values = {(str(r), str(f)): float(n) for r, f, n in rows}

    def axis(index: int) -> list[str]:
        found = sorted({row[index] for row in rows})
        if all(isinstance(value, int) for value in found):
            return [str(value) for value in range(min(found), max(found) + 1)]
        return [str(value) for value in found]

    r_axis = list(reversed(axis(0)))  # highest recency score on top
    source = f"marts.{table}: customers by r_score (rows) and f_score (columns)"
    return Matrix(r_axis, axis(1), values, source), ""


def read_report_data(published: Path) -> ReportData:
    """Everything the report shows, read from the published file in one read-only session."""
    with duckdb.connect(str(published), read_only=True) as connection:
        info_cursor = connection.execute("select * from publication.info")
        names = [column[0] for column in info_cursor.description or []]
        info_row = info_cursor.fetchone()
        info = dict(zip(names, info_row, strict=True)) if info_row else {}
        segments = [
            SegmentRow(str(a), int(b), float(c), int(d), float(e), float(f))
            for a, b, c, d, e, f in connection.execute(
                "select lifecycle_segment, customers, customer_share, orders, total_revenue, "
                "revenue_share from marts.segment_summary order by segment_order"
            ).fetchall()
        ]
        headline_row = connection.execute(
            """
            select
                count(*),
                count(*) filter (where purchase_days > 0),
                coalesce(sum(total_revenue), 0),
                coalesce(sum(order_count), 0),
                count(*) filter (where lifecycle_segment = 'churned'),
                max(as_of_date)
            from marts.customer_segments
            """
        ).fetchone()
        customers, buyers, revenue, orders, churned, as_of = headline_row or (0,) * 6
        headline = {
            "customers": int(customers),
            "buyers": int(buyers),
            "revenue": float(revenue),
            "orders": int(orders),
            "average_order_value": float(revenue) / orders if orders else None,
            "churn_rate": churned / buyers if buyers else None,
            "as_of_date": as_of,
        }
        transitions, transitions_note = _read_transitions(connection)
        rfm, rfm_note = _read_rfm(connection)
        extras = _read_actions(connection)
    return ReportData(
        published, info, segments, headline, transitions, transitions_note, rfm, rfm_note, **extras
    )


# The types that need an optional raw table (docs/customer-types.md): without it they are not in
# the data, whatever their column holds.
TYPE_RAW_TABLES: dict[str, list[str]] = {
    "lead": ["raw_events"],
    "novice": ["raw_order_items", "raw_products"],
    "advocate": ["raw_feedback"],
}


def _absent_raw_tables(connection: duckdb.DuckDBPyConnection, tables: list[str]) -> set[str]:
    """The optional raw tables the build did not read (raw_row_accounting.is_present false)."""
    if "raw_row_accounting" not in tables or "is_present" not in _columns(
        connection, "raw_row_accounting"
    ):
        return set()
    rows = connection.execute(
        "select raw_table from marts.raw_row_accounting where not is_present"
    ).fetchall()
    return {str(row[0]) for row in rows}


def _read_actions(connection: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The month-by-month sizes, reasons, playbook, overlays, types and expected revenue: each
    None when its mart or column is not published."""
    tables = _tables(connection)
    columns = set(_columns(connection, "customer_segments"))
    extras: dict[str, Any] = {}
    if "customer_segment_history" in tables:
        monthly: dict[str, dict[str, int]] = {}
        for month, segment, count in connection.execute(
            "select strftime(as_of_date, '%Y-%m'), lifecycle_segment, count(*) "
            "from marts.customer_segment_history where is_month_end group by all order by 1"
        ).fetchall():
            monthly.setdefault(str(month), {})[str(segment)] = int(count)
        extras["monthly"] = list(monthly.items())
    if "segment_reason" in columns:
        extras["reasons"] = {
            str(segment): str(reason)
            for segment, reason in connection.execute(
                "select lifecycle_segment, min_by(segment_reason, customer_id) "
                "from marts.customer_segments group by 1"
            ).fetchall()
        }
    if "segment_playbook_summary" in tables:
        cursor = connection.execute(
            "select * from marts.segment_playbook_summary order by priority, play_id"
        )
        names = [column[0] for column in cursor.description or []]
        extras["playbook"] = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    flags = [overlay for overlay in OVERLAYS if f"is_{overlay}" in columns]
    if flags:
        sums = ", ".join(f"count(*) filter (where is_{overlay})" for overlay in flags)
        row = connection.execute(f"select {sums} from marts.customer_segments").fetchone() or ()
        extras["overlays"] = dict(zip(flags, (int(value) for value in row), strict=True))
    if {"lifecycle_segment", "is_referrer"} <= columns:
        absent = _absent_raw_tables(connection, tables)
        known = [
            (name, rule)
            for name, _, rule in CUSTOMER_TYPES
            if rule
            and rule.split()[0] in columns
            and not absent & set(TYPE_RAW_TABLES.get(name, []))
        ]
        sums = ", ".join(f"count(*) filter (where {rule})" for _, rule in known)
        row = connection.execute(f"select {sums} from marts.customer_segments").fetchone() or ()
        extras["types"] = dict(zip([n for n, _ in known], (int(v) for v in row), strict=True))
    if "expected_revenue" in columns:
        extras["expected_revenue"] = {
            str(segment): float(value or 0)
            for segment, value in connection.execute(
                "select lifecycle_segment, sum(expected_revenue) "
                "from marts.customer_segments group by 1"
            ).fetchall()
        }
    if "prediction_backtest" in tables:
        cursor = connection.execute(
            "select * from marts.prediction_backtest where is_chosen_model "
            "order by breakdown, bucket_order"
        )
        names = [column[0] for column in cursor.description or []]
        extras["backtest"] = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return extras


def _bar_chart(
    chart: str,
    title: str,
    rows: list[SegmentRow],
    value_of: str,
    share_of: str,
    money: bool,
    lang: str = "en",
) -> str:
    width, label_width, value_width, bar_height, gap = 760, 130, 150, 26, 8
    plot_width = width - label_width - value_width
    height = len(rows) * (bar_height + gap) + gap
    largest = max((float(getattr(row, value_of)) for row in rows), default=0.0) or 1.0
    marks = []
    for index, row in enumerate(rows):
        value = float(getattr(row, value_of))
        share = float(getattr(row, share_of))
        y = gap + index * (bar_height + gap)
        bar = plot_width * value / largest
        text = f"{value:,.2f}" if money else f"{value:,.0f}"
        marks.append(
            f'<text x="{label_width - 8}" y="{y + bar_height * 0.68:.1f}" '
            f'text-anchor="end" class="label">{_e(segment_label(lang, row.segment))}</text>'
            f'<rect class="bar" data-segment="{_e(row.segment)}" data-value="{value}" '
            f'x="{label_width}" y="{y}" width="{bar:.2f}" height="{bar_height}" '
            f'fill="{SEGMENT_COLOURS.get(row.segment, "#64748b")}" rx="3">'
            f"<title>{_e(row.segment)}: {text} ({share:.1%})</title></rect>"
            f'<text x="{label_width + bar + 6:.2f}" y="{y + bar_height * 0.68:.1f}" '
            f'class="value">{text} · {share:.1%}</text>'
        )
    return (
        f'<svg data-chart="{chart}" role="img" aria-label="{_e(title)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
        f"<title>{_e(title)}</title>{''.join(marks)}</svg>"
    )


def _heat_colour(fraction: float) -> str:
    low, high = (241, 245, 249), (29, 78, 216)
    mixed = (round(a + (b - a) * fraction) for a, b in zip(low, high, strict=True))
    return "#{:02x}{:02x}{:02x}".format(*mixed)


def _heatmap(
    chart: str, title: str, matrix: Matrix, row_title: str, column_title: str, lang: str = "en"
) -> str:
    cell, left, top = 72, 120, 56
    width = left + cell * len(matrix.columns) + 10
    height = top + cell * len(matrix.rows) + 10
    largest = max(matrix.values.values(), default=0.0) or 1.0
    parts = [
        f'<text x="{left + cell * len(matrix.columns) / 2}" y="16" text-anchor="middle" '
        f'class="axis">{_e(column_title)} →</text>',
        f'<text x="14" y="{top + cell * len(matrix.rows) / 2}" text-anchor="middle" '
        f'class="axis" transform="rotate(-90 14 {top + cell * len(matrix.rows) / 2})">'
        f"{_e(row_title)} →</text>",
    ]
    for column_index, column in enumerate(matrix.columns):
        x = left + column_index * cell + cell / 2
        parts.append(
            f'<text x="{x}" y="{top - 10}" text-anchor="middle" class="column-label">'
            f"{_e(segment_label(lang, column))}</text>"
        )
    for row_index, row in enumerate(matrix.rows):
        y = top + row_index * cell
        parts.append(
            f'<text x="{left - 8}" y="{y + cell / 2 + 4}" text-anchor="end" class="label">'
            f"{_e(segment_label(lang, row))}</text>"
        )
        for column_index, column in enumerate(matrix.columns):
            value = matrix.values.get((row, column), 0.0)
            fraction = value / largest
            x = left + column_index * cell
            ink = "#ffffff" if fraction > 0.55 else "#0f172a"
            parts.append(
                f'<rect class="cell" data-row="{_e(row)}" data-column="{_e(column)}" '
                f'data-value="{value:g}" x="{x}" y="{y}" width="{cell - 2}" '
                f'height="{cell - 2}" fill="{_heat_colour(fraction)}">'
                f"<title>{_e(row)} → {_e(column)}: {value:,.0f}</title></rect>"
                f'<text x="{x + cell / 2 - 1}" y="{y + cell / 2 + 4}" text-anchor="middle" '
                f'class="cell-value" fill="{ink}">{value:,.0f}</text>'
            )
    return (
        f'<svg data-chart="{chart}" role="img" aria-label="{_e(title)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
        f"<title>{_e(title)}</title>{''.join(parts)}</svg>"
    )


def _number(value: float | None, pattern: str) -> str:
    return "n/a" if value is None else pattern.format(value)


STYLE = """
body { font-family: "DejaVu Sans", system-ui, sans-serif; color: #0f172a; margin: 0;
       background: #f8fafc; }
main { max-width: 980px; margin: 0 auto; padding: 24px 32px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 8px; border-bottom: 1px solid #cbd5e1; padding-bottom: 4px; }
.meta, .source { color: #475569; font-size: 13px; }
.tiles { display: flex; flex-wrap: wrap; gap: 12px; margin-top: 16px; }
.tile { background: #fff; border: 1px solid #e2e8f0; border-radius: 8px; padding: 10px 14px;
        min-width: 130px; }
.tile b { display: block; font-size: 22px; }
.tile span { color: #475569; font-size: 12px; }
svg { display: block; max-width: 100%; height: auto; background: #fff; border-radius: 8px;
      border: 1px solid #e2e8f0; margin: 8px 0; }
svg .label { font-size: 13px; fill: #0f172a; }
svg .value { font-size: 12px; fill: #334155; }
svg .axis { font-size: 12px; fill: #475569; }
svg .column-label { font-size: 12px; fill: #0f172a; }
svg .cell-value { font-size: 12px; }
.note { background: #fff7ed; border: 1px solid #fed7aa; border-radius: 8px; padding: 10px 14px; }
table { border-collapse: collapse; background: #fff; font-size: 13px; }
th, td { padding: 5px 10px; border-bottom: 1px solid #e2e8f0; text-align: right; }
th:first-child, td:first-child { text-align: left; }
"""

# Runs in the browser that opens the page: records, on every chart, how many of its marks have
# a rendered size (the report test reads these attributes from the DOM headless Chromium dumps).
MODEL_LABELS = {"bgnbd": "BG/NBD", "mbgnbd": "modified BG/NBD"}

CHECK_SCRIPT = """
window.addEventListener("load", function () {
  var charts = document.querySelectorAll("svg[data-chart]");
  charts.forEach(function (svg) {
    var box = svg.getBoundingClientRect();
    var drawn = 0;
    svg.querySelectorAll("rect.bar, rect.cell").forEach(function (mark) {
      var r = mark.getBoundingClientRect();
      if (r.width > 0 && r.height > 0) { drawn += 1; }
    });
    svg.setAttribute("data-rendered-width", Math.round(box.width));
    svg.setAttribute("data-rendered-marks", drawn);
  });
  document.body.setAttribute("data-charts-rendered", charts.length);
});
"""


def _table(section: str, header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{_e(cell)}</th>" for cell in header)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return (
        f'<table data-table="{section}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    )


def _note(section: str, message: str) -> str:
    return f'<p class="note" data-note="{section}">{_e(message)}</p>'


def _monthly_section(data: ReportData, lang: str) -> str:
    if data.monthly is None:
        return _note("monthly", text(lang, "missing", table="marts.customer_segment_history"))
    header = [text(lang, "month"), *(segment_label(lang, segment) for segment in SEGMENTS)]
    rows = [
        [_e(month), *(f"{counts.get(segment, 0):,}" for segment in SEGMENTS)]
        for month, counts in data.monthly
    ]
    return _table("monthly", header, rows) + (
        f'<p class="source">{text(lang, "Source")}: marts.customer_segment_history.</p>'
    )


def _reasons_section(data: ReportData, lang: str) -> str:
    if data.reasons is None:
        return _note("reasons", text(lang, "missing", table="customer_segments.segment_reason"))
    rows = [
        [
            _e(segment_label(lang, segment)),
            f'<span data-reason="{_e(segment)}">'
            f"{_e(translate_reason(data.reasons[segment], lang))}</span>",
        ]
        for segment in _ordered(set(data.reasons))
    ]
    return f"<p>{_e(text(lang, 'reasons_intro'))}</p>" + _table(
        "reasons", [text(lang, "segment"), text(lang, "example reason")], rows
    )


def _playbook_section(data: ReportData, lang: str) -> str:
    if data.playbook is None:
        return _note("playbook", text(lang, "missing", table="marts.segment_playbook_summary"))
    header = [
        text(lang, "priority"),
        text(lang, "play"),
        text(lang, "goal"),
        text(lang, "action"),
        text(lang, "channel"),
        text(lang, "message theme"),
        text(lang, "cadence"),
        text(lang, "next best action"),
        text(lang, "audience"),
    ]
    rows = []
    for play in data.playbook:
        label = segment_label(lang, str(play["segment"]))
        rows.append(
            [
                str(play["priority"]),
                f'<span data-play="{_e(play["play_id"])}">{_e(play["segment_kind"])}: '
                f"{_e(label)}</span>",
                *(_e(play[f"{field}_{lang}"]) for field in PLAYBOOK_FIELDS),
                f"{int(play['customers']):,}",
                f'<span data-audience="{_e(play["play_id"])}">'
                f"{int(play['audience_customers']):,}</span>",
            ]
        )
    return (
        f"<p>{_e(text(lang, 'playbook_intro'))}</p>"
        + _table("playbook", header, rows)
        + f'<p class="source">{text(lang, "Source")}: marts.segment_playbook_summary '
        "(seeds/segment_playbook.csv).</p>"
    )


def _overlays_section(data: ReportData, lang: str) -> str:
    if data.overlays is None and data.types is None:
        return _note("overlays", text(lang, "missing", table="customer_segments overlays"))
    total = data.headline["customers"] or 1
    parts = []
    if data.overlays is not None:
        rows = [
            [_e(segment_label(lang, name)), f"{count:,}", f"{count / total:.1%}"]
            for name, count in data.overlays.items()
        ]
        parts.append(
            _table(
                "overlays",
                [text(lang, "overlay"), text(lang, "customers"), text(lang, "share")],
                rows,
            )
        )
    if data.types is not None:
        types = data.types
        rows = []
        for name, name_vi, rule in CUSTOMER_TYPES:
            shown = name if lang == "en" else name_vi
            if rule is None or name not in types:
                rows.append([_e(shown), _e(text(lang, "not in the data")), ""])
            else:
                rows.append([_e(shown), f"<code>{_e(rule)}</code>", f"{types[name]:,}"])
        parts.append(
            _table(
                "types",
                [text(lang, "type"), text(lang, "in the marts"), text(lang, "customers")],
                rows,
            )
        )
    return "".join(parts)


def _expected_section(data: ReportData, lang: str) -> str:
    if data.expected_revenue is None:
        return _note(
            "expected-revenue", text(lang, "missing", table="customer_segments.expected_revenue")
        )
    expected = data.expected_revenue
    rows = [
        [_e(segment_label(lang, segment)), f"{expected[segment]:,.2f}"]
        for segment in _ordered(set(expected))
    ]
    return f"<p>{_e(text(lang, 'expected_intro'))}</p>" + _table(
        "expected-revenue", [text(lang, "segment"), text(lang, "expected revenue")], rows
    )


def _backtest_chart(title: str, rows: list[dict[str, Any]], lang: str) -> str:
    """Predicted and actual holdout purchase days per customer, side by side for each number of
    repeat purchase days in the calibration period (the paper's conditional expectations)."""
    width, height, left, bottom, top = 760, 300, 60, 40, 16
    plot_width, plot_height = width - left - 16, height - bottom - top
    largest = max(
        (
            float(row[column])
            for row in rows
            for column in ("mean_predicted_holdout_purchases", "mean_actual_holdout_purchases")
        ),
        default=0.0,
    )
    largest = largest or 1.0
    slot = plot_width / max(len(rows), 1)
    bar = slot * 0.36
    colours = {"predicted": "#2563eb", "actual": "#f59e0b"}
    marks = []
    for index, row in enumerate(rows):
        x = left + index * slot + slot * 0.14
        for offset, series in enumerate(("predicted", "actual")):
            value = float(row[f"mean_{series}_holdout_purchases"])
            h = plot_height * value / largest
            marks.append(
                f'<rect class="bar" data-bucket="{_e(row["bucket"])}" data-series="{series}" '
                f'data-value="{value}" x="{x + offset * bar:.2f}" y="{top + plot_height - h:.2f}" '
                f'width="{bar:.2f}" height="{h:.2f}" fill="{colours[series]}" rx="2">'
                f"<title>{_e(text(lang, series))} {row['bucket']}: {value:.3f}</title></rect>"
            )
        marks.append(
            f'<text x="{x + bar:.2f}" y="{height - bottom + 16}" text-anchor="middle" '
            f'class="label">{_e(row["bucket"])}</text>'
        )
    legend = "".join(
        f'<rect x="{left + 10 + i * 140}" y="{top}" width="12" height="12" fill="{colour}"/>'
        f'<text x="{left + 28 + i * 140}" y="{top + 11}" class="value">'
        f"{_e(text(lang, series))}</text>"
        for i, (series, colour) in enumerate(colours.items())
    )
    axis = (
        f'<text x="{left + plot_width / 2:.0f}" y="{height - 4}" text-anchor="middle" '
        f'class="label">{_e(text(lang, "calibration repeat purchases"))}</text>'
        f'<text x="{left - 8}" y="{top + 8}" text-anchor="end" class="label">{largest:.1f}</text>'
        f'<text x="{left - 8}" y="{top + plot_height}" text-anchor="end" class="label">0</text>'
    )
    return (
        f'<svg data-chart="prediction-backtest" role="img" aria-label="{_e(title)}" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}">'
        f"<title>{_e(title)}</title>{''.join(marks)}{legend}{axis}</svg>"
    )


def _backtest_section(data: ReportData, lang: str) -> str:
    if not data.backtest:
        return _note("prediction-backtest", text(lang, "missing", table="prediction_backtest"))
    rows = data.backtest
    total = next((row for row in rows if row["breakdown"] == "total"), None)
    by_repeats = [row for row in rows if row["breakdown"] == "calibration_repeat_purchases"]
    bands = [row for row in rows if row["breakdown"] == "churn_risk_band"]
    intro = ""
    if total is not None:
        intro = text(
            lang,
            "backtest_intro",
            model=MODEL_LABELS.get(str(total["prediction_model"]), str(total["prediction_model"])),
            days=int(total["holdout_days"]),
            predicted=float(total["predicted_holdout_purchases"]),
            actual=int(total["actual_holdout_purchases"]),
            error=float(total["mean_absolute_error"]),
        )
    band_rows = [
        [
            _e(text(lang, f"band {row['bucket']}")),
            f"{int(row['customers']):,}",
            f"{float(row['mean_p_alive']):.2f}",
            f"{float(row['holdout_buyer_share']):.1%}",
        ]
        for row in bands
    ]
    return (
        f"<p>{_e(intro)}</p>"
        + _backtest_chart(text(lang, "backtest_chart"), by_repeats, lang)
        + _table(
            "backtest-bands",
            [
                text(lang, "churn risk"),
                text(lang, "customers"),
                "P(alive)",
                text(lang, "bought in the holdout"),
            ],
            band_rows,
        )
        + f'<p class="source">{text(lang, "Source")}: marts.prediction_backtest.</p>'
    )


def render_html(data: ReportData, lang: str = "en") -> str:
    """The whole report page, in `lang` (en or vi)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown report language {lang!r}: one of {', '.join(LANGUAGES)}")
    info, head = data.info, data.headline
    published_at = info.get("published_at")
    when = (
        published_at.strftime("%Y-%m-%d %H:%M UTC")
        if isinstance(published_at, datetime)
        else "unknown"
    )
    tiles = [
        (text(lang, "Customers"), f"{head['customers']:,}"),
        (text(lang, "Buyers"), f"{head['buyers']:,}"),
        (text(lang, "Revenue"), f"{head['revenue']:,.2f}"),
        (text(lang, "Orders"), f"{head['orders']:,}"),
        (text(lang, "Average order value"), _number(head["average_order_value"], "{:,.2f}")),
        (text(lang, "Churn rate (of buyers)"), _number(head["churn_rate"], "{:.1%}")),
    ]
    table_rows = "".join(
        f"<tr><td>{_e(segment_label(lang, row.segment))}</td><td>{row.customers:,}</td>"
        f"<td>{row.customer_share:.1%}</td><td>{row.orders:,}</td>"
        f"<td>{row.revenue:,.2f}</td><td>{row.revenue_share:.1%}</td></tr>"
        for row in data.segments
    )
    if data.transitions is not None:
        transitions = (
            _heatmap(
                "segment-transitions",
                text(lang, "migration_chart"),
                data.transitions,
                text(lang, "from segment"),
                text(lang, "to segment"),
                lang,
            )
            + f'<p class="source">{text(lang, "Source")}: {_e(data.transitions.source)}.</p>'
        )
    else:
        transitions = (
            f'<p class="note" data-note="segment-transitions">{_e(data.transitions_note)}</p>'
        )
    if data.rfm is not None:
        rfm = (
            _heatmap("rfm-grid", text(lang, "rfm_chart"), data.rfm, "r_score", "f_score", lang)
            + f'<p class="source">{text(lang, "Source")}: {_e(data.rfm.source)}.</p>'
        )
    else:
        rfm = f'<p class="note" data-note="rfm-grid">{_e(data.rfm_note)}</p>'
    title = text(lang, "title", date=head["as_of_date"])
    columns = ["segment", "customers", "share", "orders", "revenue", "share"]
    header = "".join(f"<th>{_e(text(lang, column))}</th>" for column in columns)
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<style>{STYLE}</style>
</head>
<body>
<main>
<h1>{_e(title)}</h1>
<p class="meta">{_e(text(lang, "meta", file=data.published.name, when=when))}</p>
<div class="tiles">{
        "".join(f"<div class='tile'><b>{_e(v)}</b><span>{_e(k)}</span></div>" for k, v in tiles)
    }</div>

<h2 id="customers">{_e(text(lang, "customers_heading"))}</h2>
{
        _bar_chart(
            "customers-by-segment",
            text(lang, "customers_heading"),
            data.segments,
            "customers",
            "customer_share",
            money=False,
            lang=lang,
        )
    }

<h2 id="revenue">{_e(text(lang, "revenue_heading"))}</h2>
{
        _bar_chart(
            "revenue-by-segment",
            text(lang, "revenue_heading"),
            data.segments,
            "revenue",
            "revenue_share",
            money=True,
            lang=lang,
        )
    }
<table>
<thead><tr>{header}</tr></thead>
<tbody>{table_rows}</tbody>
</table>
<p class="source">{text(lang, "Source")}: marts.segment_summary, marts.customer_segments.</p>

<h2 id="monthly">{_e(text(lang, "monthly_heading"))}</h2>
{_monthly_section(data, lang)}

<h2 id="reasons">{_e(text(lang, "reasons_heading"))}</h2>
{_reasons_section(data, lang)}

<h2 id="playbook">{_e(text(lang, "playbook_heading"))}</h2>
{_playbook_section(data, lang)}

<h2 id="overlays">{_e(text(lang, "overlays_heading"))}</h2>
{_overlays_section(data, lang)}

<h2 id="expected-revenue">{_e(text(lang, "expected_heading"))}</h2>
{_expected_section(data, lang)}

<h2 id="prediction-backtest">{_e(text(lang, "backtest_heading"))}</h2>
{_backtest_section(data, lang)}

<h2 id="migration">{_e(text(lang, "migration_heading"))}</h2>
{transitions}

<h2 id="rfm">{_e(text(lang, "rfm_heading"))}</h2>
{rfm}
</main>
<script>{CHECK_SCRIPT}</script>
</body>
</html>
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render the segment report from the marts.")
    parser.add_argument(
        "--published",
        type=Path,
        default=None,
        help="published file (default: $SEGMENTS_PUBLISHED_PATH or data/segments_published.duckdb)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help=f"HTML file to write (default: $SEGMENTS_REPORT_PATH or {DEFAULT_OUT})",
    )
    parser.add_argument(
        "--lang",
        choices=LANGUAGES,
        default="en",
        help="language of the page: en (English, the default) or vi (Vietnamese)",
    )
    args = parser.parse_args(argv)
    published = args.published or published_path()
    out = args.out or Path(os.environ.get("SEGMENTS_REPORT_PATH") or DEFAULT_OUT)
    if not published.exists():
        print(
            f"No published file at {published}: run `make run` (build, test and publish) first.",
            file=sys.stderr,
        )
        return 1
    print(f"Reading the published marts in {published} (read-only)")
    data = read_report_data(published)
    print(
        f"  customers and revenue by segment: {len(data.segments)} segments, "
        f"{data.headline['customers']:,} customers, as-of {data.headline['as_of_date']}"
    )
    if data.transitions is not None:
        print(f"  migration matrix: {data.transitions.source}")
    else:
        print(f"  migration matrix: skipped. {data.transitions_note}")
    if data.rfm is not None:
        print(f"  RFM grid: {data.rfm.source}")
    else:
        print(f"  RFM grid: skipped. {data.rfm_note}")
    out.parent.mkdir(parents=True, exist_ok=True)
    page = render_html(data, args.lang)
    new_file = out.with_name(f".{out.name}.{os.getpid()}.new")
    new_file.write_text(page, encoding="utf-8")
    os.replace(new_file, out)
    print(
        f"Wrote {out} ({len(page.encode('utf-8')) / 1024:.0f} KiB, {args.lang}); "
        "open it in any browser."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
