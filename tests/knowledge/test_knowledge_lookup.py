"""Phrase resolution: names, actor + agent compounds, agents alone, titles and misspellings."""

from __future__ import annotations

from datetime import date

import pytest

from blocwatch.knowledge import load_knowledge_base

SEED_DAY = date(2023, 9, 19)


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


def test_compound_actor_and_agent(kb):
    actor = kb.lookup("North Korean officials")
    assert (actor.id, actor.country, actor.sector, actor.cameo) == ("PRK", "PRK", "GOV", "PRKGOV")
    actor = kb.lookup("Delhi police")
    assert (actor.id, actor.sector, actor.cameo) == ("IND", "COP", "INDCOP")
    actor = kb.lookup("South Korean lawmakers")
    assert (actor.id, actor.sector) == ("KOR", "LEG")
    actor = kb.lookup("senior Chinese officials")
    assert (actor.id, actor.sector, actor.cameo) == ("CHN", "GOV", "CHNGOV")
    actor = kb.lookup("Chinese senior officials")
    assert (actor.id, actor.sector) == ("CHN", "GOV")
    # A named organisation beats the state + agent reading.
    actor = kb.lookup("Russia’s foreign ministry")
    assert (actor.id, actor.country, actor.sector) == ("org:rus-mfa", "RUS", "GOV")
    actor = kb.lookup("Brazil's foreign ministry")
    assert (actor.id, actor.sector, actor.cameo) == ("BRA", "GOV", "BRAGOV")
    actor = kb.lookup("North Korea's military")
    assert (actor.id, actor.sector, actor.cameo) == ("PRK", "MIL", "PRKMIL")


def test_bare_agents_are_unattached_groups(kb):
    actor = kb.lookup("rebels")
    assert (actor.kind, actor.country, actor.sector) == ("group", "", "REB")
    assert kb.lookup("protesters").sector == "CVL"


@pytest.mark.parametrize(
    ("noun", "sector"),
    [
        ("police", "COP"),
        ("policemen", "COP"),
        ("rebels", "REB"),
        ("insurgents", "REB"),
        ("lawmakers", "LEG"),
        ("parliament", "LEG"),
        ("MPs", "LEG"),
        ("intelligence officer", "SPY"),
        ("spy", "SPY"),
        ("paramilitary", "PRM"),
        ("army", "MIL"),
        ("troops", "MIL"),
        ("soldiers", "MIL"),
        ("military", "MIL"),
        ("government", "GOV"),
        ("officials", "GOV"),
        ("ministry", "GOV"),
        ("minister", "GOV"),
        ("court", "JUD"),
        ("judge", "JUD"),
        ("opposition", "OPP"),
        ("journalists", "MED"),
        ("media", "MED"),
        ("business", "BUS"),
        ("company", "BUS"),
        ("NGO", "NGO"),
        ("students", "EDU"),
        ("university", "EDU"),
        ("clergy", "REL"),
        ("civilians", "CVL"),
        ("protesters", "CVL"),
        # from the generated Phoenix list, with generated plurals
        ("riot police", "COP"),
        ("armed rebel groups", "REB"),
    ],
)
def test_agent_sectors(kb, noun, sector):
    assert kb.agent_sector(noun) == sector


def test_unknown_agent(kb):
    assert kb.agent_sector("zebra crossing") is None


@pytest.mark.parametrize(
    "phrase",
    [
        "Choe Son-hui",
        "Choe Son Hui",
        "choe son-hui",
        "Foreign Minister Choe Son-hui",
        "Choe Son-hui’s",
        "Choe Son-hui's",
    ],
)
def test_person_variants(kb, phrase):
    actor = kb.lookup(phrase, SEED_DAY)
    assert actor is not None
    assert (actor.id, actor.kind, actor.country, actor.sector, actor.role, actor.cameo) == (
        "person:choe-son-hui",
        "person",
        "PRK",
        "GOV",
        "Foreign Minister",
        "PRKGOV",
    )


def test_blocs_and_organs(kb):
    assert kb.lookup("BRICS").id == "BRICS"
    assert kb.lookup("the BRICS").kind == "bloc"
    unga = kb.lookup("the UN General Assembly")
    assert unga.id == "UNGA" and kb.get("UNGA").parent == "UN"
    assert kb.lookup("United Nations General Assembly").id == "UNGA"
    assert kb.lookup("UNGA").id == "UNGA"
    assert kb.lookup("Security Council").id == "UNSC"
    assert kb.lookup("the United Nations").id == "UN"


def test_bloc_actor_carries_members_on_the_day(kb):
    assert kb.lookup("BRICS", SEED_DAY).members == ("BRA", "CHN", "IND", "RUS", "ZAF")


def test_misspellings_within_a_small_edit_distance(kb):
    kinu = kb.lookup("Korean Institute for National Unification")
    assert (kinu.id, kinu.country, kinu.sector) == ("org:kinu", "KOR", "EDU")
    assert kb.lookup("Korea Institue for National Unifcation").id == "org:kinu"
    assert kb.lookup("Afghanistsn").id == "AFG"
    # Short names get no tolerance: "Irak" is not guessed to be Iran or Iraq.
    assert kb.lookup("Irqa") is None


def test_surnames_are_not_aliases(kb):
    assert kb.lookup("Kim") is None
    assert kb.lookup("Choe") is None
    assert kb.get("person:kim-jong-un").surname == "Kim"


def test_organisations_from_the_founding_example(kb):
    assert kb.lookup("KINU").id == "org:kinu"
    ifes = kb.lookup("Kyungnam University's Institute for Far Eastern Studies")
    assert (ifes.id, ifes.country, ifes.sector) == ("org:ifes-kyungnam", "KOR", "EDU")
    kcna = kb.lookup("KCNA")
    assert (kcna.id, kcna.country, kcna.sector) == ("org:kcna", "PRK", "MED")
    kpa = kb.lookup("the Korean People's Army")
    assert (kpa.country, kpa.sector) == ("PRK", "MIL")
    pentagon = kb.lookup("the Pentagon")
    assert (pentagon.country, pentagon.sector) == ("USA", "MIL")
    for name in ("Xinhua", "TASS", "RIA Novosti"):
        assert kb.lookup(name).sector == "MED", name


def test_nothing_for_empty_or_unknown(kb):
    assert kb.lookup("") is None
    assert kb.lookup("   ") is None
    assert kb.lookup("Xyzzy Plugh") is None
