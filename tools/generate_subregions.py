"""Writes seeds/subregions.csv: the region within a country of each province or city name.

For Vietnam, the three regions (`north`: Bắc Bộ, `centre`: Trung Bộ, the Central Highlands
included, `south`: Nam Bộ) of the 63 provinces and centrally run cities before the merger of
1 July 2025 and of the 34 after it, plus a few cities and common short names (Hanoi, Saigon,
HCMC, Nha Trang, ...). Every name is written as it is spelled, without diacritics, and, where
the tone mark of `oa`/`oe`/`uy` may sit on either vowel (Hòa / Hoà), both ways.

`place_key` is the name as `place_key` (macros/subregions.sql, and `place_key` below) matches
it: lower case, punctuation as spaces, runs of spaces as one, trimmed, and without a leading
`tỉnh` / `thành phố` / `tp` or a trailing `city` / `province`. Run
`python -m tools.generate_subregions` after editing the tables below; the committed CSV is what
the run reads (tools/tests/test_generator.py checks that it is what this script writes).
"""

from __future__ import annotations

import argparse
import csv
import re
import unicodedata
from pathlib import Path

SEED = Path(__file__).resolve().parents[1] / "seeds" / "subregions.csv"
COLUMNS = ["country_code", "place_key", "place_name", "subregion", "place_kind"]

# The 63 provinces and centrally run cities before 1 July 2025, by region.
VIETNAM_PROVINCES_UNTIL_2025 = {
    "north": (
        "Hà Nội|Hải Phòng|Quảng Ninh|Bắc Giang|Bắc Ninh|Hải Dương|Hưng Yên|Thái Bình|Nam Định|"
        "Hà Nam|Ninh Bình|Vĩnh Phúc|Phú Thọ|Thái Nguyên|Bắc Kạn|Cao Bằng|Lạng Sơn|Tuyên Quang|"
        "Hà Giang|Yên Bái|Lào Cai|Lai Châu|Điện Biên|Sơn La|Hòa Bình"
    ),
    "centre": (
        "Thanh Hóa|Nghệ An|Hà Tĩnh|Quảng Bình|Quảng Trị|Thừa Thiên Huế|Đà Nẵng|Quảng Nam|"
        "Quảng Ngãi|Bình Định|Phú Yên|Khánh Hòa|Ninh Thuận|Bình Thuận|Kon Tum|Gia Lai|Đắk Lắk|"
        "Đắk Nông|Lâm Đồng"
    ),
    "south": (
        "Hồ Chí Minh|Bình Dương|Đồng Nai|Bà Rịa - Vũng Tàu|Tây Ninh|Bình Phước|Long An|"
        "Tiền Giang|Bến Tre|Trà Vinh|Vĩnh Long|Đồng Tháp|An Giang|Kiên Giang|Cần Thơ|Hậu Giang|"
        "Sóc Trăng|Bạc Liêu|Cà Mau"
    ),
}
# The 34 from 1 July 2025 (Resolution 202/2025/QH15): 11 unchanged, 23 merged, each keeping the
# name of one of the provinces it was merged from (Thừa Thiên Huế became the city of Huế).
VIETNAM_PROVINCES_FROM_2025 = {
    "north": (
        "Hà Nội|Hải Phòng|Quảng Ninh|Bắc Ninh|Hưng Yên|Ninh Bình|Phú Thọ|Thái Nguyên|Cao Bằng|"
        "Lạng Sơn|Tuyên Quang|Lào Cai|Lai Châu|Điện Biên|Sơn La"
    ),
    "centre": "Thanh Hóa|Nghệ An|Hà Tĩnh|Quảng Trị|Huế|Đà Nẵng|Quảng Ngãi|Gia Lai|Khánh Hòa|"
    "Đắk Lắk|Lâm Đồng",
    "south": "Hồ Chí Minh|Đồng Nai|Tây Ninh|Vĩnh Long|Đồng Tháp|An Giang|Cần Thơ|Cà Mau",
}
# Cities and common short names, by region.
VIETNAM_CITIES = {
    "north": "Hanoi|Hạ Long",
    "centre": (
        "Danang|Hội An|Nha Trang|Đà Lạt|Dalat|Buôn Ma Thuột|Quy Nhơn|Vinh|Phan Thiết|Pleiku"
    ),
    "south": (
        "HCM|HCMC|TPHCM|Sài Gòn|Saigon|Thủ Đức|Vũng Tàu|Biên Hòa|Thủ Dầu Một|Phú Quốc|"
        "Rạch Giá|Mỹ Tho|Long Xuyên"
    ),
}

