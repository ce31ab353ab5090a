"""Generated analysis briefs for an actor pair or an actor and a bloc, every sentence evidenced.

A brief takes the form of the founding example's analysis: a title, a date, numbered contents and
four sections, each written by the deterministic templates of
:mod:`blocwatch.analytics.briefs_text` from the stored facts:

1. **The relationship growing** — cooperative acts (quad classes 1-2) that happened between the
   two sides; for a bloc, also acts toward its members on the day (as in
   :mod:`blocwatch.analytics.alignment`), told as "..., a member of BRICS".
2. **The obstacles** — conflictual acts (quad classes 3-4) between the sides or toward the bloc's
   members, and sanctions imposed on the actor by anyone (a sanction is an obstacle to every
   relationship of the sanctioned state).
3. **What experts say** — stored quotes whose words name either side (a resolved mention inside
   the quote's span), from the articles that report the two sides' dealings, newest first, with
   the speaker's name and credentials.
4. **The outlook** — the alignment of the actor toward the other side (score, confidence, trend),
   for a bloc its alignment toward each member it dealt with, for two actors the other side's
   alignment too, and stated intentions (hypothetical events), never told as facts.

Acts are told once per deduplicated event (:func:`blocwatch.analytics.stories.event_key`; rows
that differ only in CAMEO code within one PLOVER type read the same and are told once), with how
often they were reported, and dated no more precisely than the report ("In September 2023"; an
undated act "As reported on" its article's day).  Every sentence carries ``evidence``: the event
rows or quotes it was written from (article, sentence index, character offsets into the stored
article text; :mod:`blocwatch.analytics.briefs_sections`).  **No evidence, no sentence**; a
section without sentences is left out of the brief and of its contents.  Negated events are
never told.

**Which briefs exist.** :func:`brief_candidates` counts, over all stored events that were not
negated (persons rolled up to their country; read from the per-day summary ``event_days``, a row
per pair and day, so ranking a million events reads no event row), the events tying each unordered
pair of actors and, for each state and each bloc it is not a member of, the events with the bloc
itself or its members on the day. Pairs with at least :data:`MIN_EVIDENCE` events are ranked by
that count, then by the latest event day, then by id, and the first :data:`MAX_BRIEFS` have briefs.
An actor-bloc pair also needs :data:`MIN_EVIDENCE` events with the bloc itself: members alone would
give every bloc a member belongs to (a North Korea-OPEC+ brief from its dealings with Russia). In a
pair of actors the side that acted more often (as source) comes first; an actor-bloc brief is
always written from the actor's side.

**Fresh.**  Briefs are computed from the current data and cached per database under the
store's watermark (:func:`blocwatch.analytics.stories.watermark`): new or re-analysed articles
change it, and the next request recomputes.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import false, func, select
from sqlalchemy.orm import Session

from blocwatch.analytics import briefs_text as text
from blocwatch.analytics.briefs_sections import (
    act_sentences,
    actor_name,
    brief_sentence,
    event_details,
    expert_sentences,
    outlook_sentences,
)
from blocwatch.analytics.relations import ROLLUP_KINDS, PairEvent, fetch_pair_events
from blocwatch.analytics.stories import rolled_up, watermark
from blocwatch.knowledge import KnowledgeBase, shared_knowledge_base
from blocwatch.store.event_days import NO_ACTOR, UNDATED
from blocwatch.store.models import ActorRow, EventDayRow

__all__ = ["MAX_BRIEFS", "MIN_EVIDENCE", "brief", "brief_candidates"]

MAX_BRIEFS = 100
MIN_EVIDENCE = 2


def _is_bloc(kb: KnowledgeBase, actor_id: str) -> bool:
    entry = kb.get(actor_id)
    return entry is not None and entry.kind == "bloc" and bool(entry.members)


def brief_candidates(
    session: Session, kb: KnowledgeBase | None = None, limit: int = MAX_BRIEFS
) -> list[dict[str, Any]]:
    """The pairs that have briefs, best evidenced first (see the module docstring; cached)."""
    kb = kb or shared_knowledge_base()
    key = (_database_key(session, kb), "candidates", str(limit))
    mark = watermark(session)
    with _LOCK:
        cached = _CANDIDATES.get(key)
    if cached is not None and cached[0] == mark:
        return list(cached[1])
    found = _candidates(session, kb, limit)
    with _LOCK:
        if len(_CANDIDATES) > 16:
            _CANDIDATES.clear()
        _CANDIDATES[key] = (mark, found)
    return list(found)


def _candidates(session: Session, kb: KnowledgeBase, limit: int) -> list[dict[str, Any]]:
    # Counts, not sets of event ids: an event adds to a pair at most once (directly, or through
    # one member of the bloc; a bloc is never its own member), so summing the summary's counts
    # gives what counting distinct events would.
    evidence: dict[tuple[str, str], int] = defaultdict(int)
    direct: dict[tuple[str, str], int] = defaultdict(int)
    last: dict[tuple[str, str], date] = {}
    as_source: dict[str, int] = defaultdict(int)
    actor_rows = session.execute(select(ActorRow.id, ActorRow.kind, ActorRow.country))
    sides: dict[str, tuple[str, str | None]] = {str(i): (str(k), c) for i, k, c in actor_rows}

    # The blocs of an actor on a day, asked once per (actor, day): the summary repeats them.
    blocs_on: dict[tuple[str, date], list[str]] = {}

    def blocs_of(actor: str, day: date) -> list[str]:
        key = (actor, day)
        if key not in blocs_on:
            blocs_on[key] = [b for b in kb.blocs_of(actor, day) if _is_bloc(kb, b)]
        return blocs_on[key]

    def count(pair: tuple[str, str], n: int, day: date | None, via_member: bool = False) -> None:
        evidence[pair] += n
        if not via_member:
            direct[pair] += n
        if day is not None and (pair not in last or day > last[pair]):
            last[pair] = day

    def rolled(actor: str) -> str:
        kind, country = sides.get(actor, ("", None))
        return rolled_up(actor, kind, country) or actor

    # The per-day summary the writer keeps (blocwatch.store.event_days), not the events: a
    # million events are a fraction as many (pair, day) rows, and no event row is read.
    for source, target, stored_day, n in _pair_days(session):
        s, t = rolled(source), rolled(target)
        if s == t:
            continue
        day = None if stored_day == UNDATED else stored_day
        as_source[s] += n
        if _is_bloc(kb, t) and not _is_bloc(kb, s):
            count((s, t), n, day)
        elif _is_bloc(kb, s) and not _is_bloc(kb, t):
            count((t, s), n, day)
        else:
            count((min(s, t), max(s, t)), n, day)
        for actor, other in ((s, t), (t, s)):
            kind = sides.get(actor, ("", None))[0] or getattr(kb.get(actor), "kind", "")
            if day is None or kind != "state":
                continue
            for bloc in blocs_of(other, day):
                if bloc != actor and not kb.is_member(bloc, actor, day):
                    count((actor, bloc), n, day, via_member=True)
    out: list[dict[str, Any]] = []
    for (x, y), total in evidence.items():
        if total < MIN_EVIDENCE:
            continue
        if _is_bloc(kb, y) and not _is_bloc(kb, x):
            if direct[(x, y)] < MIN_EVIDENCE:
                continue
            a, b, kind = x, y, "bloc"
        else:
            a, b = (x, y) if (as_source[x], y) >= (as_source[y], x) else (y, x)
            kind = "pair"
        day = last.get((x, y))
        out.append(
            {"a": a, "b": b, "kind": kind, "evidence": total, "last": day.isoformat() if day else None}
        )
    # Latest evidence first among equals: ISO dates sort as text, undated pairs last.
    out.sort(key=lambda c: (-c["evidence"], _descending(c["last"] or ""), c["a"], c["b"]))
    return out[:limit]


def _events_for_brief(session: Session, kb: KnowledgeBase, a: str, b: str, is_bloc: bool) -> list[PairEvent]:
    """The events of ``a`` that a brief of ``a`` and ``b`` can tell, oldest first: those with
    ``b``, with anyone who was ever a member of the bloc ``b`` (whether they were on the event's
    day is decided by the caller), and sanctions involving ``a``.  Asked pair by pair rather than
    as every event of ``a``: at a million events a state's own events are tens of thousands,
    and a brief uses a few hundred of them."""
    others = {b}
    entry = kb.get(b) if is_bloc else None
    if entry is not None:
        others |= {m.member for m in entry.members if m.status == "member"}
    found: dict[int, PairEvent] = {}
    for other in sorted(others - {a}):
        found.update((ev.id, ev) for ev in fetch_pair_events(session, a, other, rollup=True))
    found.update((ev.id, ev) for ev in fetch_pair_events(session, a, None, rollup=True, plover="SANCTION"))
    return sorted(found.values(), key=lambda ev: (ev.day or date.max, ev.id))


def _pair_days(session: Session) -> Any:
    """(source, target, day, events) of the events that were not negated and have both sides."""
    d = EventDayRow
    return session.execute(
        select(d.source_actor_id, d.target_actor_id, d.day, func.sum(d.events))
        .where(d.negated == false(), d.source_actor_id != NO_ACTOR, d.target_actor_id != NO_ACTOR)
        .group_by(d.source_actor_id, d.target_actor_id, d.day)
        .having(func.sum(d.events) > 0)
    )


def _descending(iso_day: str) -> tuple[int, ...]:
    return tuple(-ord(ch) for ch in iso_day) if iso_day else (1,)


def _build(session: Session, kb: KnowledgeBase, a: str, b: str) -> dict[str, Any] | None:
    kinds = dict(session.execute(select(ActorRow.id, ActorRow.kind).where(ActorRow.id.in_([a, b]))).all())
    if any(kinds.get(side) in ROLLUP_KINDS for side in (a, b)):
        return None  # a person's acts count for her country: the brief is the country's
    is_bloc = _is_bloc(kb, b)
    names = {a: actor_name(session, kb, a) or a, b: actor_name(session, kb, b) or b}
    chosen: dict[str, list[tuple[PairEvent, str | None]]] = defaultdict(list)
    member_ids: set[str] = set()
    sanctions: list[tuple[PairEvent, str | None]] = []
    for ev in _events_for_brief(session, kb, a, b, is_bloc):
        if ev.negated:
            continue
        other = ev.target if ev.source == a else ev.source
        via = None
        if other != b and is_bloc and other and other != a and ev.day and kb.is_member(b, other, ev.day):
            via = other
        elif other != b:
            if ev.target == a and ev.plover == "SANCTION" and not ev.hypothetical:
                sanctions.append((ev, None))
            continue
        if via:
            member_ids.add(via)
        theme = "intentions" if ev.hypothetical else "cooperation" if ev.quad_class in (1, 2) else "obstacles"
        chosen[theme].append((ev, via))
    if not chosen:
        return None  # nothing ties the two sides: third parties' sanctions alone make no brief
    # Quotes come from the articles about the two sides, not from every sanctions story.
    reporting = {ev.article_id for items in chosen.values() for ev, _ in items}
    chosen["obstacles"].extend(sanctions)
    details = event_details(session, {ev.id for items in chosen.values() for ev, _ in items})
    bloc_name = names[b] if is_bloc else None
    sections = {
        theme: act_sentences(session, kb, chosen[theme], details, bloc_name)
        for theme in ("cooperation", "obstacles")
    }
    intentions = act_sentences(session, kb, chosen["intentions"], details, bloc_name, intention=True)
    sections["experts"] = expert_sentences(session, kb, {a, b}, reporting)
    sections["outlook"], al, closest, reply = outlook_sentences(
        session, kb, a, b, names, sorted(member_ids), intentions
    )
    evidence = [e for s in sections.values() for sentence in s for e in sentence["evidence"]]
    if not evidence:
        return None
    days = sorted({e["published"] for e in evidence if e["published"]})
    event_rows_used = {e["event_id"] for e in evidence if e["kind"] == "event"}
    quotes_used = {e["quote_id"] for e in evidence if e["kind"] == "quote"}
    first_of_article = list({e["article_id"]: e for e in reversed(evidence)}.values())
    lead = []
    if days:
        lead.append(
            brief_sentence(
                text.lead_sentence(
                    names[a],
                    names[b],
                    len(event_rows_used),
                    len(quotes_used),
                    len(first_of_article),
                    date.fromisoformat(days[0]),
                    date.fromisoformat(days[-1]),
                ),
                first_of_article,
            )
        )
    contents: list[dict[str, Any]] = []
    out_sections: list[dict[str, Any]] = []
    for theme, heading in text.SECTION_HEADINGS:
        if sections.get(theme):
            number = len(contents) + 1
            anchor = f"{number}-{theme}"
            contents.append({"number": number, "heading": heading, "anchor": anchor})
            out_sections.append(
                {
                    "number": number,
                    "heading": heading,
                    "anchor": anchor,
                    "theme": theme,
                    "sentences": sections[theme],
                }
            )
    return {
        "a": {"id": a, "name": names[a]},
        "b": {"id": b, "name": names[b]},
        "kind": "bloc" if is_bloc else "pair",
        "title": text.headline(
            names[a], names[b], al.label, al.trend["direction"], closest, reply.label if reply else None
        ),
        "date": days[-1] if days else None,
        "lead": [s for s in lead if s],
        "contents": contents,
        "sections": out_sections,
        "alignment": {
            "score": al.score,
            "confidence": al.confidence,
            "label": al.label,
            "trend": al.trend["direction"],
            "events": al.events,
        },
        "counts": {
            "events": len(event_rows_used),
            "quotes": len(quotes_used),
            "articles": len(first_of_article),
        },
    }


_CACHE: dict[tuple[str, str, str], tuple[tuple[Any, ...], dict[str, Any] | None]] = {}
_CANDIDATES: dict[tuple[str, str, str], tuple[tuple[Any, ...], list[dict[str, Any]]]] = {}
_LOCK = threading.Lock()


def _database_key(session: Session, kb: KnowledgeBase) -> str:
    """One cache slot per database (and knowledge base): two stores never share briefs."""
    engine = session.get_bind().engine
    return f"{engine.url.render_as_string(hide_password=True)}#{id(engine)}#{id(kb)}"


def brief(session: Session, a: str, b: str, *, kb: KnowledgeBase | None = None) -> dict[str, Any] | None:
    """The brief on ``a`` and ``b`` (``b`` may be a bloc), or None when no evidence ties them."""
    kb = kb or shared_knowledge_base()
    key = (_database_key(session, kb), a, b)
    mark = watermark(session)
    with _LOCK:
        cached = _CACHE.get(key)
    if cached is not None and cached[0] == mark:
        return cached[1]
    built = _build(session, kb, a, b) if a != b else None
    with _LOCK:
        if len(_CACHE) > 4 * MAX_BRIEFS:
            _CACHE.clear()  # bounded: a stale watermark's briefs are never read again
        _CACHE[key] = (mark, built)
    return built
