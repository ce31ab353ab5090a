"""Feeds and sitemap: ``/feed.rss`` (RSS 2.0), ``/feed.atom`` (Atom 1.0), ``/sitemap.xml``.

All three are built with :mod:`xml.etree.ElementTree`, which escapes text and attribute values,
so an ingested title such as ``<script>`` or ``AT&T`` comes out as data.  Characters that XML
1.0 forbids outright (most C0 controls) cannot be escaped at all and are removed first.

Links are absolute, made from the request's base URL (feed readers and crawlers need them);
each item's link is our article page, with the original publisher's URL as RSS ``source`` /
Atom ``rel="related"`` when it is an http(s) URL (:func:`~blocwatch.web.sanitize.safe_url`).
The feeds hold the :data:`FEED_ITEMS` newest articles, ordered as on
the home page.  The sitemap lists every article page and every actor page up to the protocol's
limit of 50,000 URLs per file (a sitemap index beyond that is not built yet).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, time
from email.utils import format_datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from blocwatch.store import queries
from blocwatch.store.models import ActorRow, ArticleActorRow, ArticleRow
from blocwatch.web.render import actor_url, article_url, open_session
from blocwatch.web.sanitize import safe_url

__all__ = ["FEED_ITEMS", "SITEMAP_LIMIT", "atom_feed", "rss_feed", "sitemap", "xml_text"]

router = APIRouter(tags=["feeds"])

FEED_ITEMS = 50
SITEMAP_LIMIT = 50_000
TITLE = "blocwatch"
DESCRIPTION = "Evidenced analytics of international relations from the news."
ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
# XML 1.0 Char production: tab, LF, CR and everything from U+0020 except surrogates and FFFE/FFFF.
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: object) -> str:
    """``value`` as text that XML 1.0 can carry (forbidden characters removed)."""
    return _NOT_XML.sub("", "" if value is None else str(value))


def _sub(parent: ET.Element, tag: str, text: object = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def _moment(value: str | date | datetime | None) -> datetime | None:
    """An aware datetime from an ISO date or datetime (dates are taken at 00:00 UTC)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value[:10])
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(0), tzinfo=UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _xml(root: ET.Element, media_type: str) -> Response:
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return Response(body, media_type=media_type, headers={"Cache-Control": "public, max-age=300"})


def rss_feed(articles: list[dict[str, Any]], base: str) -> ET.Element:
    """An RSS 2.0 channel of ``articles`` (summaries from :func:`queries.latest_articles`)."""
    rss = ET.Element("rss", {"version": "2.0", "xmlns:atom": ATOM_NS})
    channel = _sub(rss, "channel")
    _sub(channel, "title", TITLE)
    _sub(channel, "link", base + "/")
    _sub(channel, "description", DESCRIPTION)
    _sub(channel, "language", "en")
    _sub(channel, "atom:link", href=base + "/feed.rss", rel="self", type="application/rss+xml")
    newest = max((_moment(a.get("ingested_at")) for a in articles), default=None, key=_sort_key)
    if newest is not None:
        _sub(channel, "lastBuildDate", format_datetime(newest))
    for a in articles:
        item = _sub(channel, "item")
        link = base + article_url(a["id"])
        _sub(item, "title", a.get("title") or "Untitled")
        _sub(item, "link", link)
        _sub(item, "guid", link, isPermaLink="true")
        when = _moment(a.get("published")) or _moment(a.get("ingested_at"))
        if when is not None:
            _sub(item, "pubDate", format_datetime(when))
        if a.get("excerpt"):
            _sub(item, "description", a["excerpt"])
        if source_url := safe_url(a.get("url")):  # a publisher's URL is linked only if http(s)
            _sub(item, "source", a.get("source") or source_url, url=source_url)
    return rss


