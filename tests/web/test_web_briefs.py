"""The brief pages ``/briefs`` and ``/briefs/{a}/{b}`` with their JSON twins, and the home page's
latest briefs, on this run's back end (SQLite, or PostgreSQL under BLOCWATCH_TEST_BACKEND).

The news is our own: Bolivia's dealings with BRICS and its members, and with its neighbours.
Every evidence link on a brief page is followed to the article page, which must show the
cited sentence.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from fastapi.testclient import TestClient

from blocwatch.records import Actor, Analysis, Article, Event, Evidence, Mention, Quote
from blocwatch.settings import load_settings
from blocwatch.store import Store
from blocwatch.web import create_app
from blocwatch.web.brief_data import brief_page_data, text_fragment

SEED = Path(__file__).resolve().parents[2] / ".." / "shared" / "seed" / "north-korea-brics.txt"

ACTORS = {a.id: a for a in (
    Actor("BOL", "Bolivia", "state", country="BOL", cameo="BOL"),
    Actor("BRA", "Brazil", "state", country="BRA", cameo="BRA"),
    Actor("CHN", "China", "state", country="CHN", cameo="CHN"),
    Actor("PER", "Peru", "state", country="PER", cameo="PER"),
    Actor("CHL", "Chile", "state", country="CHL", cameo="CHL"),
    Actor("BRICS", "BRICS", "bloc", cameo="BRI"),
    Actor("person:ana-quispe", "Ana Quispe", "person", country="BOL", role="economist"),
)}
KINDS = {"CONSULT": ("040", 1, 1.0), "COOPERATE": ("050", 1, 3.5), "ACCUSE": ("110", 3, -2.0)}


@dataclass(frozen=True)
class Act:
    sentence: str
    source: str
    target: str
    plover: str
    date: str
    negated: bool = False


def report(article_id: str, published: date, acts: list[Act], said: tuple[str, str, str] | None = None,
           title: str = "", preamble: tuple[str, ...] = ()) -> Analysis:
    """An article of ``acts`` (one sentence each), then optionally ``said`` = (sentence, content,
    speaker id): reported speech whose content names the actors written in it.  ``preamble``
    paragraphs (no facts in them) come first, to make a long page."""
    sentences = [a.sentence for a in acts] + ([said[0]] if said else [])
    text = "".join(f"{para}\n\n" for para in preamble) + " ".join(sentences)
    at = len(text) - len(" ".join(sentences))
    article = Article(id=article_id, text=text, title=title or f"Bolivia report {article_id}",
                      url=f"https://news.example.org/{article_id}", published=published, language="en")
    events, mentions, quotes = [], [], []
    for n, sentence in enumerate(sentences):
        index = n + len(preamble)  # the sentence's index in the whole text
        start = text.index(sentence, at)
        at = start + len(sentence)
        for actor in ACTORS.values():
            if actor.name in sentence:
                m = start + sentence.index(actor.name)
                label = "PERSON" if actor.kind == "person" else "ORG" if actor.kind == "bloc" else "GPE"
                mentions.append(Mention(actor.name, m, m + len(actor.name), label, actor.id, index))
        if n < len(acts):
            act = acts[n]
            cameo, quad, intensity = KINDS[act.plover]
            events.append(Event(act.source, act.target, act.plover, cameo, quad, intensity,
                                Evidence(sentence, start, at, article_id, index), negated=act.negated,
                                date=act.date, trigger=sentence.split()[1]))
        elif said:
            c = text.index(said[1], start)
            quotes.append(Quote(ACTORS[said[2]].name, said[1], c, c + len(said[1]), False, "said", said[2],
                                None, Evidence(sentence, start, at, article_id, index)))
    used = {m.actor for m in mentions} | {e.source for e in events} | {e.target for e in events}
    return Analysis(article, mentions, [ACTORS[a] for a in sorted(i for i in used if i)], quotes, events)


def bolivia_corpus() -> list[Analysis]:
    return [
        report("bo-jun", date(2024, 6, 10), [
            Act("Bolivia signed a lithium accord with Brazil.", "BOL", "BRA", "COOPERATE", "2024-06-09"),
            Act("Bolivia and Peru agreed on a new border crossing.", "BOL", "PER", "COOPERATE", "2024-06-08"),
        ], title="Bolivia's lithium diplomacy"),
        report("bo-jul", date(2024, 7, 2), [
            Act("Bolivian envoys met BRICS officials in Moscow.", "BOL", "BRICS", "CONSULT", "2024-07-01"),
            Act("Bolivia accused China of dumping solar panels.", "BOL", "CHN", "ACCUSE", "2024-07-01"),
            Act("Peru accused Bolivia of diverting the Silala waters.", "PER", "BOL", "ACCUSE", "2024-06-30"),
            Act("Bolivia did not accuse Brazil of meddling.", "BOL", "BRA", "ACCUSE", "2024-07-01",
                negated=True),
        ]),
        report("bo-aug", date(2024, 8, 15), [
            Act("Bolivia held talks with BRICS ministers in Kazan.", "BOL", "BRICS", "CONSULT", "2024-08-14"),
        ], said=("Ana Quispe, an economist, said Bolivia hopes to gain from BRICS trade.",
                 "Bolivia hopes to gain from BRICS trade", "person:ana-quispe"),
           title="Bolivia courts BRICS"),
        report("cl-may", date(2024, 5, 3), [
            Act("Chile consulted Peru on fishing quotas.", "CHL", "PER", "CONSULT", "2024-05-02"),
            Act("Peru accused Chile of overfishing.", "PER", "CHL", "ACCUSE", "2024-05-02"),
        ]),
    ]


@pytest.fixture
def brief_client(backend_url: str) -> Iterator[tuple[TestClient, Store]]:
    """A client over the Bolivia corpus, two briefs a page (so /briefs has a second page)."""
    store = Store(backend_url)
    for analysis in bolivia_corpus():
        store.save_analysis(analysis)
    settings = load_settings(database_url=backend_url, page_size=2, rate_limit_per_minute=0)
    try:
        with TestClient(create_app(settings, store)) as client:
            yield client, store
    finally:
        store.close()


class _Page(HTMLParser):
    """Ids, links (with their classes) and the text of ``p.brief-sentence`` paragraphs."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.links: list[tuple[str, str]] = []  # (class, href)
        self.sentences: list[list[str]] = []  # the evidence hrefs after each brief sentence
        self._in_sentence = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.append(a["id"])
        if tag == "a":
            self.links.append((a.get("class", ""), a.get("href", "")))
            if self._in_sentence and "evidence-link" in a.get("class", ""):
                self.sentences[-1].append(a["href"])
        if tag == "p" and "brief-sentence" in a.get("class", ""):
            self._in_sentence = True
            self.sentences.append([])

    def handle_endtag(self, tag: str) -> None:
        if tag == "p":
            self._in_sentence = False


