"""What third-party strings may become on our pages: text always, links only to http(s).

Two kinds of third-party content reach a page, and each has one gate here:

* **Text** (titles, bodies, authors, quotes, actor names) is autoescaped by Jinja2
  (:mod:`blocwatch.web.render`) and never marked safe.  No page renders stored HTML today;
  should one ever need to (a publisher's formatted summary, say), :func:`clean_html` — the
  ``sanitize_html`` template filter — is the only way in: nh3 (the Rust ammonia sanitiser)
  keeps a short list of formatting tags, drops scripts and styles with their content, drops
  every event-handler and style attribute, and keeps only absolute http(s) links.
* **URLs** of publishers (an article's ``url`` / ``canonical_url``, taken from the page we
  ingested) are rendered as links in ``article.html``, in JSON-LD and in the feeds.  An ingested
  page can declare ``<link rel="canonical" href="javascript:...">`` or a ``data:`` URL, so
  :func:`safe_url` (the ``safe_url`` filter) lets through only absolute ``http``/``https`` URLs
  with a host and turns everything else into ``None``: the link is simply not made.

:func:`safe_url` reads the URL the way a browser would before it judges the scheme (WHATWG URL
parsing strips leading/trailing C0 controls and spaces and removes tabs and newlines anywhere,
so ``" java\\tscript:alert(1)"`` *is* a ``javascript:`` URL to a browser), and returns the
cleaned form, which is what ends up in the ``href``.

The JSON twins carry the stored strings unchanged: JSON is data, served as
``application/json`` with ``X-Content-Type-Options: nosniff``, and a consumer may need the exact
value an article declared.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import nh3
from markupsafe import Markup

__all__ = ["SAFE_SCHEMES", "clean_html", "install_filters", "safe_url"]

SAFE_SCHEMES = frozenset({"http", "https"})
# What the WHATWG URL parser ignores: C0 controls and space at either end, tab/LF/CR anywhere.
_EDGES = "".join(chr(c) for c in range(0x21))
_INNER_IGNORED = re.compile("[\t\n\r]")

ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "cite", "code", "em", "h2", "h3", "h4", "i", "li", "ol",
    "p", "pre", "q", "s", "strong", "sub", "sup", "u", "ul",
})  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "q": {"cite"}, "blockquote": {"cite"}}


def safe_url(value: object) -> str | None:
    """``value`` as an absolute http(s) URL with a host, or ``None`` if it is anything else."""
    if not isinstance(value, str):
        return None
    url = _INNER_IGNORED.sub("", value.strip(_EDGES))
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # e.g. an unbalanced "[" in the host
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES or not host:
        return None
    return url


def clean_html(fragment: object) -> Markup:
    """Third-party HTML reduced to harmless formatting, ready to render (see the module docstring)."""
    if fragment is None:
        return Markup("")
    cleaned = nh3.clean(
        str(fragment),
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style", "template", "noscript", "iframe", "object", "svg", "math"},
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(SAFE_SCHEMES),
        # A relative link in someone else's HTML would point into *our* site: not a link we made.
        url_relative="deny",
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )
    return Markup(cleaned)  # noqa: S704 - nh3's output is the sanitised fragment


def install_filters(env: Any) -> None:
    """Register ``safe_url`` and ``sanitize_html`` on a Jinja2 environment (idempotent)."""
    env.filters["safe_url"] = safe_url
    env.filters["sanitize_html"] = clean_html
