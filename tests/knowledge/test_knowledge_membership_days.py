"""Bloc membership by day, answered once per stretch of days, is what the dated memberships say.

:meth:`KnowledgeBase.members` and :meth:`KnowledgeBase.blocs_of` keep one answer per stretch
between two membership changes; these tests ask on every change day, the day before and the day
after, for every bloc of the built-in knowledge base, and compare with a scan of the memberships.
"""

from __future__ import annotations

from datetime import date, timedelta

from blocwatch.knowledge import load_knowledge_base
from blocwatch.knowledge.model import Entry, Membership


def _scan(entry: Entry, on: date, status: str = "member") -> list[str]:
    return sorted({m.member for m in entry.members if m.status == status and m.held_on(on)})


def _days_around_changes(entry: Entry) -> set[date]:
    days = {date(1990, 1, 1), date(2026, 12, 1)}
    for m in entry.members:
        for day in (m.start, m.end):
            if day is not None:
                days |= {day - timedelta(days=1), day, day + timedelta(days=1)}
    return days


def test_members_on_every_change_day_of_every_bloc() -> None:
    kb = load_knowledge_base()
    blocs = [e for e in kb.entries() if e.members]
    assert len(blocs) >= 15
    checked = 0
    for entry in blocs:
        for day in sorted(_days_around_changes(entry)):
            for status in ("member", "partner"):
                assert kb.members(entry.id, day, status) == _scan(entry, day, status), (entry.id, day)
            for member in {m.member for m in entry.members}:
                assert (entry.id in kb.blocs_of(member, day)) == (member in _scan(entry, day))
            checked += 1
    assert checked > 200


def test_brics_grows_on_its_accession_day() -> None:
    kb = load_knowledge_base()
    before, on = kb.members("BRICS", date(2023, 12, 31)), kb.members("BRICS", date(2024, 1, 1))
    assert before == ["BRA", "CHN", "IND", "RUS", "ZAF"]
    assert set(on) > set(before) and "EGY" in on and "EGY" not in before
    assert "BRICS" in kb.blocs_of("EGY", date(2024, 1, 1))
    assert "BRICS" not in kb.blocs_of("EGY", date(2023, 12, 31))


def test_replacing_a_bloc_forgets_its_stretches() -> None:
    kb = load_knowledge_base()
    assert kb.members("BRICS", date(2020, 6, 1)) == ["BRA", "CHN", "IND", "RUS", "ZAF"]
    old = kb.get("BRICS")
    assert old is not None
    founded = date(2009, 6, 16)
    smaller = Entry(id="BRICS", name=old.name, kind=old.kind,
                    members=[Membership("BRA", founded, None), Membership("RUS", founded, None)])
    kb.add(smaller)
    assert kb.members("BRICS", date(2020, 6, 1)) == ["BRA", "RUS"]
    assert kb.blocs_of("CHN", date(2020, 6, 1)).count("BRICS") == 0


def test_is_member_agrees_with_members() -> None:
    kb = load_knowledge_base()
    for day in (date(2023, 12, 31), date(2024, 1, 1)):
        members = kb.members("BRICS", day)
        assert all(kb.is_member("BRICS", m, day) for m in members)
        assert kb.is_member("BRICS", "EGY", day) == ("EGY" in members)
    assert not kb.is_member("BRICS", "BRA", None) and not kb.is_member("BRICS", None, date(2024, 1, 1))
