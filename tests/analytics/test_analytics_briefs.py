"""Generated briefs on stores we fill ourselves, and on the founding example (read from ../shared).

The invented data is the Mongolia corpus of analytics_corpus.py plus a few articles written here:
a quote naming BRICS, two reports of one act coded with different CAMEO codes, an undated act in
a dated article.  Every check reads the stored rows back: evidence offsets are compared with the
stored article text, not with what the test put in.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from analytics_corpus import ACTORS, BRICS, MONGOLIA, RUSSIA, Act, mongolia_corpus, story

from blocwatch.analytics import briefs_text
from blocwatch.analytics.briefs import brief, brief_candidates
from blocwatch.records import Actor, Analysis, Article, Event, Evidence, Mention, Quote
from blocwatch.store import Store
from blocwatch.store.models import ArticleRow

ANALYST = Actor("person:dorj-bat", "Dorj Bat", "person", country="MNG", role="analyst", cameo="MNG")
KAZAKHSTAN = Actor("KAZ", "Kazakhstan", "state", country="KAZ", cameo="KAZ")
UZBEKISTAN = Actor("UZB", "Uzbekistan", "state", country="UZB", cameo="UZB")
TAJIKISTAN = Actor("TJK", "Tajikistan", "state", country="TJK", cameo="TJK")


def _sentences(b: dict[str, Any]) -> list[dict[str, Any]]:
    return [*b["lead"], *(s for section in b["sections"] for s in section["sentences"])]


def _section(b: dict[str, Any], theme: str) -> list[str]:
    found = [s for s in b["sections"] if s["theme"] == theme]
    return [s["text"] for s in found[0]["sentences"]] if found else []


def quote_article() -> Analysis:
    """An analyst on Mongolia and BRICS (a quote with two resolved mentions) after a meeting."""
    meeting = "Mongolia held talks with BRICS officials in Ulaanbaatar."
    said = "Dorj Bat, an analyst, said Mongolia would gain little from BRICS membership soon."
    text = f"{meeting} {said}"
    content = "Mongolia would gain little from BRICS membership soon"
    start = text.index(content)
    article = Article(id="mn-quote", text=text, title="Analyst doubts BRICS gains",
                      url="https://news.example.org/mn-quote", published=date(2024, 3, 20), language="en")
    mentions = [
        Mention("Mongolia", 0, 8, "GPE", "MNG", 0),
        Mention("BRICS", meeting.index("BRICS"), meeting.index("BRICS") + 5, "ORG", "BRICS", 0),
        Mention("Dorj Bat", text.index("Dorj"), text.index("Dorj") + 8, "PERSON", ANALYST.id, 1),
        Mention("Mongolia", start, start + 8, "GPE", "MNG", 1),
        Mention("BRICS", text.index("BRICS", start), text.index("BRICS", start) + 5, "ORG", "BRICS", 1),
    ]
    quote = Quote("Dorj Bat", content, start, start + len(content), False, "said", ANALYST.id, None,
                  Evidence(said, len(meeting) + 1, len(text), "mn-quote", 1))
    event = Event("MNG", "BRICS", "CONSULT", "040", 1, 1.0, Evidence(meeting, 0, len(meeting), "mn-quote", 0),
                  date="2024-03-19", trigger="held")
    return Analysis(article, mentions, [MONGOLIA, BRICS, ANALYST], [quote], [event])


def twice_coded() -> list[Analysis]:
    """One aid shipment reported by two papers, coded 070 (aid) and 073 (humanitarian aid)."""
    out = []
    for n, cameo in enumerate(("070", "073")):
        sentence = f"Mongolia shipped relief supplies to Russia, paper {n} wrote."
        article = Article(id=f"mn-aid-{n}", text=sentence, title=f"Relief {n}", language="en",
                          url=f"https://news.example.org/mn-aid-{n}", published=date(2024, 4, 2))
        event = Event("MNG", "RUS", "AID", cameo, 2, 7.0, Evidence(sentence, 0, len(sentence), article.id, 0),
                      date="2024-04-01", trigger="shipped")
        out.append(Analysis(article, [], [MONGOLIA, RUSSIA], [], [event]))
    return out


@pytest.fixture
def filled(backend_url: str) -> Iterator[Store]:
    store = Store(backend_url)
    for analysis in [*mongolia_corpus(), quote_article(), *twice_coded()]:
        store.save_analysis(analysis)
    store.save_analysis(story("mn-apr", date(2024, 4, 10), [
        Act("Mongolia consulted Russia about fuel prices.", "MNG", "RUS", "CONSULT"),  # undated act
    ]))
    yield store
    store.close()


def test_sections_in_order_contents_numbered(filled: Store) -> None:
    with filled.session() as session:
        b = brief(session, "MNG", "BRICS")
    assert b is not None and b["kind"] == "bloc"
    assert b["a"] == {"id": "MNG", "name": "Mongolia"} and b["b"]["id"] == "BRICS"
    assert b["title"].startswith("Mongolia Strengthens Ties with BRICS")
    assert b["date"] == "2024-04-10"  # the newest article cited (an act with Russia, a member)
    themes = [s["theme"] for s in b["sections"]]
    order = [theme for theme, _ in briefs_text.SECTION_HEADINGS]
    assert themes == order  # all four parts have evidence here, in the founding example's order
    assert [c["number"] for c in b["contents"]] == list(range(1, len(themes) + 1))
    assert [(c["heading"], c["anchor"]) for c in b["contents"]] == [
        (s["heading"], s["anchor"]) for s in b["sections"]
    ]
    assert all(s["sentences"] for s in b["sections"])


def test_every_sentence_evidenced_into_the_stored_text(filled: Store) -> None:
    with filled.session() as session:
        b = brief(session, "MNG", "BRICS")
        assert b is not None
        texts = {r.id: r.text for r in session.query(ArticleRow)}
    sentences = _sentences(b)
    assert sentences
    for sentence in sentences:
        assert sentence["text"] and sentence["evidence"], sentence
        for ev in sentence["evidence"]:
            stored = texts[ev["article_id"]]
            assert isinstance(ev["sentence_index"], int)
            assert 0 <= ev["start"] < ev["end"] <= len(stored)
            assert stored[ev["start"] : ev["end"]] == ev["sentence"], ev
    # Sentence indexes are those of the records (the minister's meeting is sentence 0 of mn-feb).
    talks = next(s for s in b["sections"][0]["sentences"] if "held talks with BRICS" in s["text"]
                 and "February" in s["text"])
    assert [(e["article_id"], e["sentence_index"]) for e in talks["evidence"]] == [("mn-feb", 0)]
    quote = next(s for s in sentences if s["evidence"][0]["kind"] == "quote")
    assert quote["evidence"][0]["sentence_index"] == 1


def test_negated_events_are_never_told(filled: Store) -> None:
    negated = "China did not threaten Mongolia with tariffs."
    with filled.session() as session:
        briefs = [brief(session, "MNG", "BRICS"), brief(session, "MNG", "CHN")]
    for b in briefs:
        assert b is not None
        cited = [e["sentence"] for s in _sentences(b) for e in s["evidence"]]
        assert negated not in cited
        assert not any("threaten" in s["text"] for s in _sentences(b))
    # The pair brief still tells what did happen between them.
    pair = briefs[1]
    assert pair is not None
    assert "On 11 January 2024, Mongolia was at odds with China." in _section(pair, "obstacles")


def test_hypotheticals_are_told_as_intentions(filled: Store) -> None:
    maybe = "Mongolia could join the BRICS bank next year."
    with filled.session() as session:
        b = brief(session, "MNG", "BRICS")
    assert b is not None
    told = [(section["theme"], s) for section in b["sections"] for s in section["sentences"]]
    as_acts = [s for theme, s in told if theme in ("cooperation", "obstacles")]
    assert as_acts and not any(maybe in [e["sentence"] for e in s["evidence"]] for s in as_acts)
    intentions = [s for theme, s in told if theme == "outlook" and s["text"].startswith("Reports say")]
    assert [s["text"] for s in intentions] == [
        "Reports say Mongolia intends or may seek to deepen cooperation with BRICS."
    ]
    assert [e["sentence"] for e in intentions[0]["evidence"]] == [maybe]


def test_acts_with_members_name_the_member_side(filled: Store) -> None:
    with filled.session() as session:
        b = brief(session, "MNG", "BRICS")
    assert b is not None
    cooperation, obstacles = _section(b, "cooperation"), _section(b, "obstacles")
    # Direct acts with the bloc come before acts with its members; dates as precise as stated.
    assert cooperation[:2] == ["In February 2024, Mongolia held talks with BRICS.",
                               "On 19 March 2024, Mongolia held talks with BRICS."]
    assert "On 10 January 2024, Mongolia deepened cooperation with Russia, a member of BRICS." in cooperation
    # When the member acted, the bloc is named after the member, not after Mongolia.
    assert "On 4 March 2024, China, a member of BRICS, was at odds with Mongolia." in obstacles
    assert not any("Mongolia, a member of BRICS" in t for t in obstacles + cooperation)
    assert "Toward China, a member of BRICS, Mongolia's acts read as strained (score −1.00 from 1 act)." in (
        _section(b, "outlook"))


def test_same_act_coded_twice_is_told_once(filled: Store) -> None:
    with filled.session() as session:
        b = brief(session, "MNG", "RUS")
    assert b is not None
    aid = [s for s in b["sections"][0]["sentences"] if "relief" in s["evidence"][0]["sentence"]]
    assert len(aid) == 1
    assert aid[0]["text"] == (
        "On 1 April 2024, Mongolia provided aid to Russia (reported 2 times in 2 articles)."
    )
    assert sorted(e["article_id"] for e in aid[0]["evidence"]) == ["mn-aid-0", "mn-aid-1"]
    assert len(aid[0]["events"]) == 2  # two CAMEO codes: two deduplicated events, one sentence
    # An act the report does not date is placed by its report, never given the day as its own.
    assert "As reported on 10 April 2024, Mongolia held talks with Russia." in _section(b, "cooperation")


def test_experts_quotes_from_the_reporting_articles(filled: Store) -> None:
    with filled.session() as session:
        bloc = brief(session, "MNG", "BRICS")
        china = brief(session, "MNG", "CHN")
    assert bloc is not None and china is not None
    assert _section(bloc, "experts") == [
        "According to Dorj Bat (analyst), Mongolia would gain little from BRICS membership soon."
    ]
    # The quote names Mongolia but comes from an article with nothing on Mongolia and China.
    assert _section(china, "experts") == []
    assert "experts" not in [s["theme"] for s in china["sections"]]
    assert "What experts say" not in [c["heading"] for c in china["contents"]]


def test_no_brief_without_evidence(filled: Store) -> None:
    with filled.session() as session:
        assert brief(session, "MNG", "MNG") is None
        assert brief(session, "MNG", "IND") is None
        assert brief(session, "XXX", "BRICS") is None
        # A person's acts are her country's: the brief is Mongolia's, not the minister's.
        assert brief(session, "person:oyun-batbayar", "BRICS") is None


def test_candidates_ranked_by_evidence_then_latest(backend_url: str) -> None:
    extra = {a.id: a for a in (KAZAKHSTAN, UZBEKISTAN, TAJIKISTAN)}
    ACTORS.update(extra)  # story() looks names up here; removed again below
    try:
        store = Store(backend_url)
        for analysis in mongolia_corpus():
            store.save_analysis(analysis)
        # Two pairs with two events each: the one with the later evidence ranks first.
        store.save_analysis(story("ca-1", date(2024, 5, 1), [
            Act("Kazakhstan consulted Uzbekistan on water.", "KAZ", "UZB", "CONSULT", "2024-04-30"),
            Act("Kazakhstan accused Tajikistan of smuggling.", "KAZ", "TJK", "ACCUSE", "2024-04-29"),
        ]))
        store.save_analysis(story("ca-2", date(2024, 6, 1), [
            Act("Uzbekistan sent aid to Kazakhstan.", "UZB", "KAZ", "AID", "2024-05-30"),
            Act("Tajikistan threatened Kazakhstan over the border.", "TJK", "KAZ", "THREATEN", "2024-05-02"),
        ]))
        with store.session() as session:
            ranked = brief_candidates(session)
        store.close()
    finally:
        for key in extra:
            ACTORS.pop(key)
    assert [(c["a"], c["b"], c["kind"], c["evidence"], c["last"]) for c in ranked] == [
        ("MNG", "BRICS", "bloc", 7, "2024-03-04"),
        ("MNG", "RUS", "pair", 3, "2024-03-04"),
        ("KAZ", "UZB", "pair", 2, "2024-05-30"),
        ("KAZ", "TJK", "pair", 2, "2024-05-02"),
        ("MNG", "CHN", "pair", 2, "2024-03-04"),
    ]
    # Mongolia's acts toward Russia alone do not make an SCO or G20 brief (no act with the bloc).
    assert not {c["b"] for c in ranked} & {"SCO", "G20", "EAEU"}


def test_candidates_count_what_is_stored_now(backend_url: str) -> None:
    """The ranking reads the per-day summary: negated acts never count, and re-analysing an
    article replaces its acts in the counts instead of adding to them."""
    extra = {a.id: a for a in (KAZAKHSTAN, UZBEKISTAN)}
    ACTORS.update(extra)
    try:
        store = Store(backend_url)
        store.save_analysis(story("kz-1", date(2024, 5, 1), [
            Act("Kazakhstan consulted Uzbekistan on water.", "KAZ", "UZB", "CONSULT", "2024-04-30"),
            Act("Kazakhstan did not sign a pact with Uzbekistan.", "KAZ", "UZB", "COOPERATE", "2024-04-29",
                negated=True),
            Act("Uzbekistan consulted Kazakhstan.", "UZB", "KAZ", "CONSULT", "2024-04-28"),
        ]))
        with store.session() as session:
            first = {(c["a"], c["b"]): (c["evidence"], c["last"]) for c in brief_candidates(session)}
        store.save_analysis(story("kz-1", date(2024, 5, 1), [
            Act("Kazakhstan consulted Uzbekistan on water.", "KAZ", "UZB", "CONSULT", "2024-04-30"),
            Act("Kazakhstan sent aid to Uzbekistan.", "KAZ", "UZB", "AID", "2024-05-01"),
            Act("Uzbekistan consulted Kazakhstan.", "UZB", "KAZ", "CONSULT", "2024-04-28"),
        ]))
        with store.session() as session:
            second = {(c["a"], c["b"]): (c["evidence"], c["last"]) for c in brief_candidates(session)}
        store.close()
    finally:
        for key in extra:
            ACTORS.pop(key)
    assert first == {("KAZ", "UZB"): (2, "2024-04-30")}
    assert second == {("KAZ", "UZB"): (3, "2024-05-01")}


def test_cached_until_a_new_article_arrives(filled: Store) -> None:
    with filled.session() as session:
        first = brief(session, "MNG", "BRICS")
        again = brief(session, "MNG", "BRICS")
        before = brief_candidates(session)
    assert first is not None and again is first  # unchanged store: served from the cache
    filled.save_analysis(story("mn-may", date(2024, 5, 6), [
        Act("Mongolia signed a trade pact with BRICS.", "MNG", "BRICS", "COOPERATE", "2024-05-06"),
    ]))
    with filled.session() as session:
        fresh = brief(session, "MNG", "BRICS")
        after = brief_candidates(session)
    assert fresh is not None and fresh is not first
    assert "On 6 May 2024, Mongolia deepened cooperation with BRICS." in _section(fresh, "cooperation")
    assert fresh["date"] == "2024-05-06" and fresh["counts"]["events"] == first["counts"]["events"] + 1
    counted = [{(c["a"], c["b"]): c["evidence"] for c in ranked} for ranked in (before, after)]
    assert counted[1][("MNG", "BRICS")] == counted[0][("MNG", "BRICS")] + 1


@pytest.mark.shared
def test_seed_brief_north_korea_and_brics(seed_store: tuple[Store, Article]) -> None:
    store, article = seed_store
    with store.session() as session:
        b = brief(session, "PRK", "BRICS")
        ranked = brief_candidates(session)
        stored = session.get(ArticleRow, article.id)
        assert stored is not None
        text = stored.text
    assert ranked[0]["a"] == "PRK" and ranked[0]["b"] == "BRICS" and ranked[0]["kind"] == "bloc"
    assert b is not None
    assert b["title"] == "North Korea Strengthens Ties with BRICS as Relations with Russia Deepen"
    assert b["date"] == "2024-09-25"
    assert [s["theme"] for s in b["sections"]] == ["cooperation", "obstacles", "experts", "outlook"]
    for sentence in _sentences(b):
        assert sentence["evidence"]
        for ev in sentence["evidence"]:
            assert ev["article_id"] == article.id and isinstance(ev["sentence_index"], int)
            assert text[ev["start"] : ev["end"]] == ev["sentence"]
    # What the founding example's analysis says, each from its own sentence.
    assert "On 19 September 2023, North Korea held talks with BRICS." in _section(b, "cooperation")
    assert any("China, a member of BRICS" in t for t in _section(b, "obstacles"))
    assert any("faced sanctions" in t for t in _section(b, "obstacles"))
    assert any(t.startswith("According to Cho Han-bum") and "Beijing" in t for t in _section(b, "experts"))
    outlook = _section(b, "outlook")
    assert outlook[0].startswith("Weighing") and "cooperative" in outlook[0]
    assert any(t.startswith("Toward China, a member of BRICS") and "strained" in t for t in outlook)


def test_headline_wording() -> None:
    h = briefs_text.headline
    assert h("North Korea", "BRICS", "cooperative", "warming", "Russia") == (
        "North Korea Strengthens Ties with BRICS as Relations with Russia Deepen")
    assert h("Türkiye", "United States", "cooperative", "cooling") == (
        "Türkiye and United States: Cooperation Under Strain")
    assert h("Peru", "Chile", "strained", "unknown", reply="cooperative") == (
        "Peru and Chile: A Relationship of Mixed Signals")
    assert h("Peru", "Chile", "strained", "unknown", reply="strained") == "Tensions Between Peru and Chile"
    assert h("A", "B", "unknown", "unknown") == "A and B: What the News Reports"
    assert briefs_text.when("2023-09", None) == "In September 2023"
    assert briefs_text.when("2019-W12", None) == "In the week of 18 March 2019"
    assert briefs_text.when(None, date(2024, 9, 25)) == "As reported on 25 September 2024"
    assert briefs_text.when("2018-FA", None) == ""
