"""States and territories: every UN member and observer is present and named as the news names it."""

from __future__ import annotations

import time

import pytest

from blocwatch.knowledge import load_knowledge_base


@pytest.fixture(scope="module")
def kb():
    return load_knowledge_base()


def test_every_un_member_and_observer_is_a_state(kb):
    members = kb.members("UN")
    observers = kb.members("UN", status="observer")
    assert len(members) == 193
    assert observers == ["PSE", "VAT"]
    for state_id in members + observers:
        entry = kb.get(state_id)
        assert entry is not None, state_id
        assert entry.kind == "state", state_id
        assert entry.cameo, state_id
    # Every entry of kind "state" is a UN member or observer (no stray states).
    states = {e.id for e in kb.entries() if e.kind == "state"}
    assert states == set(members) | set(observers)


@pytest.mark.parametrize("state_id", ["TWN", "XKX", "ESH", "HKG", "MAC"])
def test_contested_and_dependent_territories(kb, state_id):
    entry = kb.get(state_id)
    assert entry is not None and entry.kind == "territory"


def test_kosovo_keeps_its_cameo_code(kb):
    assert kb.get("XKX").cameo == "KSV"
    assert kb.lookup("Kosovo").cameo == "KSV"


@pytest.mark.parametrize(
    ("phrase", "state_id"),
    [
        ("North Korea", "PRK"),
        ("DPRK", "PRK"),
        ("Democratic People's Republic of Korea", "PRK"),
        ("South Korea", "KOR"),
        ("ROK", "KOR"),
        ("Republic of Korea", "KOR"),
        ("Russia", "RUS"),
        ("Russian Federation", "RUS"),
        ("US", "USA"),
        ("U.S.", "USA"),
        ("USA", "USA"),
        ("United States", "USA"),
        ("America", "USA"),
        ("UK", "GBR"),
        ("Britain", "GBR"),
        ("China", "CHN"),
        ("PRC", "CHN"),
        ("Türkiye", "TUR"),
        ("Turkiye", "TUR"),
        ("Ivory Coast", "CIV"),
        ("Côte d’Ivoire", "CIV"),
        ("Burma", "MMR"),
        ("DRC", "COD"),
        ("Holy See", "VAT"),
        ("State of Palestine", "PSE"),
        ("Taiwan", "TWN"),
        # demonyms and adjectives
        ("North Korean", "PRK"),
        ("Russian", "RUS"),
        ("Chinese", "CHN"),
        ("American", "USA"),
        ("British", "GBR"),
        # capitals as metonyms
        ("Pyongyang", "PRK"),
        ("Beijing", "CHN"),
        ("Moscow", "RUS"),
        ("Washington", "USA"),
        ("Seoul", "KOR"),
        ("Tokyo", "JPN"),
        ("Kyiv", "UKR"),
        ("Kiev", "UKR"),
    ],
)
def test_state_names(kb, phrase, state_id):
    actor = kb.lookup(phrase)
    assert actor is not None, phrase
    assert (actor.id, actor.country, actor.sector) == (state_id, state_id, "")


@pytest.mark.parametrize(
    ("phrase", "state_id"),
    [
        ("the Kremlin", "RUS"),
        ("the White House", "USA"),
        ("Downing Street", "GBR"),
        ("Zhongnanhai", "CHN"),
        ("the Elysee", "FRA"),
        ("the Élysée", "FRA"),
        ("the Blue House", "KOR"),
    ],
)
def test_seats_of_power_mean_the_government(kb, phrase, state_id):
    actor = kb.lookup(phrase)
    assert actor is not None
    assert (actor.id, actor.sector, actor.cameo) == (state_id, "GOV", f"{state_id}GOV")


def test_ambiguous_forms_are_not_guessed(kb):
    # "Congolese" names two states; the generator drops it rather than pick one.
    assert kb.lookup("Congolese") is None


@pytest.mark.parametrize(
    ("people", "state_id"),
    [("Palestinians", "PSE"), ("the Israelis", "ISR"), ("Afghans", "AFG"), ("Iraqis", "IRQ")],
)
def test_a_people_in_the_plural_names_its_state(kb, people, state_id):
    assert kb.lookup(people).id == state_id


def test_demonyms_that_are_their_own_plural_get_no_s(kb):
    forms = {form for form, _, _ in kb.surface_forms()}
    assert "Chinese" in forms and "Chineses" not in forms and "Swisss" not in forms


def test_surface_forms_cover_names_aliases_demonyms_metonyms(kb):
    forms = {(form, actor_id, how) for form, actor_id, how in kb.surface_forms()}
    assert ("North Korea", "PRK", "name") in forms
    assert ("DPRK", "PRK", "alias") in forms
    assert ("North Korean", "PRK", "demonym") in forms
    assert ("Pyongyang", "PRK", "metonym") in forms
    assert ("the Kremlin", "RUS", "metonym") in forms
    hows = {how for _, _, how in forms}
    assert hows == {"name", "alias", "demonym", "metonym"}


def test_loading_is_fast_and_instances_are_independent():
    load_knowledge_base()  # warm the cache of parsed data
    began = time.perf_counter()
    first = load_knowledge_base()
    assert time.perf_counter() - began < 1.0
    from blocwatch.knowledge import Entry

    first.add(Entry(id="org:only-in-first", name="Only In First", kind="organisation"))
    assert "org:only-in-first" in first
    assert "org:only-in-first" not in load_knowledge_base()


def test_cold_load_is_well_under_a_second():
    from blocwatch.knowledge import builtin

    builtin._builtin_parts.cache_clear()
    began = time.perf_counter()
    load_knowledge_base()
    assert time.perf_counter() - began < 1.0