def body_text(article_html: str) -> str:
    """The article page's body as a reader sees it: tags dropped (names are links), spaces folded."""
    body = article_html[article_html.index('<div class="body">') : article_html.index("</article>")]
    return " ".join(unescape(re.sub(r"<[^>]+>", "", body)).split())


def _folded(text: str) -> str:
    return " ".join(text.split())


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


def test_brief_page_in_the_seed_form(brief_client: tuple[TestClient, Store]) -> None:
    client, _ = brief_client
    data = client.get("/briefs/BOL/BRICS.json").json()
    html = client.get("/briefs/BOL/BRICS").text
    page = _parse(html)
    assert f"<h1 id=\"brief-title\">{data['title']}</h1>" in html
    assert data["title"].startswith("Bolivia") and "BRICS" in data["title"]
    assert f'<time datetime="{data["date"]}">15 August 2024</time>' in html
    # Numbered contents, each linking to a section heading that is on the page, in order.
    toc = [href for cls, href in page.links if href.startswith("#") and href[1:] in page.ids]
    assert toc == [f"#{c['anchor']}" for c in data["contents"]]
    assert [c["heading"] for c in data["contents"]] == ["The relationship growing", "The obstacles",
                                                        "What experts say", "The outlook"]
    assert [f"{c['number']}." for c in data["contents"]] == ["1.", "2.", "3.", "4."]
    assert html.index('id="1-cooperation"') < html.index('id="2-obstacles"') < html.index('id="4-outlook"')
    # Every sentence of the brief is on the page with its evidence links.
    told = [s for s in data["lead"]] + [s for section in data["sections"] for s in section["sentences"]]
    assert len(page.sentences) == len(told) and all(page.sentences)
    for sentence, hrefs in zip(told, page.sentences, strict=True):
        assert [link["href"] for link in sentence["links"]] == [unescape(h) for h in hrefs]
    assert "On 1 July 2024, Bolivia held talks with BRICS." in _texts(data, "cooperation")
    assert "On 1 July 2024, Bolivia was at odds with China, a member of BRICS." in _texts(data, "obstacles")
    assert _texts(data, "experts") == [
        "According to Ana Quispe (economist), Bolivia hopes to gain from BRICS trade."]
    assert not any("meddling" in link["sentence"] for s in told for link in s["links"])  # negated


