"""Data for the brief pages: ``/briefs``, ``/briefs/{a}/{b}`` and the home page's latest briefs.

The briefs themselves are written by :mod:`blocwatch.analytics.briefs` (cached per database
under the store's watermark, so a page after new articles shows the new facts).  This module adds
what a page needs: the brief's URL, and for every sentence its **evidence links** to the article
page at the cited sentence.

**Where a link lands.**  The article page has no per-sentence ids, so a link carries a text
fragment (``/articles/ID#article-events:~:text=first%20words,last%20words``): browsers that
support text fragments (Chromium, Safari, Firefox 131+) scroll to the cited words in the article
body and highlight them; others fall back to the element before ``:~:``, the article's list of
events (``#article-events``) or quotes (``#article-quotes``), which show the same sentence.
Several events read from one sentence give one link.
"""

from __future__ import annotations

from itertools import islice
from typing import Any
from urllib.parse import quote

from sqlalchemy.orm import Session

from blocwatch.analytics.briefs import brief, brief_candidates
from blocwatch.knowledge import shared_knowledge_base
from blocwatch.store.models import ActorRow

__all__ = [
    "brief_page_data",
    "brief_url",
    "briefs_data",
    "is_bloc",
    "known_actor",
    "latest_briefs",
    "text_fragment",
]

FRAGMENT_WORDS = 5  # words at each end of a cited sentence in its text fragment
LATEST = 5


def brief_url(a: str, b: str) -> str:
    """The brief page of ``a`` and ``b`` (ids keep their colon, as on actor pages)."""
    return "/briefs/" + quote(a, safe=":-_.~") + "/" + quote(b, safe=":-_.~")


def _directive_term(words: list[str]) -> str:
    # Text-directive syntax reserves "-", "," and "&"; quote() leaves "-" alone, so it is done here.
    return quote(" ".join(words), safe="").replace("-", "%2D")


def text_fragment(sentence: str) -> str:
    """``:~:text=start,end`` naming ``sentence`` by its first and last words.

    Each term stays within one line: a sentence the reader glued to a heading above it
    ("A Closer Relationship ...\\n\\nOn September 19, ...") is shown as two blocks on the page,
    and a text-directive term cannot match across blocks."""
    lines = [line.split() for line in sentence.splitlines() if line.split()]
    if not lines:
        return ""
    first, last = lines[0], lines[-1]
    if len(lines) == 1 and len(first) <= 2 * FRAGMENT_WORDS:
        return ":~:text=" + _directive_term(first)
    start, end = first[:FRAGMENT_WORDS], last[-FRAGMENT_WORDS:]
    return ":~:text=" + _directive_term(start) + "," + _directive_term(end)


def _evidence_href(ev: dict[str, Any]) -> str:
    fallback = "article-quotes" if ev.get("kind") == "quote" else "article-events"
    path = "/articles/" + quote(str(ev["article_id"]), safe="-_.~")
    return f"{path}#{fallback}{text_fragment(str(ev.get('sentence') or ''))}"


def _links(evidence: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One link per cited sentence (article and span), in the order first cited."""
    seen: dict[tuple[str, int, int], dict[str, Any]] = {}
    for ev in evidence:
        key = (str(ev["article_id"]), int(ev["start"]), int(ev["end"]))
        if key not in seen:
            seen[key] = {
                "number": len(seen) + 1,
                "href": _evidence_href(ev),
                "article_id": ev["article_id"],
                "article_title": ev.get("article_title") or "",
                "published": ev.get("published"),
                "sentence": ev.get("sentence") or "",
                "sentence_index": ev.get("sentence_index"),
                "start": ev["start"],
                "end": ev["end"],
            }
    return list(seen.values())


def _with_links(sentence: dict[str, Any]) -> dict[str, Any]:
    return {**sentence, "links": _links(sentence["evidence"])}


def brief_page_data(session: Session, a: str, b: str) -> dict[str, Any] | None:
    """The brief page, or None when no evidence ties ``a`` and ``b``."""
    found = brief(session, a, b)
    if found is None:
        return None
    return {
        **found,
        "url": brief_url(a, b),
        "lead": [_with_links(s) for s in found["lead"]],
        "sections": [
            {**section, "sentences": [_with_links(s) for s in section["sentences"]]}
            for section in found["sections"]
        ],
    }


def _summary(session: Session, candidate: dict[str, Any]) -> dict[str, Any] | None:
    found = brief(session, candidate["a"], candidate["b"])
    if found is None:
        return None
    return {
        "a": found["a"],
        "b": found["b"],
        "kind": found["kind"],
        "title": found["title"],
        "date": found["date"],
        "evidence": candidate["evidence"],
        "counts": found["counts"],
        "url": brief_url(candidate["a"], candidate["b"]),
    }


def briefs_data(session: Session, page: int = 1, page_size: int = 20) -> dict[str, Any]:
    """One page of the briefs, best evidenced first (the order of ``brief_candidates``)."""
    page = max(page, 1)
    candidates = brief_candidates(session)
    start = (page - 1) * page_size
    items = [s for c in candidates[start : start + page_size] if (s := _summary(session, c)) is not None]
    return {
        "briefs": items,
        "page": page,
        "page_size": page_size,
        "total": len(candidates),
        "next_page": page + 1 if start + page_size < len(candidates) else None,
        "previous_page": page - 1 if page > 1 else None,
    }


def latest_briefs(session: Session, limit: int = LATEST) -> list[dict[str, Any]]:
    """The briefs with the newest evidence first, for the home page's "Latest analytics"."""
    ranked = sorted(brief_candidates(session), key=lambda c: c["last"] or "", reverse=True)
    found = (s for c in ranked if (s := _summary(session, c)) is not None)
    return list(islice(found, limit))  # only the briefs shown are built


def known_actor(session: Session, actor_id: str) -> str | None:
    """The name of a stored or knowledge-base actor, None for an id nobody knows."""
    row = session.get(ActorRow, actor_id)
    if row is not None:
        return str(row.name)
    entry = shared_knowledge_base().get(actor_id)
    return entry.name if entry is not None else None


def is_bloc(actor_id: str) -> bool:
    entry = shared_knowledge_base().get(actor_id)
    return entry is not None and entry.kind == "bloc" and bool(entry.members)
