"""Analytics over the store: relations over time and alignment toward actors and blocs.

* :mod:`blocwatch.analytics.relations` — per pair (directed or not) and per week or month: event
  counts by quad class, summed and mean Goldstein intensity, each point with its event ids.
* :mod:`blocwatch.analytics.alignment` — a recency-weighted signed score in [-1, 1] of an
  actor's acts toward another actor or a bloc, with a confidence, a trend and its evidence;
  and an actor's partners and rivals ranked by it.

Both read the store's tables with plain SQLAlchemy (SQLite and PostgreSQL alike) and return
dataclasses with ``to_json()`` for the web pages and the JSON API.
"""

from blocwatch.analytics.alignment import Alignment, AlignmentParams, alignment, partners
from blocwatch.analytics.relations import (
    QUAD_CLASSES,
    PairEvent,
    RelationPoint,
    Relations,
    event_day,
    fetch_pair_events,
    period_of,
    relations,
)

__all__ = [
    "QUAD_CLASSES",
    "Alignment",
    "AlignmentParams",
    "PairEvent",
    "RelationPoint",
    "Relations",
    "alignment",
    "event_day",
    "fetch_pair_events",
    "partners",
    "period_of",
    "relations",
]