def _texts(data: dict[str, Any], theme: str) -> list[str]:
    sections = [section for section in data["sections"] if section["theme"] == theme]
    return [s["text"] for section in sections for s in section["sentences"]]


def test_every_evidence_link_lands_on_its_sentence(brief_client: tuple[TestClient, Store]) -> None:
    client, store = brief_client
    data = client.get("/briefs/BOL/BRICS.json").json()
    links = [link for s in data["lead"] for link in s["links"]]
    links += [link for section in data["sections"] for s in section["sentences"] for link in s["links"]]
    assert links
    with store.session() as session:
        from blocwatch.store.models import ArticleRow

        texts = {r.id: r.text for r in session.query(ArticleRow)}
    for link in links:
        url = urlsplit(link["href"])
        assert url.path == f"/articles/{link['article_id']}"
        anchor, _, directive = url.fragment.partition(":~:")
        assert texts[link["article_id"]][link["start"] : link["end"]] == link["sentence"]
        assert directive == text_fragment(link["sentence"])[3:]
        words = [unquote(term) for term in directive.removeprefix("text=").split(",")]
        article = client.get(url.path)
        assert article.status_code == 200
        body = body_text(article.text)
        assert _folded(link["sentence"]) in body and all(_folded(w) in body for w in words)
        assert f'id="{anchor}"' in article.text  # the fallback target exists on the article page


def test_json_twin_is_the_data(brief_client: tuple[TestClient, Store]) -> None:
    client, store = brief_client
    with store.session() as session:
        expected = json.loads(json.dumps(brief_page_data(session, "BOL", "BRICS")))
    assert client.get("/briefs/BOL/BRICS.json").json() == expected
    negotiated = client.get("/briefs/BOL/BRICS", headers={"Accept": "application/json"})
    assert negotiated.json() == expected
    assert expected["url"] == "/briefs/BOL/BRICS" and expected["kind"] == "bloc"


def test_briefs_list_paginated_with_real_urls(brief_client: tuple[TestClient, Store]) -> None:
    client, _ = brief_client
    first = client.get("/briefs.json").json()
    second = client.get("/briefs.json?page=2").json()
    assert first["total"] == 3 and first["next_page"] == 2 and first["previous_page"] is None
    assert [(b["a"]["id"], b["b"]["id"]) for b in first["briefs"]] == [("BOL", "BRICS"), ("BOL", "PER")]
    assert [(b["a"]["id"], b["b"]["id"]) for b in second["briefs"]] == [("PER", "CHL")]
    assert second["next_page"] is None and second["previous_page"] == 1
    # Bolivia's cooperation met with Peru's accusation, and Peru's accusation met with Chile's
    # consultation: mixed signals both, not "ties growing" from one side's acts.
    assert first["briefs"][1]["title"] == "Bolivia and Peru: A Relationship of Mixed Signals"
    assert second["briefs"][0]["title"] == "Peru and Chile: A Relationship of Mixed Signals"
    html = client.get("/briefs").text
    assert 'href="/briefs?page=2"' in html and 'href="/briefs/BOL/BRICS"' in html
    page_two = client.get("/briefs?page=2").text
    assert 'href="/briefs/PER/CHL"' in page_two and 'href="/briefs?page=1"' in page_two
    fragment = client.get("/briefs?page=2", headers={"HX-Request": "true"}).text
    assert "<html" not in fragment and 'href="/briefs/PER/CHL"' in fragment
    for item in first["briefs"] + second["briefs"]:
        assert client.get(item["url"]).status_code == 200