def atom_feed(articles: list[dict[str, Any]], base: str) -> ET.Element:
    """An Atom 1.0 feed of ``articles``; ``updated`` is when we stored each article."""
    feed = ET.Element("feed", {"xmlns": ATOM_NS})
    _sub(feed, "id", base + "/")
    _sub(feed, "title", TITLE)
    _sub(feed, "subtitle", DESCRIPTION)
    _sub(feed, "link", href=base + "/feed.atom", rel="self", type="application/atom+xml")
    _sub(feed, "link", href=base + "/", rel="alternate", type="text/html")
    moments = [_moment(a.get("ingested_at")) or _moment(a.get("published")) for a in articles]
    # Atom requires <updated>; an empty feed was last updated "now".
    updated = max((m for m in moments if m), default=None) or datetime.now(UTC)
    _sub(feed, "updated", updated.isoformat())
    _sub(_sub(feed, "author"), "name", TITLE)
    for a, moment in zip(articles, moments, strict=True):
        entry = _sub(feed, "entry")
        link = base + article_url(a["id"])
        _sub(entry, "id", link)
        _sub(entry, "title", a.get("title") or "Untitled", type="text")
        _sub(entry, "link", href=link, rel="alternate", type="text/html")
        if source_url := safe_url(a.get("url")):
            _sub(entry, "link", href=source_url, rel="related")
        _sub(entry, "updated", (moment or updated).isoformat())
        published = _moment(a.get("published"))
        if published is not None:
            _sub(entry, "published", published.isoformat())
        if a.get("excerpt"):
            _sub(entry, "summary", a["excerpt"], type="text")
    return feed


def _sort_key(value: datetime | None) -> datetime:
    return value or datetime.min.replace(tzinfo=UTC)


def sitemap(session: Session, base: str, limit: int = SITEMAP_LIMIT) -> ET.Element:
    """``<urlset>`` of article pages (newest first) then actor pages (most covered first)."""
    urlset = ET.Element("urlset", {"xmlns": SITEMAP_NS})
    _sub(_sub(urlset, "url"), "loc", base + "/")
    a = ArticleRow
    rows = session.execute(
        select(a.id, a.published, a.ingested_at, a.analysed_at)
        .order_by(a.published.is_(None), a.published.desc(), a.ingested_at.desc(), a.id)
        .limit(limit - 1)
    )
    used = 1
    for row in rows:
        url = _sub(urlset, "url")
        _sub(url, "loc", base + article_url(row.id))
        changed = _moment(row.analysed_at) or _moment(row.ingested_at)
        if changed is not None:
            _sub(url, "lastmod", changed.date().isoformat())
        used += 1
    articles = func.count(ArticleActorRow.article_id)
    actors = session.execute(
        select(ActorRow.id)
        .outerjoin(ArticleActorRow, ArticleActorRow.actor_id == ActorRow.id)
        .group_by(ActorRow.id)
        .order_by(articles.desc(), ActorRow.id)
        .limit(max(limit - used, 0))
    )
    for (actor_id,) in actors:
        _sub(_sub(urlset, "url"), "loc", base + actor_url(actor_id))
    return urlset


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


@router.get("/feed.rss", name="feed_rss", summary="The latest articles as RSS 2.0")
def feed_rss(request: Request) -> Response:
    with open_session(request) as session:
        articles = queries.latest_articles(session, limit=FEED_ITEMS)
    return _xml(rss_feed(articles, _base(request)), "application/rss+xml; charset=utf-8")


@router.get("/feed.atom", name="feed_atom", summary="The latest articles as Atom 1.0")
def feed_atom(request: Request) -> Response:
    with open_session(request) as session:
        articles = queries.latest_articles(session, limit=FEED_ITEMS)
    return _xml(atom_feed(articles, _base(request)), "application/atom+xml; charset=utf-8")


@router.get("/sitemap.xml", name="sitemap", summary="Sitemap of article and actor pages")
def sitemap_xml(request: Request) -> Response:
    with open_session(request) as session:
        urlset = sitemap(session, _base(request))
    return _xml(urlset, "application/xml; charset=utf-8")
