"""Dates in news text: find date expressions and resolve them against the publication date.

Design: one ordered list of regular expressions, each paired with a resolver.  :func:`find_dates`
scans the text with all of them, keeps the longest non-overlapping matches ("September 19, 2023"
beats "September 19" and "2023") and resolves each; :func:`resolve_date` resolves one expression
by matching it whole.  Values are ISO 8601 at the precision the text gives:

* a day ``2023-09-19``  -- "September 19, 2023", "19 Sept. 2023", "2023-09-19", "yesterday",
  "Monday" (the Monday on or before publication), "next Friday", "three days ago";
* a month ``2024-08``   -- "August 2024", "last month", "earlier this month";
* a year ``2023``       -- "in 2023", "last year", "next year";
* a week ``2024-W38``   -- "last week", "this week", "two weeks ago" (ISO week, as TimeML does:
  a week has no truthful day or month value).

Relative expressions need the publication date and resolve to ``None`` without one.  A day and
month without a year ("on September 19") takes the publication year, or the year before when
that would put it more than a month after publication (news reports the past).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

__all__ = ["find_dates", "resolve_date"]

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_WEEKDAYS = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "several": 3, "a few": 3,
}  # fmt: skip

_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_WEEKDAY = r"(?P<weekday>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_UNIT = r"(?P<unit>day|week|month|year)s?"
_COUNT = (
    r"(?P<count>\d{1,3}|a few|several|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
)

Resolver = Callable[["re.Match[str]", date | None], str | None]


def _month_day(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _guess_year(month: int, day: int, published: date | None) -> int | None:
    if published is None:
        return None
    year = published.year
    try:
        if date(year, month, day) > published + timedelta(days=31):
            year -= 1
    except ValueError:
        return None
    return year


def _r_mdy(m: re.Match[str], published: date | None) -> str | None:
    month = _MONTHS[m["month"].lower()]
    day = int(m["day"])
    year = int(m["year"]) if m["year"] else _guess_year(month, day, published)
    return _month_day(year, month, day) if year else None


def _r_iso(m: re.Match[str], published: date | None) -> str | None:
    return _month_day(int(m["year"]), int(m["m"]), int(m["d"]))


def _r_month_year(m: re.Match[str], published: date | None) -> str | None:
    return f"{int(m['year']):04d}-{_MONTHS[m['month'].lower()]:02d}"


def _r_year(m: re.Match[str], published: date | None) -> str | None:
    return m["year"]


def _iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _shift_month(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def _r_named_day(m: re.Match[str], published: date | None) -> str | None:
    if published is None:
        return None
    word = m["word"].lower()
    offsets = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1, "the day before yesterday": -2,
               "the day after tomorrow": 2, "last night": -1, "this morning": 0, "this afternoon": 0,
               "this evening": 0}  # fmt: skip
    return (published + timedelta(days=offsets[word])).isoformat()


def _r_weekday(m: re.Match[str], published: date | None) -> str | None:
    if published is None:
        return None
    target = _WEEKDAYS[m["weekday"].lower()]
    which = (m["which"] or "").lower()
    back = (published.weekday() - target) % 7
    if which == "next":
        ahead = (target - published.weekday()) % 7 or 7
        return (published + timedelta(days=ahead)).isoformat()
    if which == "last":
        back = back or 7  # "last Monday" on a Monday is a week ago
    return (published - timedelta(days=back)).isoformat()


def _r_relative_unit(m: re.Match[str], published: date | None) -> str | None:
    if published is None:
        return None
    shift = {"last": -1, "past": -1, "previous": -1, "this": 0, "current": 0, "next": 1, "coming": 1}[
        m["which"].lower()
    ]
    return _unit_value(m["unit"].lower(), shift, published)


def _r_earlier_this(m: re.Match[str], published: date | None) -> str | None:
    if published is None:
        return None
    return _unit_value(m["unit"].lower(), 0, published)


def _r_ago(m: re.Match[str], published: date | None) -> str | None:
    if published is None:
        return None
    raw = m["count"].lower()
    count = int(raw) if raw.isdigit() else _NUMBERS[raw]
    return _unit_value(m["unit"].lower(), -count, published)


def _r_month(m: re.Match[str], published: date | None) -> str | None:
    """A month without a year: "last June", "early August", "next May", "in October".

    With no "last"/"next", the most recent such month on or before publication (news reports
    the past), unless the sentence's own "this" says the current year.
    """
    if published is None:
        return None
    month = _MONTHS[m["month"].lower().rstrip(".")]
    which = (m["which"] or "").lower()
    year = published.year
    if which == "last":
        year -= month >= published.month
    elif which == "next":
        year += month <= published.month
    elif which != "this" and month > published.month:
        year -= 1
    return f"{year:04d}-{month:02d}"


_SEASONS = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
_SEASON_MONTH = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}


def _r_season(m: re.Match[str], published: date | None) -> str | None:
    """Seasons as TimeML writes them: "last summer" -> "2012-SU"."""
    if published is None:
        return None
    code = _SEASONS[m["season"].lower()]
    which = (m["which"] or "").lower()
    year = published.year
    starts = _SEASON_MONTH[code]
    if which == "last":
        year -= starts >= published.month
    elif which == "next":
        year += starts <= published.month
    return f"{year:04d}-{code}"


def _r_century(m: re.Match[str], published: date | None) -> str | None:
    """"the 20th century" -> "19", TimeML's two-digit century value."""
    return f"{int(m['n']) - 1:02d}"


_REFS = [
    (re.compile(r"(?:right )?now|currently|at present|presently|nowadays|these days|at the moment", re.I),
     "PRESENT_REF"),
    (re.compile(r"(?:in )?the past|at the time|previously|formerly|in the old days", re.I), "PAST_REF"),
    (re.compile(r"(?:in )?the future|in (?:the )?years to come|someday|one day", re.I), "FUTURE_REF"),
]