def test_home_latest_analytics_and_nav(brief_client: tuple[TestClient, Store]) -> None:
    client, _ = brief_client
    home = client.get("/").text
    analytics = home[home.index('id="latest-analytics"'):]
    # Newest evidence first: Bolivia and BRICS (14 August), then Bolivia and Peru (1 July).
    bolivia = client.get("/briefs/BOL/BRICS.json").json()["title"]
    assert analytics.index('href="/briefs/BOL/BRICS"') < analytics.index('href="/briefs/BOL/PER"')
    assert f">{bolivia}</a>" in analytics
    assert '<a href="/briefs">Briefs</a>' in home
    data = client.get("/.json").json()
    assert [b["url"] for b in data["latest_briefs"]] == [
        "/briefs/BOL/BRICS", "/briefs/BOL/PER", "/briefs/PER/CHL"]


def test_refreshed_as_news_arrives(brief_client: tuple[TestClient, Store]) -> None:
    client, store = brief_client
    before = client.get("/briefs/BOL/BRICS.json").json()
    store.save_analysis(report("bo-sep", date(2024, 9, 2), [
        Act("Bolivia signed a trade memorandum with BRICS.", "BOL", "BRICS", "COOPERATE", "2024-09-01"),
    ]))
    after = client.get("/briefs/BOL/BRICS.json").json()
    assert after["date"] == "2024-09-02" and before["date"] == "2024-08-15"
    assert "On 1 September 2024, Bolivia deepened cooperation with BRICS." in _texts(after, "cooperation")
    assert client.get("/.json").json()["latest_briefs"][0]["date"] == "2024-09-02"


def test_errors_and_redirect(brief_client: tuple[TestClient, Store]) -> None:
    client, _ = brief_client
    unknown = client.get("/briefs/XYZ/BRICS")
    assert unknown.status_code == 404 and "No actor with id &#39;XYZ&#39;." in unknown.text
    assert client.get("/briefs/BOL/QQQ.json").json() == {
        "error": {"status": 404, "message": "No actor with id 'QQQ'."}}
    empty = client.get("/briefs/CHL/BRICS.json")
    assert empty.status_code == 404
    assert empty.json()["error"]["message"] == (
        "No brief on Chile and BRICS: no stored event or quote ties them yet.")
    assert client.get("/briefs/BOL/BOL").status_code == 404
    moved = client.get("/briefs/BRICS/BOL.json", follow_redirects=False)
    assert moved.status_code == 308 and moved.headers["location"] == "/briefs/BOL/BRICS.json"


@pytest.mark.shared
def test_seed_brief_page(client: TestClient, store: Store) -> None:
    if not SEED.exists():
        pytest.skip(f"the shared seed page is not available at {SEED}")
    from blocwatch.ingest import parse_text_page
    from blocwatch.nlp.pipeline import get_pipeline

    article = parse_text_page(SEED.read_text(encoding="utf-8"), input_name=str(SEED))
    store.save_analysis(get_pipeline().analyze(article))
    html = client.get("/briefs/PRK/BRICS").text
    assert "North Korea Strengthens Ties with BRICS as Relations with Russia Deepen" in html
    assert '<time datetime="2024-09-25">25 September 2024</time>' in html
    home = client.get("/").text
    assert 'href="/briefs/PRK/BRICS"' in home[home.index('id="latest-analytics"'):]
    data = client.get("/briefs/PRK/BRICS.json").json()
    body = body_text(client.get(f"/articles/{article.id}").text)
    for section in data["sections"]:
        for sentence in section["sentences"]:
            assert sentence["links"]
            assert all(_folded(link["sentence"]) in body for link in sentence["links"])


def test_text_fragment_terms() -> None:
    # Short: the whole sentence; long: five words at each end; reserved "-" "," "&" escaped.
    short = "Peru accused Chile of overfishing."
    assert text_fragment(short) == ":~:text=Peru%20accused%20Chile%20of%20overfishing."
    long = "On September 19, 2023, Choe Son-hui went to a forum related to the BRICS in Russia & more."
    assert text_fragment(long) == (
        ":~:text=On%20September%2019%2C%202023%2C%20Choe,BRICS%20in%20Russia%20%26%20more.")
    # A sentence glued to the heading above it: each term stays within one line (one block).
    glued = "A Closer Relationship\n\nOn Tuesday Bolivia met BRICS envoys in Moscow for long talks."
    assert text_fragment(glued) == ":~:text=A%20Closer%20Relationship,in%20Moscow%20for%20long%20talks."
    assert text_fragment("  ") == ""
    assert "Son%2Dhui" in text_fragment("Choe Son-hui met envoys.")
