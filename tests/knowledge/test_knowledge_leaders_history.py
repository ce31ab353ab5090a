"""Leaders of 1959-2011 in the persons file: dated roles, shared surnames, states' regions."""

from __future__ import annotations

from datetime import date

import pytest

from blocwatch.knowledge import KnowledgeBase, load_knowledge_base


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_base()


def test_leader_in_office_gets_state_and_government(kb: KnowledgeBase) -> None:
    actor = kb.lookup("Margaret Thatcher", date(1985, 6, 1))
    assert actor is not None
    assert (actor.country, actor.sector, actor.role) == ("GBR", "GOV", "Prime Minister")


def test_leader_after_office_is_a_former_official(kb: KnowledgeBase) -> None:
    actor = kb.lookup("Hosni Mubarak", date(2015, 1, 1))
    assert actor is not None
    assert actor.country == "EGY" and actor.role.startswith("former")


def test_spelling_variants_resolve(kb: KnowledgeBase) -> None:
    for name in ("Muammar Qaddafi", "Moammar Gadhafi", "Muammar Gaddafi"):
        actor = kb.lookup(name, date(2000, 1, 1))
        assert actor is not None and actor.id == "person:muammar-gaddafi"


def test_shared_surnames_are_kept_apart(kb: KnowledgeBase) -> None:
    bushes = [e.id for e in kb.entries() if e.kind == "person" and e.surname == "Bush"]
    assert sorted(bushes) == ["person:george-h-w-bush", "person:george-w-bush"]


def test_regions_are_metonyms_of_their_state(kb: KnowledgeBase) -> None:
    for place, state in (("West Bank", "PSE"), ("Chechnya", "RUS"), ("Kirkuk", "IRQ"), ("Bosnia", "BIH")):
        actor = kb.lookup(place)
        assert actor is not None and actor.id == state, place
