"""Writes seeds/holiday_windows.csv: the dated shopping windows of the holiday-buyer rule.

One row per occasion and year, 2015-2035 by default: the occasion's name, its scope (`VN` for
Vietnamese occasions, `international` for the others), its date, and the window of days in which
a purchase counts as a holiday purchase (from `window_start_date` to `window_end_date`, both
included; most windows open some days before the occasion, when the gifts are bought).

Lunar dates (Tết, the first day of the lunar year, and Mid-Autumn, the 15th day of the 8th
month) come from the Vietnamese lunisolar calendar of the maintained `holidays` package; Black
Friday is the day after the United States' Thanksgiving as that package dates it. The other
occasions have fixed dates. The seed is committed: edit it by hand (add, remove or move windows)
or change the table below and run `python -m tools.generate_holiday_windows`; the run itself
never needs the `holidays` package (tools/tests/test_generator.py checks that the committed file
is what this script writes).
"""

from __future__ import annotations

import argparse
import csv
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import holidays
from holidays.calendars.chinese import VIETNAMESE_CALENDAR, _ChineseLunisolar

SEED = Path(__file__).resolve().parents[1] / "seeds" / "holiday_windows.csv"
FIRST_YEAR, LAST_YEAR = 2015, 2035
COLUMNS = ["holiday_name", "scope", "holiday_date", "window_start_date", "window_end_date"]

_LUNAR = _ChineseLunisolar(VIETNAMESE_CALENDAR)


def _tet(year: int) -> date:
    return _LUNAR.lunar_new_year_date(year)[0]


def _mid_autumn(year: int) -> date:
    return _LUNAR.mid_autumn_date(year)[0]


def _black_friday(year: int) -> date:
    thanksgiving = holidays.country_holidays("US", years=year, language="en_US")
    return thanksgiving.get_named("Thanksgiving Day", lookup="exact")[0] + timedelta(days=1)


def _fixed(month: int, day: int) -> Callable[[int], date]:
    return lambda year: date(year, month, day)


# name, scope, date of the occasion in a year, days before it the window opens, days after it
# the window closes
OCCASIONS: list[tuple[str, str, Callable[[int], date], int, int]] = [
    ("tet", "VN", _tet, 21, 0),
    ("valentines_day", "international", _fixed(2, 14), 7, 0),
    ("international_womens_day", "international", _fixed(3, 8), 7, 0),
    ("mid_autumn", "VN", _mid_autumn, 14, 0),
    ("vietnamese_womens_day", "VN", _fixed(10, 20), 7, 0),
    ("singles_day", "international", _fixed(11, 11), 1, 0),
    ("vietnamese_teachers_day", "VN", _fixed(11, 20), 7, 0),
    ("black_friday", "international", _black_friday, 0, 3),  # to Cyber Monday
    ("double_twelve", "international", _fixed(12, 12), 1, 0),
    ("christmas", "international", _fixed(12, 25), 14, 0),
]


def holiday_windows(first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR) -> list[list[str]]:
    """The seed's rows (header first), sorted by occasion date and name."""
    rows = []
    for year in range(first_year, last_year + 1):
        for name, scope, dated, before, after in OCCASIONS:
            day = dated(year)
            start, end = day - timedelta(days=before), day + timedelta(days=after)
            rows.append([name, scope, day.isoformat(), start.isoformat(), end.isoformat()])
    rows.sort(key=lambda row: (row[2], row[0]))
    return [COLUMNS, *rows]


def write(path: Path = SEED) -> None:
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file, lineterminator="\n").writerows(holiday_windows())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the holiday windows seed.")
    parser.add_argument("--out", type=Path, default=SEED, help="the CSV file to write")
    args = parser.parse_args(argv)
    write(args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
