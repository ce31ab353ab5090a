"""The camps page and its JSON twin on a real SQLite store, and its graph in headless Chromium.

The corpus is our own two-camp story (``tests/analytics/camps_corpus.py``, put on the path
here so both test folders share one corpus).  The founding example, read from ``../shared`` at
run time, must give a camps page with real data.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import chromium_page, serve
from fastapi.testclient import TestClient

from blocwatch.settings import Settings
from blocwatch.store import Store
from blocwatch.web import create_app

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "analytics"))
from camps_corpus import EAST, WEST, camps_corpus  # noqa: E402

SEED = Path(__file__).resolve().parents[2] / ".." / "shared" / "seed" / "north-korea-brics.txt"


@pytest.fixture
def filled(store: Store) -> Store:
    for analysis in camps_corpus():
        store.save_analysis(analysis)
    return store


def test_camps_page_and_json_twin(client: TestClient, filled: Store) -> None:
    data = client.get("/camps.json").json()
    assert {frozenset(c["members"]) for c in data["camps"]} == {frozenset(WEST), frozenset(EAST) | {"TUR"}}
    west = next(c for c in data["camps"] if "USA" in c["members"])
    assert {"id": "USA", "name": "United States", "url": "/actors/USA"} in west["member_items"]
    assert west["blocs"][0]["jaccard"] >= 0.8
    edge = next(e for e in data["edges"] if (e["a"], e["b"]) == ("GBR", "RUS"))
    assert edge["url"] == "/pairs/GBR/RUS" and edge["sign"] == -1 and edge["event_ids"]
    nato = next(b for b in data["blocs"] if b["id"] == "NATO")
    assert nato["split"][str(west["number"])] == sorted(WEST) and nato["url"] == "/blocs/NATO"

    html = client.get("/camps").text
    assert '<a href="/camps">Camps</a>' in html  # the site's navigation
    island = re.search(r'<script type="application/json" id="camps-graph-data">(.*?)</script>', html, re.S)
    assert island is not None
    graph = json.loads(island.group(1))
    assert {n["id"] for n in graph["nodes"]} == set(WEST) | set(EAST) | {"TUR"}
    assert graph["categories"][-1] == "unaligned" and len(graph["links"]) == len(data["edges"])
    assert 'data-camps-graph="camps-graph-data"' in html and "/static/charts.js" in html
    assert 'href="/actors/IRN"' in html and 'href="/pairs/GBR/RUS"' in html and 'href="/blocs/NATO"' in html
    assert "Camp 1" in html and "Camp 2" in html


def test_camps_options_and_errors(client: TestClient, filled: Store) -> None:
    strict = client.get("/camps.json?min_events=2").json()
    assert all(e["events"] >= 2 for e in strict["edges"]) and strict["options"]["min_events"] == 2
    january = client.get("/camps.json?until=2025-01-31").json()
    assert "TUR" not in {n["id"] for n in january["nodes"]} and january["as_of"] == "2025-01-31"
    page = client.get("/camps?since=2025-02-01&min_events=2")
    assert page.status_code == 200 and 'value="2025-02-01"' in page.text
    none = client.get("/camps.json?since=2030-01-01").json()
    assert none["camps"] == [] and none["edges"] == []
    assert "No camps" in client.get("/camps?since=2030-01-01").text
    bad = client.get("/camps.json?since=yesterday")
    assert bad.status_code == 422 and "since" in bad.text
    assert client.get("/camps.json?min_events=0").status_code == 422
    backwards = client.get("/camps?since=2025-03-01&until=2025-01-01")
    assert backwards.status_code == 422 and "after until" in backwards.text


@pytest.mark.shared
def test_seed_camps_page(client: TestClient, store: Store) -> None:
    if not SEED.exists():
        pytest.skip(f"the shared seed page is not available at {SEED}")
    from blocwatch.ingest import parse_text_page
    from blocwatch.nlp.pipeline import get_pipeline

    article = parse_text_page(SEED.read_text(encoding="utf-8"), input_name=str(SEED))
    store.save_analysis(get_pipeline().analyze(article))
    data = client.get("/camps.json").json()
    assert "PRK" in {n["id"] for n in data["nodes"]} and data["edges"]
    prk = next(c for c in data["camps"] if "PRK" in c["members"])
    assert "RUS" in prk["members"]
    html = client.get("/camps").text
    assert 'href="/actors/PRK"' in html and "North Korea" in html


@pytest.fixture
def live_url(web_settings: Settings, filled: Store) -> Iterator[str]:
    with serve(create_app(web_settings, filled)) as url:
        yield url


@pytest.mark.browser
def test_camps_graph_renders_in_browser(live_url: str) -> None:
    with chromium_page() as (page, console):
        page.goto(live_url + "/camps")
        page.wait_for_selector('[data-camps-graph="camps-graph-data"][data-chart-ready="true"] canvas')
        box = page.locator('[data-camps-graph="camps-graph-data"] canvas').first.bounding_box()
        assert box is not None and box["width"] > 200 and box["height"] > 200
        painted = page.evaluate(
            """() => { const c = document.querySelector('[data-camps-graph="camps-graph-data"] canvas');
                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] !== 0) n++; } return n; }"""
        )
        assert painted > 1000  # nodes, links and labels drawn, not a blank canvas
        assert console == []
