"""The sections of a generated brief: the sentences of each part, each with its evidence.

:mod:`blocwatch.analytics.briefs` chooses the events and builds the page; this module turns the
chosen events, quotes and alignments into sentences (worded by
:mod:`blocwatch.analytics.briefs_text`), each carrying the rows it was written from: article,
sentence index and character offsets into the stored article text.  **No evidence, no
sentence**: :func:`brief_sentence` returns None without evidence.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from blocwatch.analytics import briefs_text as text
from blocwatch.analytics.alignment import alignment
from blocwatch.analytics.relations import PairEvent
from blocwatch.analytics.stories import event_id, event_key, event_rows
from blocwatch.knowledge import KnowledgeBase
from blocwatch.store.models import ActorRow, ArticleRow, EventRow, MentionRow, QuoteRow

ACTS_SHOWN = 8
QUOTES_SHOWN = 6
_CHUNK = 900  # ids per IN (...) list, well under SQLite's bound parameter limit


# Names looked up during one session (a brief asks for the same few actors hundreds of times,
# and ``Session.get`` queries again for an id that is not stored, e.g. a bloc only the
# knowledge base knows).  Weak keys: the cache goes with the session.
_NAMES: weakref.WeakKeyDictionary[Session, dict[str, str]] = weakref.WeakKeyDictionary()


def actor_name(session: Session, kb: KnowledgeBase, actor_id: str | None) -> str | None:
    if actor_id is None:
        return None
    known = _NAMES.setdefault(session, {})
    if actor_id not in known:
        row = session.get(ActorRow, actor_id)
        entry = kb.get(actor_id)
        known[actor_id] = row.name if row is not None else entry.name if entry is not None else actor_id
    return known[actor_id]


def event_details(session: Session, ids: set[int]) -> dict[int, Any]:
    """The event rows behind ``ids`` with their article's title and date, and sentence index."""
    if not ids:
        return {}
    wanted = sorted(ids)
    index: dict[int, int | None] = {}
    rows: dict[int, Any] = {}
    for chunk in (wanted[i : i + _CHUNK] for i in range(0, len(wanted), _CHUNK)):
        rows.update({int(r.id): r for r in event_rows(session, EventRow.id.in_(chunk))})
        # stories.event_rows does not select the sentence index; the evidence cites it.
        index.update(
            (int(i), n)
            for i, n in session.execute(
                select(EventRow.id, EventRow.sentence_index).where(EventRow.id.in_(chunk))
            )
        )
    return {i: _Detail(r, index.get(i)) for i, r in rows.items()}


class _Detail:
    """An event row of :func:`stories.event_rows` plus its ``sentence_index``."""

    __slots__ = ("row", "sentence_index")

    def __init__(self, row: Any, sentence_index: int | None) -> None:
        self.row, self.sentence_index = row, sentence_index

    def __getattr__(self, name: str) -> Any:
        return getattr(self.row, name)


def _event_evidence(detail: Any) -> dict[str, Any]:
    return {
        "kind": "event",
        "event_id": int(detail.id),
        "article_id": str(detail.article_id),
        "article_title": detail.title or "",
        "published": detail.published.isoformat() if detail.published else None,
        "sentence": detail.sentence,
        "sentence_index": detail.sentence_index,
        "start": int(detail.sentence_start),
        "end": int(detail.sentence_end),
    }


def brief_sentence(words: str, evidence: list[dict[str, Any]], **extra: Any) -> dict[str, Any] | None:
    """A brief sentence, or None when nothing backs it (no evidence, no sentence)."""
    return {"text": words, "evidence": evidence, **extra} if evidence else None


def _told_as(ev: PairEvent, via: str | None) -> tuple[str, str | None]:
    """What a sentence says: the same sides, PLOVER type, ISO week and status read the same.

    Rows that differ only in their CAMEO code (050 and 057 are both "deepened cooperation")
    would give two identical sentences, so they are told once with both rows as evidence."""
    return event_key(ev.source, ev.target, ev.plover, ev.day, ev.hypothetical, ev.negated), via


def _most_precise(members: list[tuple[PairEvent, str | None]], details: dict[int, Any]) -> Any:
    """The evidence row with the most precise stated date (a full day beats a month, a year, none)."""
    return max((details[ev.id] for ev, _ in members), key=lambda d: len(d.event_date or ""))


def act_sentences(
    session: Session,
    kb: KnowledgeBase,
    chosen: list[tuple[PairEvent, str | None]],
    details: dict[int, Any],
    bloc_name: str | None,
    intention: bool = False,
) -> list[dict[str, Any]]:
    """One sentence per told act: direct acts first, then most reported, then oldest."""
    groups: dict[tuple[str, str | None], list[tuple[PairEvent, str | None]]] = defaultdict(list)
    for ev, via in chosen:
        groups[_told_as(ev, via)].append((ev, via))
    # Acts with the other side itself before acts with a bloc's members, then most reported, oldest.
    ordered = sorted(
        groups.items(),
        key=lambda kv: (kv[0][1] is not None, -len(kv[1]), kv[1][0][0].day or date.max, kv[0][0]),
    )
    out = []
    for _, members in ordered[:ACTS_SHOWN]:
        ev, via = members[0]
        evidence = [_event_evidence(details[e.id]) for e, _ in members]
        mentions, articles = len(members), len({e.article_id for e, _ in members})
        source, target = actor_name(session, kb, ev.source), actor_name(session, kb, ev.target)
        # The bloc is named after whichever side is its member (the member may be the source).
        via_side = "source" if via is not None and via == ev.source else "target"
        via_name = bloc_name if via else None
        if intention:
            words = text.intention_sentence(
                source,
                target,
                ev.plover,
                via=via_name,
                via_side=via_side,
                mentions=mentions,
                articles=articles,
            )
        else:
            stated = _most_precise(members, details)
            words = text.act_sentence(
                source,
                target,
                ev.plover,
                text.when(stated.event_date, stated.published),
                via=via_name,
                via_side=via_side,
                mentions=mentions,
                articles=articles,
            )
        keys = {
            event_id(event_key(e.source, e.target, details[e.id].cameo, e.day, e.hypothetical, e.negated))
            for e, _ in members
        }
        sentence = brief_sentence(words, evidence, events=sorted(keys), mentions=mentions)
        if sentence:
            out.append(sentence)
    return out


