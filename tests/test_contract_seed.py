"""The founding example through `blocwatch analyze`: the acceptance points of the foundation issue.

Reads ../shared/seed/north-korea-brics.txt at run time (never copied here); skips without it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from blocwatch.contract import analyze_lines
from blocwatch.nlp.pipeline import get_pipeline

SEED = Path(__file__).resolve().parents[1] / ".." / "shared" / "seed" / "north-korea-brics.txt"

pytestmark = pytest.mark.skipif(not SEED.exists(), reason=f"founding example not found at {SEED}")


@pytest.fixture(scope="module")
def seed() -> tuple[str, dict[str, Any]]:
    text = SEED.read_text(encoding="utf-8")
    line = json.dumps({"id": "seed", "text": text})
    [out] = list(analyze_lines([line], get_pipeline()))
    return text, out


def test_title_date_sections(seed: tuple[str, dict[str, Any]]) -> None:
    text, out = seed
    assert out["id"] == "seed"
    assert out["title"] == "North Korea Strengthens Ties with BRICS Amid Growing Relations with Russia"
    assert out["date"] == "2024-09-25"
    assert [s["heading"] for s in out["sections"]] == [
        "A Closer Relationship with the BRICS",
        "Immense Challenges to Overcome",
        "Conclusion",
    ]
    # Offsets index the record's text: the first two headings are heading lines in it.
    first, second, third = out["sections"]
    assert text[first["start"] : first["start"] + len(first["heading"])] == first["heading"]
    assert text[second["start"] : second["start"] + len(second["heading"])] == second["heading"]
    assert text[third["start"] :].startswith("North Korea’s willingness")
    body_end = max(s["end"] for s in out["sections"])
    assert "Latest analytics" not in text[first["start"] : body_end]


def _actor_ids(out: dict[str, Any]) -> set[str]:
    return {a["id"] for a in out["actors"]}


def test_states_blocs_and_metonyms(seed: tuple[str, dict[str, Any]]) -> None:
    text, out = seed
    assert {"PRK", "RUS", "CHN", "BRICS", "UN"} <= _actor_ids(out)
    brics = next(a for a in out["actors"] if a["id"] == "BRICS")
    assert set(brics["members"]) >= {"BRA", "RUS", "IND", "CHN", "ZAF"}
    by_text: dict[str, set[str]] = {}
    for m in out["mentions"]:
        assert text[m["start"] : m["end"]] == m["text"]
        by_text.setdefault(m["text"], set()).add(m["actor"])
    assert by_text["Pyongyang"] == {"PRK"}
    assert by_text["Beijing"] == {"CHN"}
    assert by_text["Moscow"] == {"RUS"}
    # Furniture is not analysed.
    assert not any("BNY" in m["text"] or "Phaver" in m["text"] for m in out["mentions"])


def test_people_and_their_roles(seed: tuple[str, dict[str, Any]]) -> None:
    _, out = seed
    actors = {a["id"]: a for a in out["actors"]}
    choe = actors["person:choe-son-hui"]
    assert choe["country"] == "PRK" and "Foreign Minister" in choe["role"]
    kim = actors["person:kim-jong-un"]
    assert kim["country"] == "PRK" and kim["sector"] == "GOV"
    cho = actors["person:cho-han-bum"]
    assert cho["country"] == "KOR"
    quotes = {q["speaker_actor"]: q for q in out["quotes"]}
    assert quotes["person:cho-han-bum"]["affiliation"] == "org:kinu"


def test_quotes(seed: tuple[str, dict[str, Any]]) -> None:
    text, out = seed
    quotes = {q["speaker_actor"]: q for q in out["quotes"]}
    lim = quotes["person:lim-eul-chul"]
    assert lim["content"].startswith("Analysts believe that North Korea is seeking")
    assert lim["content"].endswith("isolation.")
    assert text[lim["start"] : lim["end"]] == lim["content"]
    cho = quotes["person:cho-han-bum"]
    assert cho["direct"] is False and cho["cue"].lower() == "according to"
    assert cho["content"].startswith("diplomatic tensions with Beijing")
    assert text[cho["start"] : cho["end"]] == cho["content"]


def _country(out: dict[str, Any], actor_id: str | None) -> str:
    for a in out["actors"]:
        if a["id"] == actor_id:
            return a["country"] or a["id"]
    return actor_id or ""


def test_events(seed: tuple[str, dict[str, Any]]) -> None:
    text, out = seed
    events = out["events"]
    for e in events:
        ev = e["evidence"]
        assert text[ev["start"] : ev["end"]] == ev["sentence"]
    coop_brics = [
        e
        for e in events
        if _country(out, e["source"]) == "PRK"
        and e["target"] == "BRICS"
        and e["quad_class"] in (1, 2)
        and not e["negated"]
    ]
    assert coop_brics, "a cooperation event from North Korea toward BRICS"
    tension = [
        e
        for e in events
        if {_country(out, e["source"]), _country(out, e["target"])} == {"PRK", "CHN"}
        and e["quad_class"] in (3, 4)
    ]
    assert tension, "tension or conflict between North Korea and China"
    unga = [e for e in events if e["target"] in ("UNGA", "UN") and _country(out, e["source"]) == "PRK"]
    assert unga and all(e["negated"] for e in unga), "the UNGA non-attendance is negated"
    assert any(e["date"] == "2023-09-19" for e in unga)
