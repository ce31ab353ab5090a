"""The bloc pages ``/blocs`` and ``/blocs/{id}`` with their JSON twins, on SQLite and PostgreSQL.

The news is our own (``bloc_corpus``); memberships are the built-in knowledge base's.  The
founding example (read from ``../shared`` at run time, skipped when absent) must put North Korea
among BRICS's aligned non-members with its evidence; headless Chromium must draw the timeline.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from bloc_corpus import HOSTILE, bloc_corpus
from browser_support import artifact_path, chromium_page, serve
from fastapi.testclient import TestClient

from blocwatch.settings import Settings, load_settings
from blocwatch.store import Store
from blocwatch.web import create_app
from blocwatch.web.bloc_data import bloc_data

SEED = Path(__file__).resolve().parents[2] / ".." / "shared" / "seed" / "north-korea-brics.txt"


@pytest.fixture
def bloc_client(database_url: str) -> Iterator[tuple[TestClient, Store]]:
    """A client over a store filled with the bloc corpus, once on SQLite and once on PostgreSQL."""
    store = Store(database_url)
    for analysis in bloc_corpus():
        store.save_analysis(analysis)
    try:
        with TestClient(create_app(load_settings(database_url=database_url), store)) as client:
            yield client, store
    finally:
        store.close()


def test_bloc_page_and_twin(bloc_client: tuple[TestClient, Store]) -> None:
    client, store = bloc_client
    data = client.get("/blocs/BRICS.json").json()
    with store.session() as session:
        assert data == json.loads(json.dumps(bloc_data(session, "BRICS")))
    # Serbia (its minister counting for it), partner Kazakhstan (one direct act) and North Korea
    # (one act toward a member, a quarter weight) lean toward BRICS; Norway is against a member;
    # India's accusation of China makes it the member drifting away.
    assert [(i["id"], i["status"]) for i in data["aligned"]] == [("SRB", None), ("KAZ", "partner"),
                                                                 ("PRK", None)]
    serbia = data["aligned"][0]
    assert serbia["events"] == 3 and serbia["direct_events"] == 1 and serbia["url"] == "/pairs/SRB/BRICS"
    assert {e["sentence"] for e in serbia["evidence"]} == {
        "Serbia agreed with Russia on gas deliveries.", "Milan Petrovic met BRICS envoys in Belgrade.",
        "Serbia sent medical aid to Brazil."}
    assert [i["id"] for i in data["opposed"]] == ["NOR"]
    assert [(i["id"], i["score"]) for i in data["drifting"]] == [("IND", -1.0)]
    assert ("SAU", "invited") in [(c["id"], c["status"]) for c in data["candidates"]]
    assert data["timeline"][0]["start"] == "2009-06-16" and data["chart"]["rows"] == data["timeline"]

    html = client.get("/blocs/BRICS").text
    assert "<h1" in html and "BRICS" in html
    assert 'href="/pairs/SRB/BRICS"' in html and 'href="/pairs/KAZ/BRICS"' in html
    assert "Serbia sent medical aid to Brazil." in html and "India accused China of blocking" in html
    assert 'href="/articles/srb-apr"' in html and "(with member Brazil)" in html
    island = re.search(r'<script type="application/json" id="bloc-timeline-data">(.*?)</script>', html, re.S)
    assert island is not None and json.loads(island.group(1)) == data["chart"]
    assert 'data-bloc-timeline="bloc-timeline-data"' in html and "/static/map.js" in html
    # The hostile article title is text, never markup.
    assert HOSTILE not in html and "&lt;script&gt;alert(" in html


def test_bloc_list_and_errors(bloc_client: tuple[TestClient, Store]) -> None:
    client, _ = bloc_client
    listed = client.get("/blocs.json").json()["blocs"]
    by_id = {b["id"]: b for b in listed}
    assert {"BRICS", "NATO", "EU", "SCO", "ASEAN", "UN"} <= set(by_id)
    assert listed[0]["id"] == "BRICS"  # the bloc in the news comes first
    assert by_id["BRICS"]["events"] == 3 and by_id["BRICS"]["url"] == "/blocs/BRICS"
    assert by_id["NATO"]["members"] >= 32 and by_id["UN"]["kind"] == "igo"
    html = client.get("/blocs").text
    assert 'href="/blocs/NATO"' in html and 'href="/blocs" ' not in html
    assert 'href="/map"' in html  # the site navigation
    assert client.get("/blocs/brics.json").json()["bloc"]["id"] == "BRICS"
    not_bloc = client.get("/blocs/PRK.json")
    assert not_bloc.status_code == 404 and "not a bloc" in not_bloc.json()["error"]["message"]
    missing = client.get("/blocs/NOPE")
    assert missing.status_code == 404 and "NOPE" in missing.text


@pytest.mark.shared
def test_seed_lists_north_korea(client: TestClient, store: Store) -> None:
    if not SEED.exists():
        pytest.skip(f"the shared seed page is not available at {SEED}")
    from blocwatch.ingest import parse_text_page
    from blocwatch.nlp.pipeline import get_pipeline

    store.save_analysis(get_pipeline().analyze(parse_text_page(SEED.read_text(encoding="utf-8"),
                                                               input_name=str(SEED))))
    data = client.get("/blocs/BRICS.json").json()
    korea = next((i for i in data["aligned"] if i["id"] == "PRK"), None)
    assert korea is not None, data["aligned"]
    assert korea["score"] > 0 and korea["evidence"] and all(e["sentence"] for e in korea["evidence"])
    html = client.get("/blocs/BRICS").text
    assert 'href="/pairs/PRK/BRICS"' in html and korea["evidence"][0]["sentence"][:40] in html


@pytest.mark.browser
def test_timeline_renders(web_settings: Settings, store: Store, tmp_path: Path) -> None:
    for analysis in bloc_corpus():
        store.save_analysis(analysis)
    with serve(create_app(web_settings, store)) as url, chromium_page() as (page, console):
        page.goto(url + "/blocs/BRICS")
        page.wait_for_selector("[data-bloc-timeline][data-chart-ready='true']", timeout=15000)
        chart = page.locator("[data-bloc-timeline] canvas")
        assert chart.count() >= 1 and chart.first.bounding_box()["height"] > 200  # type: ignore[index]
        # The canvas has bars in the members' colour, not a blank drawing.
        coloured = page.evaluate("""() => {
            const c = document.querySelector('[data-bloc-timeline] canvas');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 0; i < d.length; i += 4) { if (d[i] < 60 && d[i + 2] > 110 && d[i + 1] < 120) n++; }
            return n;
        }""")
        assert coloured > 500
        page.screenshot(path=str(artifact_path("bloc.png")))
        assert console == []
