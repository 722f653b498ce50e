"""The segment report renders, offline, in headless Chromium, from the published marts."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import pytest

from tools.report import SEGMENTS
from tools.tests.conftest import PROJECT_DIR

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--window-size=1100,2400",
    "--virtual-time-budget=5000",
]


class _Dom(HTMLParser):
    """Charts (svg[data-chart]) with their attributes and marks, notes, and the body."""

    def __init__(self) -> None:
        super().__init__()
        self.charts: dict[str, dict[str, str]] = {}
        self.marks: dict[str, list[dict[str, str]]] = {}
        self.notes: list[str] = []
        self.body: dict[str, str] = {}
        self.html: dict[str, str] = {}
        self.tables: dict[str, list[list[str]]] = {}
        self.spans: dict[tuple[str, str], str] = {}
        self.headings: list[str] = []
        self._chart: str | None = None
        self._table: str | None = None
        self._cell: list[str] | None = None
        self._span: tuple[str, str] | None = None
        self._heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "html":
            self.html = attributes
        elif tag == "table" and "data-table" in attributes:
            self._table = attributes["data-table"]
            self.tables[self._table] = []
        elif tag == "tr" and self._table is not None:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table is not None:
            self._cell = []
        elif tag == "span" and attributes.keys() & {"data-reason", "data-play", "data-audience"}:
            key = next(k for k in ("data-reason", "data-play", "data-audience") if k in attributes)
            self._span = (key, attributes[key])
            self.spans[self._span] = ""
        elif tag == "h2":
            self._heading = []
        if tag == "body":
            self.body = attributes
        elif tag == "svg" and "data-chart" in attributes:
            self._chart = attributes["data-chart"]
            self.charts[self._chart] = attributes
            self.marks[self._chart] = []
        elif tag == "rect" and self._chart is not None:
            self.marks[self._chart].append(attributes)
        elif "data-note" in attributes:
            self.notes.append(attributes["data-note"])

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._span is not None:
            self.spans[self._span] += data
        if self._heading is not None:
            self._heading.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self._chart = None
        elif tag == "table":
            self._table = None
        elif tag in ("td", "th") and self._cell is not None and self._table is not None:
            self.tables[self._table][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "span":
            self._span = None
        elif tag == "h2" and self._heading is not None:
            self.headings.append("".join(self._heading).strip())
            self._heading = None


def _render(published: Path, out: Path, *args: str) -> str:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "tools.report",
            "--published",
            str(published),
            "--out",
            str(out),
            *args,
        ],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _chromium(page: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium package")
    return subprocess.run(
        [
            CHROMIUM,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'chromium'}",
            *args,
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=180,
    )


def _dump_dom(page: Path, tmp_path: Path) -> _Dom:
    dom = _Dom()
    dom.feed(_chromium(page, tmp_path, "--dump-dom").stdout)
    return dom


def _assert_self_contained(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)
    assert not re.search(r"@import|url\(", text)
    assert "<script src" not in text


def _without_transitions_or_rfm(published: Path, copy: Path) -> Path:
    """A copy of the published file without the marts other branches add (whether or not the
    build already has them), so that the sections that depend on them have something to test."""
    shutil.copy(published, copy)
    with duckdb.connect(str(copy)) as connection:
        connection.execute("drop table if exists marts.segment_transitions")
        scored = connection.execute(
            "select table_name, column_name from duckdb_columns() "
            "where schema_name = 'marts' and column_name in ('r_score', 'f_score')"
        ).fetchall()
        for table, column in scored:
            connection.execute(f"alter table marts.{table} drop column {column}")
    return copy


def test_the_report_draws_the_segments_and_notes_the_missing_sections(
    published: Path, tmp_path: Path
) -> None:
    published = _without_transitions_or_rfm(published, tmp_path / "segments_published.duckdb")
    page = tmp_path / "report.html"
    output = _render(published, page)
    assert "Reading the published marts" in output and f"Wrote {page}" in output
    assert "migration matrix: skipped" in output and "RFM grid: skipped" in output
    _assert_self_contained(page)

    dom = _dump_dom(page, tmp_path)
    # the two segment charts and the back-test
    assert dom.body.get("data-charts-rendered") == "3"
    with duckdb.connect(str(published), read_only=True) as connection:
        summary = connection.execute(
            "select lifecycle_segment, customers, total_revenue "
            "from marts.segment_summary order by segment_order"
        ).fetchall()
    for chart, column in [("customers-by-segment", 1), ("revenue-by-segment", 2)]:
        bars = dom.marks[chart]
        assert [bar["data-segment"] for bar in bars] == SEGMENTS
        assert [float(bar["data-value"]) for bar in bars] == [float(row[column]) for row in summary]
        drawn = sum(1 for row in summary if row[column] > 0)
        assert dom.charts[chart]["data-rendered-marks"] == str(drawn)
        assert int(dom.charts[chart]["data-rendered-width"]) > 300
        # The longest bar is the largest value.
        widths = [float(bar["width"]) for bar in bars]
        assert widths.index(max(widths)) == [row[column] for row in summary].index(
            max(row[column] for row in summary)
        )
    assert "segment-transitions" not in dom.charts and "rfm-grid" not in dom.charts
    assert sorted(dom.notes) == ["rfm-grid", "segment-transitions"]

    screenshot = tmp_path / "report.png"
    _chromium(page, tmp_path, f"--screenshot={screenshot}")
    assert screenshot.stat().st_size > 20_000


def test_the_report_draws_the_migration_matrix_and_rfm_grid_once_published(
    published: Path, tmp_path: Path
) -> None:
    # What the other branches will publish: a transitions mart and RFM scores on customers.
    richer = _without_transitions_or_rfm(published, tmp_path / "segments_published.duckdb")
    with duckdb.connect(str(richer)) as connection:
        connection.execute(
            """
            create table marts.segment_transitions as
            select
                previous.lifecycle_segment as from_segment,
                current.lifecycle_segment as to_segment,
                cast(previous.segment_order * 10 + current.segment_order as bigint) as customers
            from marts.segment_summary as previous
            cross join marts.segment_summary as current
            where previous.segment_order <> 2
            """
        )
        connection.execute("alter table marts.customer_segments add column r_score integer")
        connection.execute("alter table marts.customer_segments add column f_score integer")
        connection.execute(
            "update marts.customer_segments set "
            "r_score = 1 + hash(customer_id) % 5, f_score = 1 + hash(customer_id || 'f') % 4"
        )
        expected_rfm = dict(
            (f"{r}/{f}", n)
            for r, f, n in connection.execute(
                "select r_score, f_score, count(*) from marts.customer_segments group by all"
            ).fetchall()
        )
    page = tmp_path / "report.html"
    output = _render(richer, page)
    assert "migration matrix: marts.segment_transitions" in output
    assert "RFM grid: marts.customer_segments" in output
    _assert_self_contained(page)

    dom = _dump_dom(page, tmp_path)
    assert dom.body.get("data-charts-rendered") == "5"
    assert dom.notes == []

    cells = dom.marks["segment-transitions"]
    assert len(cells) == 64  # every from/to pair of the eight segments, zeros included
    values = {(cell["data-row"], cell["data-column"]): float(cell["data-value"]) for cell in cells}
    assert values[("churned", "loyal")] == 36
    assert values[("new", "active")] == 0  # no row from `new`: an empty cell, still drawn
    assert dom.charts["segment-transitions"]["data-rendered-marks"] == "64"

    rfm = dom.marks["rfm-grid"]
    assert len(rfm) == 5 * 4
    assert [cell["data-row"] for cell in rfm[::4]] == ["5", "4", "3", "2", "1"]
    assert {
        f"{cell['data-row']}/{cell['data-column']}": int(float(cell["data-value"]))
        for cell in rfm
        if float(cell["data-value"]) > 0
    } == expected_rfm
    assert dom.charts["rfm-grid"]["data-rendered-marks"] == "20"

    screenshot = tmp_path / "report_full.png"
    _chromium(page, tmp_path, f"--screenshot={screenshot}")
    assert screenshot.stat().st_size > 20_000


HEADINGS = {
    "en": [
        "Segment sizes month by month",
        "Why customers are in a segment",
        "Playbook and audiences",
        "Overlays and the 13 customer types",
        "Expected revenue by segment",
        "How well the predictions hold up (back-test)",
    ],
    "vi": [
        "Quy mô phân khúc theo tháng",
        "Vì sao khách hàng thuộc phân khúc",
        "Kịch bản hành động và tập khách hàng",
        "Nhãn bổ sung và 13 kiểu khách hàng",
        "Doanh thu kỳ vọng theo phân khúc",
        "Dự báo đúng đến đâu (kiểm định ngược)",
    ],
}


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_the_report_shows_the_actions_in_both_languages(
    published: Path, tmp_path: Path, lang: str
) -> None:
    """Month-by-month sizes, a reason per segment, the playbook with its audience sizes, the
    overlays and the 13 types, expected revenue: in English and in Vietnamese, in Chromium."""
    page = tmp_path / f"report_{lang}.html"
    output = _render(published, page, "--lang", lang)
    assert f"{lang}); open it" in output
    _assert_self_contained(page)
    dom = _dump_dom(page, tmp_path)
    assert dom.html.get("lang") == lang
    assert set(HEADINGS[lang]) <= set(dom.headings)
    other = "vi" if lang == "en" else "en"
    assert not set(HEADINGS[other]) & set(dom.headings)
    with duckdb.connect(str(published), read_only=True) as connection:
        plays = connection.execute(
            f"select play_id, audience_customers, goal_{lang} "
            "from marts.segment_playbook_summary order by priority, play_id"
        ).fetchall()
        months = connection.execute(
            "select count(distinct as_of_date) from marts.customer_segment_history "
            "where is_month_end"
        ).fetchone()
        reasons = dict(
            connection.execute(
                "select lifecycle_segment, min_by(segment_reason, customer_id) "
                "from marts.customer_segments group by 1"
            ).fetchall()
        )
    # the playbook: every play in priority order, its goal in the language, its audience size
    playbook = dom.tables["playbook"][1:]
    assert [row[2] for row in playbook] == [goal for _, _, goal in plays]
    assert {
        play: int(dom.spans[("data-audience", play)].replace(",", "")) for play, _, _ in plays
    } == {play: size for play, size, _ in plays}
    assert len(dom.tables["monthly"]) - 1 == months[0] > 12
    assert len(dom.tables["types"]) - 1 == 13
    assert len(dom.tables["overlays"]) - 1 == 8
    assert len(dom.tables["expected-revenue"]) - 1 == len(SEGMENTS)
    # a reason per segment, with the row's own figures, in the language
    for segment, reason in reasons.items():
        shown = dom.spans[("data-reason", segment)]
        assert re.findall(r"[0-9.]+", shown) == re.findall(r"[0-9.]+", reason)
        if lang == "en":
            assert shown == reason
        else:
            assert shown != reason
            assert not re.search(r"\b(days|purchase|since|expected|first|not)\b", shown), shown
    if lang == "vi":
        assert dom.tables["monthly"][0][1:3] == ["tiềm năng", "mới"]
    # the back-test of the chosen model: predicted and actual bars per calibration bucket, the
    # share of each churn-risk band that bought in the holdout period
    with duckdb.connect(str(published), read_only=True) as connection:
        backtest = connection.execute(
            "select bucket, mean_predicted_holdout_purchases, mean_actual_holdout_purchases"
            " from marts.prediction_backtest"
            " where is_chosen_model and breakdown = 'calibration_repeat_purchases'"
            " order by bucket_order"
        ).fetchall()
        bands = connection.execute(
            "select holdout_buyer_share from marts.prediction_backtest"
            " where is_chosen_model and breakdown = 'churn_risk_band' order by bucket_order"
        ).fetchall()
    bars = [mark for mark in dom.marks["prediction-backtest"] if "data-bucket" in mark]
    assert [(bar["data-bucket"], bar["data-series"]) for bar in bars] == [
        (bucket, series) for bucket, _, _ in backtest for series in ("predicted", "actual")
    ]
    assert [float(bar["data-value"]) for bar in bars] == [
        value for _, predicted, actual in backtest for value in (predicted, actual)
    ]
    assert dom.charts["prediction-backtest"]["data-rendered-marks"] == str(
        sum(1 for bar in bars if float(bar["data-value"]) > 0)
    )
    assert [row[3] for row in dom.tables["backtest-bands"][1:]] == [
        f"{share:.1%}" for (share,) in bands
    ]
    screenshot = tmp_path / f"report_{lang}.png"
    _chromium(page, tmp_path, f"--screenshot={screenshot}")
    assert screenshot.stat().st_size > 20_000


def test_the_report_refuses_an_unknown_language(published: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tools.report", "--published", str(published), "--lang", "fr"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2 and "invalid choice" in result.stderr


def test_the_report_says_what_to_do_without_a_published_file(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tools.report", "--published", str(tmp_path / "none.duckdb")],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "run `make run`" in result.stderr