def _unit_value(unit: str, shift: int, published: date) -> str:
    if unit == "day":
        return (published + timedelta(days=shift)).isoformat()
    if unit == "week":
        return _iso_week(published + timedelta(weeks=shift))
    if unit == "month":
        year, month = _shift_month(published, shift)
        return f"{year:04d}-{month:02d}"
    return f"{published.year + shift:04d}"


# Most specific first: when two patterns match at the same start the longer match wins anyway,
# but the order breaks ties between equally long matches.
_PATTERNS: list[tuple[re.Pattern[str], Resolver]] = [
    (re.compile(rf"\b{_MONTH}\s+{_DAY}(?:,?\s+{_YEAR})?\b", re.I), _r_mdy),
    (re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?\b", re.I), _r_mdy),
    (re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b"), _r_iso),
    (re.compile(rf"\b{_MONTH}(?:\s+of)?,?\s+{_YEAR}\b", re.I), _r_month_year),
    (
        re.compile(
            r"\b(?P<word>the day before yesterday|the day after tomorrow|yesterday|today|tonight|"
            r"tomorrow|last night|this morning|this afternoon|this evening)\b",
            re.I,
        ),
        _r_named_day,
    ),
    (re.compile(rf"\b(?:(?P<which>last|next|this|on)\s+)?{_WEEKDAY}\b", re.I), _r_weekday),
    (
        re.compile(
            rf"\b(?:(?:early|late|mid-?)\s+)?(?:the\s+)?(?P<which>last|past|previous|this|current|next|coming)"
            rf"\s+(?:fiscal\s+|calendar\s+)?{_UNIT}\b",
            re.I,
        ),
        _r_relative_unit,
    ),
    # A month without a year.  Capitalised only, and bare "May" only after a time word, so the
    # modal verb is never a date.
    (
        re.compile(
            r"\b(?:(?:[Ee]arly|[Ll]ate|[Mm]id-?)\s+)?(?:(?P<which>[Ll]ast|[Tt]his|[Nn]ext)\s+)?"
            r"(?P<month>January|February|March|April|June|July|August|September|October|November|December"
            r"|Jan\.|Feb\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)(?!\s*\d)"
        ),
        _r_month,
    ),
    (
        re.compile(
            r"\b(?:(?:[Ee]arly|[Ll]ate|[Mm]id-?)\s+|(?:in|since|until|by|since)\s+"
            r"|(?P<which>[Ll]ast|[Nn]ext|[Tt]his)\s+)(?P<month>May)\b(?!\s*\d)"
        ),
        _r_month,
    ),
    (
        re.compile(
            r"\b(?:(?:early|late|mid-?)\s+)?(?:(?P<which>last|this|next)\s+)?(?P<season>spring|summer|autumn|fall|winter)\b",
            re.I,
        ),
        _r_season,
    ),
    (re.compile(r"\b(?:the\s+)?(?P<n>1\d|20|21)(?:st|nd|rd|th)\s+[Cc]entury\b"), _r_century),
    (re.compile(rf"\b(?:earlier|later)\s+this\s+{_UNIT}\b", re.I), _r_earlier_this),
    (re.compile(rf"\b{_COUNT}\s+{_UNIT}\s+ago\b", re.I), _r_ago),
    # A bare year only after a word that makes it a time ("in 2023", "since 2019"), so that
    # "2000 troops" is not a date.
    (
        re.compile(
            rf"\b(?:in|since|by|during|until|till|before|after|from|of|early|late|mid-?|throughout)\s+{_YEAR}\b(?![-–/]\d)",
            re.I,
        ),
        _r_year,
    ),
]


def find_dates(text: str, published: date | None) -> list[tuple[int, int, str]]:
    """Date expressions in ``text`` as ``(start, end, value)``, in text order, not overlapping.

    Expressions that cannot be resolved (a relative date without a publication date, an
    impossible day) are left out.  For "in 2023" the span covers only "2023".
    """
    found: list[tuple[int, int, int, str]] = []
    for order, (pattern, resolve) in enumerate(_PATTERNS):
        for match in pattern.finditer(text):
            value = resolve(match, published)
            if value is None:
                continue
            start, end = match.span()
            if resolve is _r_year:
                start = match.start("year")
            elif resolve is _r_weekday and (match["which"] or "").lower() == "on":
                start = match.start("weekday")
            elif resolve is _r_month and re.match(r"(?:in|since|until|by)\s", match.group(0)):
                start = match.start("month")  # "in May": the date is "May"
            found.append((start, end, order, value))
    # Longest first, then earliest pattern: greedy selection of non-overlapping spans.
    found.sort(key=lambda f: (-(f[1] - f[0]), f[2], f[0]))
    chosen: list[tuple[int, int, str]] = []
    for start, end, _order, value in found:
        if all(end <= s or start >= e for s, e, _ in chosen):
            chosen.append((start, end, value))
    return sorted(chosen)


def resolve_date(expr: str, published: date | None, *, refs: bool = False) -> str | None:
    """The ISO 8601 value of one date expression, or ``None`` if it is not one we can resolve.

    With ``refs``, deictic expressions ("now", "in the past") give TimeML's ``PRESENT_REF`` /
    ``PAST_REF`` / ``FUTURE_REF``; events never take those as dates, so they are off by default.
    """
    text = " ".join(expr.strip().split())
    if refs:
        for pattern, value in _REFS:
            if pattern.fullmatch(text):
                return value
    for pattern, resolve in _PATTERNS:
        match = pattern.fullmatch(text)
        if match is None and resolve is _r_year:
            match = re.fullmatch(_YEAR, text)
        if match is not None:
            return resolve(match, published)
    return None