def expert_sentences(
    session: Session, kb: KnowledgeBase, sides: set[str], articles: set[str]
) -> list[dict[str, Any]]:
    """Quotes naming either side, from the articles that report the two sides' dealings.

    A quote about Russia in a story with nothing on North Korea says nothing about the pair."""
    if not articles:
        return []
    q, m = QuoteRow, MentionRow
    naming = (
        select(q.id)
        .join(m, and_(m.article_id == q.article_id, m.start >= q.start, m.end <= q.end))
        .where(m.actor_id.in_(sorted(sides)), q.article_id.in_(sorted(articles)))
    )
    rows = session.execute(
        select(q, ArticleRow.title, ArticleRow.published)
        .join(ArticleRow, ArticleRow.id == q.article_id)
        .where(q.id.in_(naming.scalar_subquery()))
        .order_by(ArticleRow.published.desc(), q.id)
        .limit(QUOTES_SHOWN)
    )
    out = []
    for quote, title, published in rows:
        speaker_row = session.get(ActorRow, quote.speaker_actor_id) if quote.speaker_actor_id else None
        role = speaker_row.role if speaker_row is not None else ""
        # "Turkey (Türkiye)": a state speaking is not its own affiliation.
        own = quote.affiliation and quote.affiliation == quote.speaker_actor_id
        affiliation = actor_name(session, kb, quote.affiliation) if quote.affiliation and not own else None
        speaker = quote.speaker or (speaker_row.name if speaker_row else "") or "An unnamed source"
        evidence = [
            {
                "kind": "quote",
                "quote_id": quote.id,
                "article_id": quote.article_id,
                "article_title": title or "",
                "published": published.isoformat() if published else None,
                "sentence": quote.content,
                "sentence_index": quote.sentence_index,
                "start": quote.start,
                "end": quote.end,
            }
        ]
        sentence = brief_sentence(
            text.quote_sentence(speaker, role or "", affiliation or "", quote.content, quote.direct),
            evidence,
            speaker=speaker,
            speaker_actor=quote.speaker_actor_id,
            quote=quote.id,
        )
        if sentence:
            out.append(sentence)
    return out


def _alignment_evidence(al: Any, details: dict[int, Any], since: date | None = None) -> list[dict[str, Any]]:
    return [
        _event_evidence(details[e["event_id"]])
        for e in al.evidence
        if e["event_id"] in details and (since is None or (e["date"] and e["date"] > since.isoformat()))
    ]


def outlook_sentences(
    session: Session,
    kb: KnowledgeBase,
    a: str,
    b: str,
    names: dict[str, str],
    members: list[str],
    intentions: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], Any, str | None, Any]:
    """The outlook's sentences, the alignment of ``a`` toward ``b``, the closest member of a bloc
    ``b`` (None for two actors) and, for two actors, ``b``'s alignment toward ``a`` (else None)."""
    al = alignment(session, a, b, kb=kb)
    others = (
        [alignment(session, a, member, kb=kb) for member in members]
        if members
        else [alignment(session, b, a, kb=kb)]
    )
    details = event_details(session, {e["event_id"] for x in [al, *others] for e in x.evidence})
    out: list[dict[str, Any] | None] = []
    if al.score is not None:
        out.append(
            brief_sentence(
                text.alignment_sentence(names[a], names[b], al.label, al.score, al.confidence, al.events),
                _alignment_evidence(al, details),
            )
        )
        trend = al.trend
        if trend["direction"] != "unknown" and al.as_of is not None:
            since = date.fromordinal(al.as_of.toordinal() - 2 * int(trend["window_days"]))
            out.append(
                brief_sentence(
                    text.trend_sentence(
                        names[a],
                        names[b],
                        trend["direction"],
                        int(trend["window_days"]),
                        float(trend["change"] or 0),
                    ),
                    _alignment_evidence(al, details, since),
                )
            )
    closest = None
    # Best evidenced stance first: one warm act counts less than many (score times confidence).
    ranked = sorted(
        (o for o in others if o.score is not None), key=lambda o: (-(o.score or 0) * o.confidence, o.toward)
    )
    for other in ranked:
        assert other.score is not None
        if members:
            member = actor_name(session, kb, other.toward) or other.toward
            if closest is None and other.score > 0:
                closest = member
            words = text.member_alignment_sentence(
                names[a], member, names[b], other.label, other.score, other.events
            )
        else:
            words = text.alignment_sentence(
                names[b], names[a], other.label, other.score, other.confidence, other.events
            )
        out.append(brief_sentence(words, _alignment_evidence(other, details)))
    reply = None if members else others[0]
    return [s for s in out if s] + intentions, al, closest, reply
