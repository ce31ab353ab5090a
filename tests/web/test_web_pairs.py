"""The pair page and the actor page's relations block, on a real SQLite store.

The articles are our own: an invented Norway-Chile fisheries story (``web_corpus``) plus acts
written here, one with a hostile title to check escaping.  The browser check opens the pair page
in headless Chromium and needs the chart's canvas drawn under the Content-Security-Policy.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Iterator
from datetime import date

import pytest
from browser_support import chromium_page, serve
from fastapi.testclient import TestClient
from web_corpus import CHILE, NORWAY, SOLBERG, accord_analysis

from blocwatch.records import Analysis, Article, Event, Evidence
from blocwatch.settings import Settings
from blocwatch.store import Store
from blocwatch.web import create_app
from blocwatch.web.pair_data import pair_data

HOSTILE = '<script>alert("pwned")</script>'


def _acts(article_id: str, published: date, acts: list[tuple[str, str, str, str, int, float]],
          title: str = "") -> Analysis:
    """An article of one sentence per act: (sentence, source, target, plover, quad, intensity)."""
    text = " ".join(a[0] for a in acts)
    events, at = [], 0
    for n, (sentence, source, target, plover, quad, intensity) in enumerate(acts):
        start = text.index(sentence, at)
        at = start + len(sentence)
        events.append(Event(source, target, plover, "040", quad, intensity,
                            Evidence(sentence, start, at, article_id, n), date=published.isoformat(),
                            trigger=sentence.split()[1]))
    article = Article(id=article_id, text=text, title=title or article_id, published=published,
                      url=f"https://news.example.org/{article_id}")
    return Analysis(article, [], [NORWAY, CHILE, SOLBERG], [], events)


@pytest.fixture
def filled(store: Store) -> Store:
    store.save_analysis(accord_analysis())  # 2025-03: NOR consults CHL; CHL's threat is negated
    store.save_analysis(_acts("a-jan", date(2025, 1, 15), [
        ("Chile accused Norway of overfishing near Patagonia.", "CHL", "NOR", "ACCUSE", 3, -2.0),
        ("Ingrid Solberg praised Chilean scientists.", SOLBERG.id, "CHL", "PRAISE", 1, 3.4),
    ], title=f"Fish row {HOSTILE}"))
    return store


def test_pair_page_and_json_twin(client: TestClient, filled: Store) -> None:
    page = client.get("/pairs/NOR/CHL")
    assert page.status_code == 200
    html = page.text
    assert "<h1" in html and "Norway</a> and <a" in html
    # The chart's data island is valid JSON the script can read: months Jan..Mar 2025.
    island = re.search(r'<script type="application/json" id="pair-chart-data">(.*?)</script>', html, re.S)
    assert island is not None
    chart = json.loads(island.group(1))
    assert chart["periods"] == ["2025-01", "2025-02", "2025-03"]
    assert chart["counts"]["3"] == [1, 0, 0] and chart["counts"]["1"] == [1, 0, 1]
    assert chart["links"][0] == "/pairs/NOR/CHL?period=2025-01"
    assert 'data-chart="pair-chart-data"' in html and "/static/charts.js" in html
    # Alignment both ways: Norway (with its minister) cooperative, Chile's accusation strained.
    data = client.get("/pairs/NOR/CHL.json").json()
    assert data["alignment"]["a_to_b"]["label"] == "cooperative"
    assert data["alignment"]["b_to_a"]["label"] == "strained"
    assert data["relations"]["totals"]["negated"] == 1 and data["events_total"] == 4
    # Events newest first, each with its evidence sentence and a link to its article.
    assert [e["article_id"] for e in data["events"]] == ["a-accord", "a-accord", "a-jan", "a-jan"]
    assert "Chile accused Norway of overfishing" in html
    assert 'href="/articles/a-jan"' in html and 'href="/articles/a-accord"' in html
    with filled.session() as session:
        assert data == json.loads(json.dumps(pair_data(session, "NOR", "CHL", None, 1, 20)))
    # The hostile title is text, never markup, in the page and in the data island.
    assert HOSTILE not in html and "&lt;script&gt;alert(" in html


def test_period_filter_and_errors(client: TestClient, filled: Store) -> None:
    january = client.get("/pairs/NOR/CHL.json?period=2025-01").json()
    assert january["period"] == "2025-01"
    assert {e["article_id"] for e in january["events"]} == {"a-jan"}
    assert client.get("/pairs/NOR/CHL.json?period=2025-02").json()["events"] == []
    assert client.get("/pairs/NOR/CHL?period=2025-W03").status_code == 200
    assert client.get("/pairs/NOR/CHL?period=2025-13").status_code == 422
    missing = client.get("/pairs/NOR/XXX-NOT-AN-ACTOR")
    assert missing.status_code == 404 and "XXX-NOT-AN-ACTOR" in missing.text
    assert client.get("/pairs/NOR/NOR.json").status_code == 404
    assert client.get("/pairs/nobody/CHL.json").json()["error"]["status"] == 404
    # A known actor with no events yet has an empty (but working) pair page.
    empty = client.get("/pairs/NOR/BRA")
    assert empty.status_code == 200 and "No dated events" in empty.text


def test_pair_events_paginate(client: TestClient, store: Store) -> None:
    acts = [(f"Norway briefed Chile on buoy {n}.", "NOR", "CHL", "CONSULT", 1, 1.0) for n in range(23)]
    store.save_analysis(_acts("a-buoys", date(2025, 2, 2), acts))
    first = client.get("/pairs/NOR/CHL.json").json()
    assert len(first["events"]) == 20 and first["next_page"] == 2
    more = client.get("/pairs/NOR/CHL?page=2", headers={"HX-Request": "true"})
    assert more.text.count('class="event quad-1"') == 3 and "<h1" not in more.text


def test_actor_page_partners_and_chart(client: TestClient, filled: Store) -> None:
    data = client.get("/actors/NOR.json").json()
    relations = data["relations"]
    assert [p["id"] for p in relations["partners"]] == ["CHL"]
    assert relations["partners"][0]["url"] == "/pairs/NOR/CHL"
    assert relations["chart"]["periods"] == ["2025-01", "2025-02", "2025-03"]
    html = client.get("/actors/NOR").text
    assert "Partners and rivals" in html and 'href="/pairs/NOR/CHL"' in html
    assert 'id="actor-chart-data"' in html
    chile = client.get("/actors/CHL.json").json()["relations"]
    assert [r["id"] for r in chile["rivals"]] == ["NOR"]
    # A person's page is about the person's own acts: nothing rolls up to her country.
    solberg = client.get("/actors/person:ingrid-solberg.json").json()["relations"]
    assert [p["id"] for p in solberg["partners"]] == ["CHL"]


@pytest.fixture
def live_url(web_settings: Settings, filled: Store) -> Iterator[str]:
    with serve(create_app(web_settings, filled)) as url:
        yield url


@pytest.mark.browser
def test_pair_chart_renders_in_browser(live_url: str) -> None:
    with chromium_page() as (page, console):
        page.goto(live_url + "/pairs/NOR/CHL")
        page.wait_for_selector('[data-chart="pair-chart-data"][data-chart-ready="true"] canvas')
        box = page.locator('[data-chart="pair-chart-data"] canvas').first.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 100
        # The canvas has been drawn on (not blank).
        painted = page.evaluate(
            """() => { const c = document.querySelector('[data-chart="pair-chart-data"] canvas');
                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                for (let i = 3; i < d.length; i += 4) { if (d[i] !== 0) return true; } return false; }"""
        )
        assert painted
        assert console == []


def test_pair_page_shifts_with_reasons(client: TestClient, store: Store) -> None:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analytics"))
    from camps_corpus import shift_corpus

    for analysis in shift_corpus():
        store.save_analysis(analysis)
    data = client.get("/pairs/ARM/RUS.json").json()
    shifts = data["shifts"]["shifts"]
    assert shifts and {s["period"] for s in shifts} == {"2024-07"}
    intensity = next(s for s in shifts if s["series"] == "intensity")
    assert intensity["direction"] == "cooling" and intensity["before"] > 5 > 0 > intensity["after"]
    assert intensity["drivers"][0]["article_id"] == "shift-07"
    assert data["chart"]["shifts"] == [{"period": "2024-07", "label": data["shifts"]["marks"][0]["label"]}]
    assert next(s for s in shifts if s["series"] == "alignment")["label"] == "alignment Armenia → Russia"
    html = client.get("/pairs/ARM/RUS").text
    section = html[html.index('id="pair-shifts"'):html.index('id="pair-events"')]
    assert "Cooling" in section and "Russia imposed sanctions on Armenia over the gas cut-off." in section
    assert 'href="/articles/shift-07#article-events"' in section
    assert 'href="/pairs/ARM/RUS?period=2024-07"' in section
    # A steady pair has none, and says so.
    steady = client.get("/pairs/GEO/TUR").text
    assert "No shift: the relation has held steady" in steady
    assert client.get("/pairs/GEO/TUR.json").json()["shifts"]["shifts"] == []


def test_pair_page_above_the_id_bound(
    client: TestClient, filled: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A series with more events than the id bound: the chart counts from the summary, the points
    say their id lists are incomplete and link to their period, where the events are listed."""
    with filled.session() as session:
        complete = pair_data(session, "NOR", "CHL")
    # The module (the package's attribute of that name is the function relations()).
    monkeypatch.setattr(importlib.import_module("blocwatch.analytics.relations"), "ID_BOUND", 1)
    data = client.get("/pairs/NOR/CHL.json").json()
    assert complete is not None and data["chart"] == json.loads(json.dumps(complete["chart"]))
    assert data["relations"]["totals"] == complete["relations"]["totals"]
    assert data["relations"]["event_ids_complete"] is False
    assert complete["relations"]["event_ids_complete"] is True
    january = data["relations"]["points"][0]
    assert january["event_ids"] == [] and january["event_ids_complete"] is False
    assert january["events_url"] == "/pairs/NOR/CHL?period=2025-01"
    listed = client.get("/pairs/NOR/CHL.json?period=2025-01").json()
    assert listed["events_total"] == 2 and {e["article_id"] for e in listed["events"]} == {"a-jan"}
    january_ids = complete["relations"]["points"][0]["event_ids"]
    assert sorted(e["id"] for e in listed["events"]) == sorted(january_ids)
    assert data["events_total"] == 4 and len(data["events"]) == 4
