"""Actor phrases as news presents them (our own list, actor_phrases.tsv): country >= 90 %, sector >= 75 %.

Each row names the country and sector a careful reader would give the phrase on that date; the
test prints the misses so a regression shows what broke.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from blocwatch.knowledge import load_knowledge_base

PHRASES = Path(__file__).with_name("actor_phrases.tsv")


def _rows() -> list[tuple[str, date, str, str]]:
    rows = []
    for line in PHRASES.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        phrase, day, country, sector = (line.split("\t") + ["", "", "", ""])[:4]
        rows.append((phrase, date.fromisoformat(day), country, sector))
    return rows


def test_country_and_sector_accuracy() -> None:
    kb = load_knowledge_base()
    rows = _rows()
    country_ok = sector_ok = sector_total = 0
    misses = []
    for phrase, day, country, sector in rows:
        actor = kb.lookup(phrase, day)
        got_country = ""
        if actor is not None:
            got_country = actor.country or (actor.id if actor.kind in {"state", "territory"} else "")
        got_sector = actor.sector if actor else ""
        country_ok += got_country == country
        if sector:
            sector_total += 1
            sector_ok += got_sector == sector
        if got_country != country or (sector and got_sector != sector):
            misses.append(f"{phrase!r}: {got_country}/{got_sector}, expected {country}/{sector}")
    country_accuracy = country_ok / len(rows)
    sector_accuracy = sector_ok / sector_total
    print(f"country {country_accuracy:.3f} ({len(rows)}), sector {sector_accuracy:.3f} ({sector_total})")
    print("\n".join(misses))
    assert country_accuracy >= 0.90, misses
    assert sector_accuracy >= 0.75, misses
