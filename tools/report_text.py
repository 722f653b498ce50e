"""The segment report's words in English and Vietnamese: headings, labels and the reasons.

`text(lang, key)` gives a heading or label; `segment_label` a lifecycle segment's name;
`translate_reason` turns a `segment_reason` / `overlay_reasons` sentence of the marts (written in
English by the macros of macros/segment_reasons.sql) into the report's language, phrase by phrase,
keeping every figure.
"""

from __future__ import annotations

import re

LANGUAGES = ("en", "vi")

TEXT: dict[str, dict[str, str]] = {
    "title": {"en": "Customer segments on {date}", "vi": "Phân khúc khách hàng ngày {date}"},
    "meta": {
        "en": "From the published marts ({file}), published {when}. Segments follow the "
        "lifecycle ladder in the project docs, docs/rules.md (first match wins).",
        "vi": "Từ các bảng mart đã xuất bản ({file}), xuất bản lúc {when}. Phân khúc theo thang "
        "vòng đời trong tài liệu dự án, docs/rules.md (quy tắc đầu tiên khớp sẽ được chọn).",
    },
    "Customers": {"en": "Customers", "vi": "Khách hàng"},
    "Buyers": {"en": "Buyers", "vi": "Người mua"},
    "Revenue": {"en": "Revenue", "vi": "Doanh thu"},
    "Orders": {"en": "Orders", "vi": "Đơn hàng"},
    "Average order value": {"en": "Average order value", "vi": "Giá trị đơn trung bình"},
    "Churn rate (of buyers)": {
        "en": "Churn rate (of buyers)",
        "vi": "Tỷ lệ rời bỏ (trên người mua)",
    },
    "customers_heading": {
        "en": "Customers by lifecycle segment",
        "vi": "Khách hàng theo phân khúc vòng đời",
    },
    "revenue_heading": {
        "en": "Revenue by lifecycle segment",
        "vi": "Doanh thu theo phân khúc vòng đời",
    },
    "migration_heading": {
        "en": "Migration between segments",
        "vi": "Dịch chuyển giữa các phân khúc",
    },
    "migration_chart": {
        "en": "Customers moving between lifecycle segments",
        "vi": "Khách hàng chuyển giữa các phân khúc vòng đời",
    },
    "from segment": {"en": "from segment", "vi": "từ phân khúc"},
    "to segment": {"en": "to segment", "vi": "đến phân khúc"},
    "rfm_heading": {"en": "RFM grid", "vi": "Lưới RFM"},
    "rfm_chart": {"en": "Customers by RFM score", "vi": "Khách hàng theo điểm RFM"},
    "monthly_heading": {"en": "Segment sizes month by month", "vi": "Quy mô phân khúc theo tháng"},
    "month": {"en": "month end", "vi": "cuối tháng"},
    "reasons_heading": {
        "en": "Why customers are in a segment",
        "vi": "Vì sao khách hàng thuộc phân khúc",
    },
    "reasons_intro": {
        "en": "One customer of each segment and the reason the marts give, with their own "
        "figures and the thresholds (segment_reason).",
        "vi": "Một khách hàng của mỗi phân khúc và lý do các bảng mart đưa ra, với số liệu của "
        "chính họ và các ngưỡng (segment_reason).",
    },
    "example reason": {"en": "example reason", "vi": "lý do ví dụ"},
    "playbook_heading": {
        "en": "Playbook and audiences",
        "vi": "Kịch bản hành động và tập khách hàng",
    },
    "playbook_intro": {
        "en": "Each customer's next best action is the highest-priority play that applies to "
        "them (docs/playbook.md); the audience is the customers of that play who may be contacted.",
        "vi": "Hành động tiếp theo tốt nhất của mỗi khách hàng là kịch bản có ưu tiên cao nhất áp "
        "dụng cho họ (docs/playbook.md); tập khách hàng là những người trong đó có thể liên hệ.",
    },
    "priority": {"en": "priority", "vi": "ưu tiên"},
    "play": {"en": "play", "vi": "kịch bản"},
    "goal": {"en": "goal", "vi": "mục tiêu"},
    "action": {"en": "recommended action", "vi": "hành động đề xuất"},
    "channel": {"en": "channel", "vi": "kênh"},
    "message theme": {"en": "message theme", "vi": "chủ đề thông điệp"},
    "cadence": {"en": "cadence", "vi": "tần suất"},
    "next best action": {"en": "next best action", "vi": "hành động tiếp theo"},
    "audience": {"en": "audience", "vi": "tập liên hệ"},
    "overlays_heading": {
        "en": "Overlays and the 13 customer types",
        "vi": "Nhãn bổ sung và 13 kiểu khách hàng",
    },
    "overlay": {"en": "overlay", "vi": "nhãn bổ sung"},
    "type": {"en": "customer type (articles)", "vi": "kiểu khách hàng (bài viết)"},
    "in the marts": {"en": "in the marts", "vi": "trong các bảng mart"},
    "not in the data": {
        "en": "not in the data (needs feedback or product data)",
        "vi": "không có trong dữ liệu (cần phản hồi hoặc dữ liệu sản phẩm)",
    },
    "expected_heading": {
        "en": "Expected revenue by segment",
        "vi": "Doanh thu kỳ vọng theo phân khúc",
    },
    "expected revenue": {"en": "expected revenue", "vi": "doanh thu kỳ vọng"},
    "expected_intro": {
        "en": "Expected revenue over the prediction horizon, BG/NBD and Gamma-Gamma "
        "(docs/predictions.md).",
        "vi": "Doanh thu kỳ vọng trong kỳ dự báo, BG/NBD và Gamma-Gamma (docs/predictions.md).",
    },
    "backtest_heading": {
        "en": "How well the predictions hold up (back-test)",
        "vi": "Dự báo đúng đến đâu (kiểm định ngược)",
    },
    "backtest_intro": {
        "en": "The {model} model, fitted on the purchases before the last {days} days, expected "
        "{predicted:,.0f} purchase days in them; customers made {actual:,}. Mean absolute error "
        "{error:.3f} per customer (docs/predictions.md).",
        "vi": "Mô hình {model}, ước lượng trên các lần mua trước {days} ngày gần nhất, dự báo "
        "{predicted:,.0f} ngày mua trong khoảng đó; thực tế khách hàng mua {actual:,} ngày. Sai "
        "số tuyệt đối trung bình {error:.3f} mỗi khách hàng (docs/predictions.md).",
    },
    "backtest_chart": {
        "en": "Purchase days per customer in the holdout period, by repeat purchase days before it",
        "vi": "Số ngày mua mỗi khách hàng trong kỳ kiểm định, theo số lần mua lặp lại trước đó",
    },
    "predicted": {"en": "predicted", "vi": "dự báo"},
    "actual": {"en": "actual", "vi": "thực tế"},
    "calibration repeat purchases": {
        "en": "repeat purchase days before the holdout period",
        "vi": "số ngày mua lặp lại trước kỳ kiểm định",
    },
    "churn risk": {"en": "churn risk", "vi": "nguy cơ rời bỏ"},
    "band high": {"en": "high", "vi": "cao"},
    "band medium": {"en": "medium", "vi": "trung bình"},
    "band low": {"en": "low", "vi": "thấp"},
    "bought in the holdout": {
        "en": "bought in the holdout period",
        "vi": "có mua trong kỳ kiểm định",
    },
    "segment": {"en": "segment", "vi": "phân khúc"},
    "customers": {"en": "customers", "vi": "khách hàng"},
    "share": {"en": "share", "vi": "tỷ lệ"},
    "orders": {"en": "orders", "vi": "đơn hàng"},
    "revenue": {"en": "revenue", "vi": "doanh thu"},
    "Source": {"en": "Source", "vi": "Nguồn"},
    "missing": {
        "en": "{table} is not published: section skipped.",
        "vi": "{table} chưa được xuất bản: bỏ qua mục này.",
    },
}

