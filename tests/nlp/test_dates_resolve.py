"""dates.resolve_date / find_dates on expressions we write, against a fixed publication date."""

from __future__ import annotations

from datetime import date

import pytest

from blocwatch.nlp.dates import find_dates, resolve_date

PUBLISHED = date(2024, 9, 25)  # a Wednesday


@pytest.mark.parametrize(
    ("expr", "value"),
    [
        ("September 19, 2023", "2023-09-19"),
        ("Sept. 19 2023", "2023-09-19"),
        ("19 September 2023", "2023-09-19"),
        ("2023-09-19", "2023-09-19"),
        ("August 2024", "2024-08"),
        ("last month", "2024-08"),
        ("earlier this month", "2024-09"),
        ("two months ago", "2024-07"),
        ("Monday", "2024-09-23"),
        ("Wednesday", "2024-09-25"),  # on or before publication: the same day
        ("last Wednesday", "2024-09-18"),
        ("next Monday", "2024-09-30"),
        ("yesterday", "2024-09-24"),
        ("tomorrow", "2024-09-26"),
        ("three days ago", "2024-09-22"),
        ("last week", "2024-W38"),
        ("this week", "2024-W39"),
        ("in 2023", "2023"),
        ("2023", "2023"),
        ("last year", "2023"),
        ("next year", "2025"),
        ("September 19", "2024-09-19"),
        ("December 20", "2023-12-20"),  # a month after publication would be the future: last year
    ],
)
def test_resolve_date(expr: str, value: str) -> None:
    assert resolve_date(expr, PUBLISHED) == value


def test_relative_dates_need_a_publication_date() -> None:
    assert resolve_date("last month", None) is None
    assert resolve_date("Monday", None) is None
    assert resolve_date("September 19", None) is None
    assert resolve_date("September 19, 2023", None) == "2023-09-19"


def test_not_dates() -> None:
    assert resolve_date("the summit", PUBLISHED) is None
    assert resolve_date("February 30, 2023", PUBLISHED) is None


def test_find_dates_spans_longest_and_in_order() -> None:
    text = "On September 19, 2023, the envoys met; in 2021 and last month they spoke, and 2000 troops moved."
    found = find_dates(text, PUBLISHED)
    assert [(text[s:e], v) for s, e, v in found] == [
        ("September 19, 2023", "2023-09-19"),
        ("2021", "2021"),
        ("last month", "2024-08"),
    ]


def test_find_dates_on_weekday_and_without_publication() -> None:
    text = "The ministers will meet on Friday, and met yesterday."
    assert [v for _, _, v in find_dates(text, PUBLISHED)] == ["2024-09-20", "2024-09-24"]
    assert find_dates(text, None) == []


@pytest.mark.parametrize(
    ("expr", "value"),
    [
        ("August", "2012-08"),  # a month after publication's month is last year's
        ("March", "2013-03"),
        ("last June", "2012-06"),
        ("last February", "2013-02"),
        ("next May", "2013-05"),
        ("early December", "2012-12"),
        ("late last July", "2012-07"),
        ("last summer", "2012-SU"),
        ("this winter", "2013-WI"),
        ("the 20th century", "19"),
        ("early this year", "2013"),
        ("this fiscal year", "2013"),
        ("the last week", "2013-W11"),
    ],
)
def test_months_seasons_centuries(expr: str, value: str) -> None:
    assert resolve_date(expr, date(2013, 3, 22)) == value


def test_deictic_references_only_when_asked() -> None:
    assert resolve_date("now", date(2013, 3, 22)) is None
    assert resolve_date("now", date(2013, 3, 22), refs=True) == "PRESENT_REF"
    assert resolve_date("in the past", date(2013, 3, 22), refs=True) == "PAST_REF"


def test_the_modal_may_is_not_a_date() -> None:
    published = date(2024, 9, 25)
    assert find_dates("North Korea may join the bank, officials said.", published) == []
    [(start, end, value)] = find_dates("The summit ends in May.", published)
    assert value == "2024-05" and "The summit ends in May."[start:end] == "May"
    assert find_dates("Talks resumed last May.", published)[0][2] == "2024-05"


def test_a_misspelt_month_is_not_a_date_and_breaks_nothing() -> None:
    # "Sepember" once matched the month pattern and then failed the month lookup (KeyError).
    found = find_dates("Talks resumed on 12 Sepember 2018 in Geneva.", date(2018, 10, 1))
    assert all(not value.startswith("2018-09") for _, _, value in found)
