"""PLOVER / POLECAT-style event export: one JSON object a line.

PLOVER (the successor ontology to CAMEO; POLECAT is the dataset coded in it) describes an event
by its *type* (``CONSULT``, ``ACCUSE`` ...), a *mode* (how: ``visit``, ``phone`` ...), *contexts*
(the policy areas), the *actor* and *recipient* with their country and sector, the date, the
place and the story it came from.  Our stored events carry the type (``plover``), the CAMEO code
(from which the mode is read through the CAMEO-to-PLOVER table in ``nlp/data/cameo_table.tsv``
when the code's PLOVER type is the event's), the actors, the evidence sentence and its offsets.
We do not classify contexts, so ``contexts`` is always an empty list; we do not geocode, so the
place is only the raw place name.  ``docs/exports.md`` lists every field with its source.

Unlike the GDELT export this one keeps negated and hypothetical events, flagged, because a
PLOVER consumer can tell them apart.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from functools import cache
from typing import IO, Any

__all__ = ["QUAD_NAMES", "plover_record", "write_plover"]

QUAD_NAMES = {
    1: "verbal cooperation",
    2: "material cooperation",
    3: "verbal conflict",
    4: "material conflict",
}


@cache
def _cameo_modes() -> dict[str, tuple[str, str]]:
    """CAMEO code -> (PLOVER type, PLOVER mode), from the shipped conversion table."""
    from blocwatch.nlp.events_lexicon import DATA, read_cameo_table

    return {code: (row.plover, row.mode) for code, row in read_cameo_table(DATA / "cameo_table.tsv").items()}


def plover_mode(plover: str, cameo: str) -> str:
    """The PLOVER mode of CAMEO ``cameo`` when the table maps it to the same type, else ""."""
    found = _cameo_modes().get(cameo)
    return found[1] if found and found[0] == plover else ""


def _precision(event_date: str | None, row: dict[str, Any]) -> str:
    if event_date:
        return {4: "year", 7: "month", 10: "day"}.get(len(event_date), "unknown")
    return "publication" if row.get("published") else "ingestion"


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _actor(row: dict[str, Any], side: str, role: str) -> dict[str, Any] | None:
    actor_id = row.get(f"{side}_actor_id")
    if not actor_id:
        return None
    return {
        "role": role,
        "id": actor_id,
        "name": row.get(f"{side}_name") or "",
        "kind": row.get(f"{side}_kind") or "",
        "country": row.get(f"{side}_country") or "",
        "sector": row.get(f"{side}_sector") or "",
        "title": row.get(f"{side}_role") or "",
        "cameo": row.get(f"{side}_cameo") or row.get(f"{side}_actor_cameo") or "",
    }


def plover_record(row: dict[str, Any]) -> dict[str, Any]:
    """One events row (from :func:`blocwatch.export.rows.stream_rows`) as a PLOVER record."""
    plover, cameo = str(row.get("plover") or ""), str(row.get("cameo") or "")
    event_date = row.get("event_date")
    actors = [a for a in (_actor(row, "source", "actor"), _actor(row, "target", "recipient")) if a]
    return {
        "id": f"blocwatch-event-{row['id']}",
        "event_type": plover,
        "mode": plover_mode(plover, cameo),
        "contexts": [],
        "date": _iso(row.get("day")),
        "date_raw": event_date,
        "date_precision": _precision(event_date, row),
        "intensity": row.get("intensity"),
        "tone": row.get("tone"),
        "quad_class": row.get("quad_class"),
        "quad_code": QUAD_NAMES.get(row.get("quad_class") or 0, ""),
        "cameo": cameo,
        "negated": bool(row.get("negated")),
        "hypothetical": bool(row.get("hypothetical")),
        "actors": actors,
        "location": {"placename_raw": row["location"]} if row.get("location") else None,
        "evidence": {
            "sentence": row.get("sentence"),
            "start": row.get("sentence_start"),
            "end": row.get("sentence_end"),
            "sentence_index": row.get("sentence_index"),
            "trigger": row.get("trigger") or "",
        },
        "source": {
            "article_id": row.get("article_id"),
            "url": row.get("article_url"),
            "title": row.get("article_title") or "",
            "publication_date": _iso(row.get("published")),
            "language": row.get("language"),
            "ingested_at": _iso(row.get("ingested_at")),
        },
    }


def write_plover(rows: Iterable[dict[str, Any]], out: IO[bytes]) -> int:
    """PLOVER records as JSON lines (UTF-8); returns the number written."""
    count = 0
    for row in rows:
        out.write((json.dumps(plover_record(row), ensure_ascii=False, separators=(",", ":")) + "\n").encode())
        count += 1
    return count