SEGMENT_LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "prospect": "tiềm năng",
        "new": "mới",
        "churned": "đã rời bỏ",
        "lapsed": "lâu không mua",
        "at_risk": "có nguy cơ",
        "loyal": "trung thành",
        "repeat": "mua lại",
        "active": "đang hoạt động",
        "vip": "VIP",
        "bargain_hunter": "săn giá",
        "seasonal": "theo mùa",
        "omnichannel": "đa kênh",
        "re_engaged": "quay lại",
        "infrequent": "không thường xuyên",
        "referrer": "người giới thiệu",
        "b2b": "doanh nghiệp",
    },
}

# The 13 customer types of the main article (seed document 001) and where the marts have them:
# (type in English, in Vietnamese, the condition on customer_segments that holds it, or None; a
# condition whose first column is not published counts as not in the data).
CUSTOMER_TYPES: list[tuple[str, str, str | None]] = [
    ("prospect", "khách hàng tiềm năng", "prospect_type = 'prospect'"),
    ("suspect", "khách hàng nghi vấn", "prospect_type = 'suspect'"),
    ("lead", "khách hàng triển vọng", "prospect_type = 'lead'"),
    ("new", "khách hàng mới", "lifecycle_segment = 'new'"),
    ("active", "khách hàng đang hoạt động", "lifecycle_segment = 'active'"),
    ("novice", "khách hàng mới làm quen", "is_novice"),
    ("repeat", "khách hàng mua lại", "lifecycle_segment = 'repeat'"),
    ("at risk", "khách hàng có nguy cơ", "lifecycle_segment = 'at_risk'"),
    ("lapsed", "khách hàng lâu không mua", "lifecycle_segment in ('lapsed', 'churned')"),
    ("unhappy", "khách hàng không hài lòng", "is_unhappy"),
    ("loyal", "khách hàng trung thành", "lifecycle_segment = 'loyal'"),
    ("referral", "khách hàng giới thiệu", "is_referrer"),
    ("advocate", "khách hàng ủng hộ", "is_advocate"),
]

