"""Persons: dated roles, hand-overs, former officials, international posts, the founding example."""

from __future__ import annotations

from datetime import date

import pytest

from blocwatch.knowledge import Entry, Role, load_knowledge_base


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


def test_us_president_by_date(kb):
    assert kb.lookup("Donald Trump", date(2019, 6, 1)).role == "President"
    assert kb.lookup("Joe Biden", date(2019, 6, 1)).sector == "ELI"  # a former vice president
    assert kb.lookup("Joe Biden", date(2022, 6, 1)).role == "President"
    trump_2022 = kb.lookup("Donald Trump", date(2022, 6, 1))
    assert (trump_2022.sector, trump_2022.role, trump_2022.cameo) == ("ELI", "former President", "USAELI")
    presidents = {
        day: [
            e.id
            for e in kb.entries()
            if e.kind == "person"
            and (r := e.role_on(day)) is not None
            and r.title == "President"
            and r.country == "USA"
        ]
        for day in (date(2016, 6, 1), date(2019, 6, 1), date(2022, 6, 1), date(2025, 6, 1))
    }
    assert presidents == {
        date(2016, 6, 1): ["person:barack-obama"],
        date(2019, 6, 1): ["person:donald-trump"],
        date(2022, 6, 1): ["person:joe-biden"],
        date(2025, 6, 1): ["person:donald-trump"],
    }


def test_handover_day_goes_to_the_incoming_holder(kb):
    day = date(2021, 1, 20)
    assert kb.get("person:joe-biden").role_on(day).title == "President"
    assert kb.get("person:donald-trump").role_on(day).title == "President"  # still President until noon
    assert kb.get("person:donald-trump").role_on(date(2021, 1, 21)) is None


def test_founding_example_people(kb):
    day = date(2023, 9, 19)
    choe = kb.lookup("Choe Son-hui", day)
    assert (choe.country, choe.sector, choe.role) == ("PRK", "GOV", "Foreign Minister")
    assert kb.lookup("Choe Son-hui", date(2021, 1, 1)).role == "First Vice Foreign Minister"
    kim = kb.get("person:kim-jong-un")
    assert kim.surname == "Kim" and kim.role_on(day).start == date(2011, 12, 17)
    assert kb.lookup("Kim Jong-un", day).cameo == "PRKGOV"
    lim = kb.lookup("Lim Eul-chul", day)
    assert (lim.country, lim.sector) == ("KOR", "EDU")
    assert kb.get("person:lim-eul-chul").role_on(day).org == "org:ifes-kyungnam"
    cho = kb.lookup("Cho Han-bum", day)
    assert (cho.country, cho.sector, cho.role) == ("KOR", "EDU", "senior research fellow")
    assert kb.get("person:cho-han-bum").role_on(day).org == "org:kinu"


def test_title_and_nationality_before_a_name(kb):
    lavrov = kb.lookup("Russian Foreign Minister Sergei Lavrov", date(2023, 9, 19))
    assert (lavrov.id, lavrov.role) == ("person:sergey-lavrov", "Foreign Minister")
    assert kb.lookup("North Korean leader Kim Jong Un").id == "person:kim-jong-un"


def test_international_posts_are_coded_as_the_organisation(kb):
    guterres = kb.lookup("António Guterres", date(2024, 1, 1))
    assert (guterres.country, guterres.cameo) == ("", "IGOUNO")
    rutte = kb.lookup("Mark Rutte", date(2022, 1, 1))
    assert (rutte.country, rutte.role) == ("NLD", "Prime Minister")
    assert kb.lookup("Mark Rutte", date(2025, 1, 1)).cameo == "IGOWSTNAT"


def test_heads_and_foreign_ministers_are_covered(kb):
    # On a sample day every G20 state (and PRK) has a head of state/government and a foreign
    # minister in the knowledge base.
    day = date(2024, 6, 1)
    held: dict[str, set[str]] = {}
    for entry in kb.entries():
        role = entry.role_on(day) if entry.kind == "person" else None
        if role is not None:
            held.setdefault(role.country, set()).add(role.title)
    for country in (
        "PRK",
        "KOR",
        "CHN",
        "RUS",
        "USA",
        "JPN",
        "IND",
        "BRA",
        "ZAF",
        "GBR",
        "FRA",
        "DEU",
        "ITA",
        "CAN",
        "AUS",
        "TUR",
        "SAU",
        "IDN",
        "MEX",
        "ARG",
    ):
        titles = held.get(country, set())
        heads = {"President", "Prime Minister", "Chancellor", "King", "Supreme Leader", "Premier"}
        assert titles & heads, country
        if country != "PRK":
            assert any(
                "Foreign" in t
                or "External Affairs" in t
                or "International Relations" in t
                or t == "Secretary of State"
                for t in titles
            ), country


def test_every_role_is_well_formed(kb):
    for entry in kb.entries():
        if entry.kind != "person":
            continue
        assert entry.id.startswith("person:") and entry.surname, entry.id
        for role in entry.roles:
            assert role.title
            assert not role.country or role.country in kb, (entry.id, role.country)
            assert not role.org or role.org in kb, (entry.id, role.org)
            assert role.start is None or role.end is None or role.start <= role.end


def test_role_on_without_a_date():
    entry = Entry(
        id="person:x",
        name="X",
        kind="person",
        roles=(
            Role("Minister", "FRA", "GOV", date(2010, 1, 1), date(2012, 1, 1)),
            Role("Ambassador", "FRA", "GOV", date(2013, 1, 1), date(2015, 1, 1)),
        ),
    )
    assert entry.role_on(None).title == "Ambassador"  # nothing current: the last one held
    assert entry.role_on(date(2012, 6, 1)) is None
    assert entry.actor(date(2012, 6, 1)).sector == "ELI"
    assert entry.actor(date(2005, 1, 1)).country == "FRA"  # before the first role: its country
