"""The world map ``/map?actor=...`` and ``/map.json``, on SQLite and PostgreSQL, and in Chromium.

The news is our own (``bloc_corpus``).  The vendored geometry and our numeric->ISO3 table are
checked against each other; the browser test reads the drawn canvas: Russia (cooperating with
North Korea) must come out green and China (accusing it) red.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from bloc_corpus import bloc_corpus
from browser_support import artifact_path, chromium_page, serve
from fastapi.testclient import TestClient

from blocwatch.analytics import alignment
from blocwatch.settings import Settings, load_settings
from blocwatch.store import Store
from blocwatch.web import create_app
from blocwatch.web.bloc_data import map_data
from blocwatch.web.render import STATIC_DIR


@pytest.fixture
def map_client(database_url: str) -> Iterator[tuple[TestClient, Store]]:
    store = Store(database_url)
    for analysis in bloc_corpus():
        store.save_analysis(analysis)
    try:
        with TestClient(create_app(load_settings(database_url=database_url), store)) as client:
            yield client, store
    finally:
        store.close()


def test_map_of_an_actor(map_client: tuple[TestClient, Store]) -> None:
    client, store = map_client
    data = client.get("/map.json", params={"actor": "PRK"}).json()
    with store.session() as session:
        assert data == json.loads(json.dumps(map_data(session, "PRK")))
        for country in data["countries"]:
            alone = alignment(session, country["id"], "PRK", evidence=False)
            assert (country["score"], country["confidence"]) == (alone.score, alone.confidence)
    assert data["actor"]["id"] == "PRK" and data["actor"]["name"] == "North Korea"
    assert [(c["id"], c["score"], c["label"]) for c in data["countries"]] == [
        ("RUS", 1.0, "cooperative"), ("CHN", -1.0, "strained")]
    assert data["countries"][0]["url"] == "/pairs/RUS/PRK" and data["members"] == []
    assert data["geometry_url"].startswith("/static/") and data["codes_url"].startswith("/static/")
    html = client.get("/map?actor=PRK").text
    island = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', html, re.S)
    assert island is not None and json.loads(island.group(1)) == data
    for script in ("echarts.min.js", "topojson-client.min.js", "map.js"):
        assert f'src="/static/{script}"' in html
    assert 'href="/pairs/CHN/PRK"' in html and 'value="PRK"' in html


def test_map_of_a_bloc_and_by_name(map_client: tuple[TestClient, Store]) -> None:
    client, _ = map_client
    brics = client.get("/map.json?actor=BRICS").json()
    scores = {c["id"]: c["score"] for c in brics["countries"]}
    # Members are on the map too (India drifting); organisations and persons are not countries.
    assert set(scores) == {"SRB", "KAZ", "PRK", "NOR", "IND"} and scores["NOR"] == -1.0
    assert "RUS" in brics["members"] and brics["actor"]["bloc_url"] == "/blocs/BRICS"
    by_name = client.get("/map.json", params={"actor": "Russia"}).json()
    assert by_name["actor"]["id"] == "RUS"
    assert {c["id"] for c in by_name["countries"]} == {"SRB", "NOR", "PRK"}
    assert client.get("/map.json?actor=rus").json()["actor"]["id"] == "RUS"


def test_map_form_and_errors(map_client: tuple[TestClient, Store]) -> None:
    client, _ = map_client
    empty = client.get("/map.json").json()
    assert empty["actor"] is None and empty["countries"] == []
    assert {"PRK", "SRB", "BRICS"} <= {c["id"] for c in empty["choices"]}
    page = client.get("/map")
    assert page.status_code == 200 and '<form class="map-form"' in page.text
    assert "/static/map.js" not in page.text  # no map to draw
    unknown = client.get("/map.json", params={"actor": "Atlantis Federation"})
    assert unknown.status_code == 404 and "Atlantis Federation" in unknown.json()["error"]["message"]
    too_long = client.get("/map.json", params={"actor": "x" * 201})
    assert too_long.status_code == 422 and "actor" in too_long.json()["error"]["message"]


def test_vendored_geometry_matches_our_codes(client: TestClient) -> None:
    world = json.loads((STATIC_DIR / "world-atlas-countries-110m.json").read_text(encoding="utf-8"))
    codes = json.loads((STATIC_DIR / "country-codes.json").read_text(encoding="utf-8"))
    geometries = world["objects"]["countries"]["geometries"]
    unmatched = [g["properties"]["name"] for g in geometries
                 if codes["codes"].get(g.get("id", "")) is None
                 and g["properties"]["name"] not in codes["by_name"]]
    assert unmatched == ["N. Cyprus", "Somaliland"]  # no ISO code of their own
    iso3 = {codes["codes"][g["id"]] for g in geometries if "id" in g}
    assert {"PRK", "RUS", "CHN", "USA", "BRA", "ZAF", "TWN"} <= iso3
    notice = (STATIC_DIR / "NOTICE-map.txt").read_text(encoding="utf-8")
    assert "world-atlas 2.0.2" in notice and "topojson-client 3.1.0" in notice and "ISC" in notice
    assets = ("world-atlas-countries-110m.json", "country-codes.json", "topojson-client.min.js", "map.js")
    for asset in assets:
        assert client.get(f"/static/{asset}").status_code == 200


@pytest.mark.browser
def test_map_renders_coloured_countries(web_settings: Settings, store: Store, tmp_path: Path) -> None:
    for analysis in bloc_corpus():
        store.save_analysis(analysis)
    with serve(create_app(web_settings, store)) as url, chromium_page() as (page, console):
        page.goto(url + "/map?actor=PRK")
        page.wait_for_selector("[data-world-map][data-chart-ready='true']", timeout=20000)
        assert page.get_attribute("[data-world-map]", "data-map-coloured") == "2"
        # Read the canvas where Russia (Siberia) and China (Sichuan) are drawn.
        colours = page.evaluate("""() => {
            const el = document.querySelector('[data-world-map]');
            const chart = window.echarts.getInstanceByDom(el);
            const canvas = el.querySelector('canvas');
            const ratio = canvas.width / el.clientWidth;
            // One readback of the whole canvas (several trigger a Chromium performance warning).
            const image = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            const at = (lonlat) => {
                const p = chart.convertToPixel({seriesIndex: 0}, lonlat);
                const i = 4 * (Math.round(p[1] * ratio) * canvas.width + Math.round(p[0] * ratio));
                return [image[i], image[i + 1], image[i + 2]];
            };
            return {russia: at([95, 62]), china: at([103, 31]), korea: at([127, 40.3]),
                    brazil: at([-52, -10])};
        }""")
        red, green, blue = colours["russia"]
        assert green > red + 40, colours  # cooperative: green
        red, green, blue = colours["china"]
        assert red > green + 40, colours  # strained: red
        assert colours["korea"][2] > colours["korea"][0], colours  # the chosen actor, in blue
        assert max(colours["brazil"]) - min(colours["brazil"]) < 12, colours  # nothing read: grey
        page.screenshot(path=str(artifact_path("map.png")))
        assert console == []
