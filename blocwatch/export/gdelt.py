"""GDELT 2.0 event-table export: 61 tab-separated columns, no header, in GDELT's order.

Tools built for GDELT (its BigQuery schema, gdeltPyR, the many ``*.export.CSV`` loaders) read
these lines as they read GDELT's own 15-minute files.  One line is one of our stored events (one
event read in one article), so the counts are 1 and ``GlobalEventID`` is our event id.  What we
cannot fill stays empty, as GDELT leaves a field empty when it has nothing for it; the mapping of
every column is in ``docs/exports.md`` and in :func:`gdelt_row` below.

Negated ("did not attack") and hypothetical ("may impose sanctions") events are not written:
GDELT codes only what was reported as happening, and a GDELT consumer has no column to tell
them apart.  The PLOVER and table exports keep them, with their flags.

Actor codes are CAMEO actor codes (``SYLGOV``, ``IGOWSTNAT``), read 3 letters at a time into
country, known-group and type codes as GDELT does.  Our country codes are ISO 3166-1 alpha-3,
which CAMEO country codes follow for states.  Tabs and line breaks inside names and URLs
become spaces: GDELT files have no quoting.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import IO, Any

__all__ = ["GDELT_COLUMNS", "gdelt_row", "split_actor_code", "write_gdelt"]

_ACTOR_FIELDS = (
    "Code Name CountryCode KnownGroupCode EthnicCode Religion1Code Religion2Code "
    "Type1Code Type2Code Type3Code"
).split()
_GEO_FIELDS = "Type FullName CountryCode ADM1Code ADM2Code Lat Long FeatureID".split()

GDELT_COLUMNS: tuple[str, ...] = (
    "GlobalEventID", "Day", "MonthYear", "Year", "FractionDate",
    *(f"Actor1{f}" for f in _ACTOR_FIELDS),
    *(f"Actor2{f}" for f in _ACTOR_FIELDS),
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    *(f"Actor1Geo_{f}" for f in _GEO_FIELDS),
    *(f"Actor2Geo_{f}" for f in _GEO_FIELDS),
    *(f"ActionGeo_{f}" for f in _GEO_FIELDS),
    "DATEADDED", "SOURCEURL",
)
assert len(GDELT_COLUMNS) == 61

# CAMEO actor *type* codes (role or sector), as opposed to country and known-group codes.
TYPE_CODES = frozenset(
    "AGR BUS CRM CVL COP DEV EDU ELI ENV GOV HLH HRI IGO IMG INS JUD LAB LEG MED MIL MNC MOD NGM "
    "NGO OPP PTY RAD REB REF REL SET SPY UAF UIS".split()
)
_ORG_PREFIXES = ("IGO", "NGO", "NGM", "MNC")
_SPACE = re.compile(r"[\t\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")
# The lead: the first sentences of an article, where GDELT's IsRootEvent looks.
ROOT_SENTENCES = 2
ROOT_CHARS = 500  # when the sentence index is unknown


def _clean(value: Any) -> str:
    return "" if value is None else _SPACE.sub(" ", str(value)).strip()


def split_actor_code(code: str, country: str = "") -> tuple[str, str, list[str]]:
    """A CAMEO actor code -> (country code, known-group code, type codes), 3 letters a chunk.

    ``country`` (our actor's ISO3 country) wins over the code's first chunk when given.  An
    organisation code (``IGO``/``NGO``/``NGM``/``MNC`` first) has no country of its own and ends
    in its known group (``IGOWSTNAT`` -> NAT); other codes start with their country."""
    upper = code.upper()
    chunks = [upper[i : i + 3] for i in range(0, len(upper), 3) if upper[i : i + 3].strip()]
    types = [c for c in chunks if c in TYPE_CODES]
    rest = [c for c in chunks if c not in TYPE_CODES]
    if upper.startswith(_ORG_PREFIXES):
        own_country, group = "", (rest[-1] if rest else "")
    else:
        leads = bool(rest) and chunks[0] == rest[0]
        own_country = rest[0] if leads else ""
        group = rest[1] if leads and len(rest) > 1 else ""
    return country or own_country, group, types


def _actor(row: dict[str, Any], side: str) -> list[str]:
    actor_id = row.get(f"{side}_actor_id")
    code = row.get(f"{side}_cameo") or row.get(f"{side}_actor_cameo") or ""
    if not actor_id and not code:
        return [""] * len(_ACTOR_FIELDS)
    country, group, types = split_actor_code(code, row.get(f"{side}_country") or "")
    sector = row.get(f"{side}_sector") or ""
    if sector and sector not in types:
        types.insert(0, sector)
    types = (types + ["", "", ""])[:3]
    name = (row.get(f"{side}_name") or "").upper()
    return [_clean(code), _clean(name), country, group, "", "", "", *types]


def _day(row: dict[str, Any]) -> date:
    day = row.get("day")
    if isinstance(day, date):
        return day
    added = row.get("ingested_at")
    return added.date() if isinstance(added, datetime) else date(1970, 1, 1)


def _is_root(row: dict[str, Any]) -> str:
    index = row.get("sentence_index")
    if index is not None:
        return "1" if index < ROOT_SENTENCES else "0"
    return "1" if (row.get("sentence_start") or 0) < ROOT_CHARS else "0"


def _avg_tone(row: dict[str, Any]) -> str:
    """AvgTone: the event's sentence tone, else its article's, on GDELT's -10..10 scale; empty
    when neither is known (rows stored before migration 0008, not yet reprocessed)."""
    tone = row.get("tone")
    if tone is None:
        tone = row.get("article_tone")
    return "" if tone is None else f"{float(tone):.2f}"


def gdelt_row(row: dict[str, Any]) -> list[str]:
    """One events row (from :func:`blocwatch.export.rows.stream_rows`) as GDELT's 61 fields."""
    day = _day(row)
    days_in_year = 366 if (day.year % 4 == 0 and (day.year % 100 != 0 or day.year % 400 == 0)) else 365
    fraction = day.year + (day.timetuple().tm_yday - 1) / days_in_year
    cameo = str(row.get("cameo") or "")
    added = row.get("ingested_at")
    added_text = added.astimezone(UTC).strftime("%Y%m%d%H%M%S") if isinstance(added, datetime) else ""
    no_geo = ["0", "", "", "", "", "", "", ""]
    action_geo = ["0", _clean(row.get("location")), "", "", "", "", "", ""] if row.get("location") else no_geo
    url = row.get("article_url") or f"blocwatch:article/{row.get('article_id')}"
    fields = [
        str(row["id"]), day.strftime("%Y%m%d"), day.strftime("%Y%m"), day.strftime("%Y"),
        f"{fraction:.4f}",
        *_actor(row, "source"),
        *_actor(row, "target"),
        _is_root(row), cameo, cameo[:3], cameo[:2], str(row.get("quad_class") or ""),
        f"{float(row.get('intensity') or 0.0):.1f}",
        "1", "1", "1", _avg_tone(row),  # NumMentions, NumSources, NumArticles: one article
        *no_geo, *no_geo, *action_geo,
        added_text, _clean(url),
    ]
    assert len(fields) == len(GDELT_COLUMNS)
    return fields


def write_gdelt(rows: Iterable[dict[str, Any]], out: IO[bytes]) -> int:
    """GDELT 2.0 event lines (UTF-8, ``\\n``-terminated); returns the number written."""
    count = 0
    for row in rows:
        if row.get("negated") or row.get("hypothetical"):
            continue
        out.write(("\t".join(gdelt_row(row)) + "\n").encode("utf-8"))
        count += 1
    return count