_PUNCTUATION = re.compile("[-\u2013\u2014_.,;:'\"()/]+")
_SPACES = re.compile(r"\s+")
_PREFIX = re.compile(r"^(tỉnh|tinh|thành phố|thanh pho|tp) ")
_SUFFIX = re.compile(r" (city|province)$")


def place_key(name: str) -> str:
    """The name as the seed and the models match it (see the module docstring)."""
    text = _SPACES.sub(" ", _PUNCTUATION.sub(" ", name.lower())).strip()
    return _SUFFIX.sub("", _PREFIX.sub("", text)).strip()


def without_diacritics(name: str) -> str:
    decomposed = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _moved_tone(name: str) -> str:
    """The other placement of the tone mark in oa/oe/uy: Hòa -> Hoà, Thủy -> Thuỷ."""
    out = []
    for word in name.split(" "):
        for plain, vowel in (("oa", "o"), ("oe", "o"), ("uy", "u")):
            decomposed = unicodedata.normalize("NFD", word)
            index = unicodedata.normalize("NFD", word.lower()).find(vowel)
            if index < 0:
                continue
            marks = ""
            end = index + 1
            while end < len(decomposed) and unicodedata.combining(decomposed[end]):
                marks += decomposed[end]
                end += 1
            if marks and decomposed[end : end + 1].lower() == plain[1]:
                word = unicodedata.normalize(
                    "NFC", decomposed[: index + 1] + decomposed[end] + marks + decomposed[end + 1 :]
                )
                break
        out.append(word)
    return " ".join(out)


def _spellings(name: str) -> list[str]:
    spellings = [name, _moved_tone(name), without_diacritics(name)]
    return list(dict.fromkeys(spellings))


def subregions() -> list[list[str]]:
    """The seed's rows (header first), sorted by country and key."""
    rows: dict[tuple[str, str], list[str]] = {}

    def add(name: str, subregion: str, kind: str) -> None:
        for spelling in _spellings(name):
            key = place_key(spelling)
            row = ["VN", key, name, subregion, kind]
            if rows.setdefault(("VN", key), row) != row:
                raise ValueError(f"{key!r} is listed twice: {rows[('VN', key)]} and {row}")

    until = {n: r for r, names in VIETNAM_PROVINCES_UNTIL_2025.items() for n in names.split("|")}
    since = {n: r for r, names in VIETNAM_PROVINCES_FROM_2025.items() for n in names.split("|")}
    if len(until) != 63 or len(since) != 34:
        raise ValueError(f"{len(until)} provinces until 2025 and {len(since)} from 2025")
    for name in sorted(until.keys() | since.keys()):
        if name in until and name in since and until[name] != since[name]:
            raise ValueError(f"{name} changes region")
        kind = "province" if name in until and name in since else (
            "province_until_2025" if name in until else "province_from_2025"
        )  # fmt: skip
        add(name, until.get(name) or since[name], kind)
    for subregion, names in VIETNAM_CITIES.items():
        for name in names.split("|"):
            if ("VN", place_key(name)) not in rows:
                add(name, subregion, "city")
    return [COLUMNS, *(rows[key] for key in sorted(rows))]


def write(path: Path = SEED) -> None:
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file, lineterminator="\n").writerows(subregions())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the subregions seed.")
    parser.add_argument("--out", type=Path, default=SEED, help="the CSV file to write")
    args = parser.parse_args(argv)
    write(args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
