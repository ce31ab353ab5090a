"""The article page ``/articles/{id}`` and its JSON twin ``/articles/{id}.json``.

The HTML page adds what only a browser or a crawler needs, outside the data dict: the page's
absolute URL, OpenGraph tags and a schema.org ``NewsArticle`` JSON-LD block.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from blocwatch.web.data import article_data
from blocwatch.web.render import actor_url, open_session, render
from blocwatch.web.sanitize import safe_url

router = APIRouter(tags=["articles"])

_SCHEMA_TYPES = {"state": "Country", "person": "Person", "bloc": "Organization", "igo": "Organization"}


def description(data: dict[str, Any], limit: int = 200) -> str:
    """The first ``limit`` characters of the body's paragraphs, cut at a word (no headings)."""
    paragraphs = [b["text"] for b in data.get("body") or [] if b.get("kind") == "paragraph"]
    flat = " ".join(" ".join(paragraphs).split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0] + "…"


def news_article_ld(data: dict[str, Any], page_url: str, base_url: str) -> dict[str, Any]:
    """schema.org NewsArticle for an article page (rendered with ``tojson``, so escaped)."""
    article = data["article"]
    ld: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.get("title") or "",
        "mainEntityOfPage": page_url,
        "description": description(data),
        "author": [{"@type": "Person", "name": name} for name in article.get("authors") or []],
        "mentions": [
            {
                "@type": _SCHEMA_TYPES.get(a.get("kind") or "", "Organization"),
                "name": a["name"],
                "url": base_url.rstrip("/") + actor_url(a["id"]),
            }
            for a in article.get("actors") or []
        ],
    }
    if article.get("published"):
        ld["datePublished"] = article["published"]
    if article.get("language"):
        ld["inLanguage"] = article["language"]
    source = safe_url(article.get("canonical_url") or article.get("url"))  # http(s) only
    if source:
        ld["url"] = source
        ld["isBasedOn"] = source
    return ld


def _article(request: Request, article_id: str, json_suffix: bool) -> Response:
    with open_session(request) as session:
        data = article_data(session, article_id)
    if data is None:
        raise HTTPException(status_code=404, detail=f"No article with id {article_id!r}.")
    page_url = str(request.url.replace(query=None, fragment=None))
    extra = {
        "page_url": page_url,
        "description": description(data),
        "jsonld": news_article_ld(data, page_url, str(request.base_url)),
    }
    return render(request, "article.html", data, json_suffix=json_suffix, extra=extra)


# The .json route comes first: the plain route's {article_id} would otherwise swallow ".json".
@router.get("/articles/{article_id}.json", name="article_json", summary="An article as JSON")
def article_json(request: Request, article_id: str) -> Response:
    return _article(request, article_id, json_suffix=True)


@router.get("/articles/{article_id}", name="article", summary="An article with its analytics")
def article(request: Request, article_id: str) -> Response:
    return _article(request, article_id, json_suffix=False)