# English phrases of the reasons and their Vietnamese, applied in order; figures are kept.
_REASON_PHRASES: list[tuple[str, str]] = [
    (r"no purchase by the as-of date", "chưa mua hàng tính đến ngày chốt"),
    (r"(\S+) days? since the last purchase", r"\1 ngày kể từ lần mua gần nhất"),
    (r"within the expected (\S+) days", r"trong chu kỳ dự kiến \1 ngày"),
    (r"within the expected interval", "trong chu kỳ dự kiến"),
    (r"the expected (\S+) days", r"chu kỳ dự kiến \1 ngày"),
    (r"no expected interval", "chưa có chu kỳ dự kiến"),
    (r"first purchase (\S+) days? ago", r"lần mua đầu cách đây \1 ngày"),
    (r"(\S+) days? ago", r"\1 ngày trước"),
    (r"(\S+) purchase days?", r"\1 ngày mua"),
    (r"(\S+) purchases discounted", r"\1 lần mua có giảm giá"),
    (r"(\S+) purchases?\b", r"\1 lần mua"),
    (r"revenue in the top", "doanh thu thuộc top"),
    (r" in months ", " trong các tháng "),
    (r"(\S+) seasons", r"\1 mùa"),
    (r"(\S+) channels", r"\1 kênh"),
    (r"came back after (\S+) days", r"quay lại sau \1 ngày"),
    (r"own interval (\S+) days", r"chu kỳ riêng \1 ngày"),
    (r"the usual (\S+) days", r"mức thông thường \1 ngày"),
    (r"(\S+) referred customers", r"\1 khách được giới thiệu"),
    (r"buys for a company \(company name given\)", "mua cho công ty (có tên công ty)"),
    (r" of ", " trên "),
    (r" and ", " và "),
    (r" in ", " trong "),
    (r"\bnot ", "không phải "),
    (r"\bdays\b", "ngày"),
]


def text(lang: str, key: str, **values: object) -> str:
    """The report's text `key` in `lang` (English when the key has no translation)."""
    entry = TEXT.get(key, {})
    template = entry.get(lang) or entry.get("en") or key
    return template.format(**values) if values else template


def segment_label(lang: str, segment: str) -> str:
    """A segment's or overlay's name in `lang` (its id in English)."""
    return SEGMENT_LABELS.get(lang, {}).get(segment, segment)


def translate_reason(reason: str, lang: str) -> str:
    """A reason of the marts in `lang`: labels and phrases translated, figures kept."""
    if lang == "en" or not reason:
        return reason
    translated = reason
    for pattern, replacement in _REASON_PHRASES:
        translated = re.sub(pattern, replacement, translated)
    labels = SEGMENT_LABELS.get(lang, {})

    def label(match: re.Match[str]) -> str:
        return labels.get(match.group(1), match.group(1)) + match.group(2)

    # a label opens the sentence or a part ('at_risk: ...'), or follows 'không phải' ('... (')
    translated = re.sub(r"(?:(?<=^)|(?<=; ))([a-z0-9_]+)(:)", label, translated)
    return re.sub(r"(?<=không phải )([a-z0-9_]+)( \()", label, translated)
