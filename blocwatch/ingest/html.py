"""HTML pages -> :class:`Article` (:func:`extract_html`), on trafilatura and htmldate.

The page is decoded once (BOM, then the HTTP charset, then ``<meta charset>``, then UTF-8 and
detection, see :mod:`.sniff`) and parsed once (``trafilatura.load_html``, which repairs broken
markup); every reader below shares that tree, because parsing is a large share of the cost:

* **metadata** (:func:`_metadata`): ``rel=canonical`` (preferred over ``og:url``, which sites
  often point at a shorter share URL), the page ``lang`` and ``meta name=author`` by our own
  XPaths; title, authors and site name from trafilatura's meta-tag / JSON-LD readers.  We do not
  ask trafilatura for its whole metadata record: it also mines categories and tags, and runs a
  second date search, which together cost a third of the extraction time and are unused here.
* **htmldate** finds the original publication date (``original_date=True``, extensive search).
* **trafilatura** ``bare_extraction`` gives the main content as blocks: ``<head>`` (headings),
  ``<p>``, ``<list>/<item>``, ``<quote>``, ``<table>/<row>``.  It runs in ``fast`` mode (its
  rule-based extractor without the readability/jusText comparison) with links kept, so each block
  carries the share of its text that is link text.  :func:`.body.clean_blocks` then removes what
  the extractor let through (headline, standfirst, boilerplate lines, trailing link lists).
  Only when that leaves almost nothing (a page laid out so the rules picked the wrong region) is
  the full trafilatura cascade run as a second opinion.

On the ScrapingHub benchmark this scores F1 0.972 against bare ``trafilatura.extract``'s 0.953
while running at 0.95-0.97 of its pages/s although it also reads metadata, the date and sections
(``bench/bench_extract.py``, :mod:`.evaluate`).
Each block becomes one paragraph of ``Article.text`` (joined by blank lines, like
:mod:`.textpage`), and each remaining ``<head>`` starts a :class:`Section`.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

from blocwatch.ingest import sniff
from blocwatch.ingest.body import Block, assemble, clean_blocks
from blocwatch.ingest.errors import IngestError, article_id_for
from blocwatch.records import Article

__all__ = ["extract_blocks", "extract_html", "html_charset"]

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_BLOCKS = {"p", "head", "item", "quote", "row", "code"}
_CONTAINERS = {"list", "table", "div", "quote", "main", "body"}
# Below this many characters after cleaning, the fast pass probably read the wrong region.
MIN_TEXT_CHARS = 200
_EXTRACT_OPTIONS: dict[str, Any] = {
    "output_format": "python",
    "include_comments": False,  # reader comments are not the article
    "include_tables": True,  # data tables in news are content (results, figures)
    "include_formatting": False,
    "include_links": True,  # for each block's link share; also measured better (see module doc)
    "deduplicate": False,  # dedup across pages is ours (issue 3), not per-process LRU state
    "with_metadata": False,  # read separately and more cheaply, see _metadata
}


def html_charset(raw: bytes) -> str | None:
    """The charset declared in a ``<meta>`` tag within the first 4 KiB (as browsers look)."""
    m = _META_CHARSET.search(raw[:4096])
    return m.group(1).decode("ascii") if m else None


def extract_html(
    raw: bytes,
    *,
    url: str | None = None,
    input_name: str | None = None,
    charset: str | None = None,
) -> Article:
    """Extract the article of one HTML page; ``charset`` is the HTTP header's, if any."""
    name = input_name or url or "<html>"
    tree = _parse(raw, name, charset)
    meta = _metadata(tree, url)
    title = meta["title"] or ""
    blocks = extract_blocks(tree, url=url, title=title)
    if not blocks or all(b.kind == "head" for b in blocks):
        raise IngestError(name, "no article text found in the HTML", raw=raw)
    paragraphs = [b.text for b in blocks]
    text, sections = assemble(paragraphs, {i: b.text for i, b in enumerate(blocks) if b.kind == "head"})
    canonical = trusted_canonical(meta["canonical"], url) or url
    authors = [a.strip() for a in (meta["author"] or "").split(";") if a.strip()]
    return Article(
        id=article_id_for(canonical, text),
        text=text,
        title=title,
        url=url,
        canonical_url=canonical,
        source=meta["sitename"],
        published=(published := _published(tree, url)),
        modified=_modified(tree, url, published),
        authors=authors,
        language=meta["language"],
        sections=sections,
        raw=raw,
        raw_type="html",
        input_name=input_name,
    )


def _parse(raw: bytes, name: str, charset: str | None) -> Any:
    from trafilatura import load_html

    try:
        page = sniff.decode_text(raw, charset or html_charset(raw))
    except sniff.DecodeError as exc:
        raise IngestError(name, str(exc), raw=raw) from exc
    page = _XML_DECL.sub("", page, count=1)  # lxml refuses str input with an encoding declaration
    try:
        tree = load_html(page)
    except (TypeError, ValueError) as exc:
        raise IngestError(name, f"unparsable HTML ({exc})", raw=raw) from exc
    if tree is None:
        raise IngestError(name, "unparsable HTML (no document tree)", raw=raw)
    return tree


def extract_blocks(tree: Any, *, url: str | None = None, title: str | None = None) -> list[Block]:
    """The cleaned main-content blocks of a parsed page (``tree`` is not modified)."""
    blocks = clean_blocks(_run_trafilatura(tree, url, fast=True), title)
    if sum(len(b.text) for b in blocks) < MIN_TEXT_CHARS:
        # Second opinion, and the last word: the full cascade (readability/jusText comparison,
        # recall retry) is slower but better at telling a short article from a page of chrome.
        blocks = clean_blocks(_run_trafilatura(tree, url, fast=False), title)
    return blocks


def _run_trafilatura(tree: Any, url: str | None, *, fast: bool) -> list[Block]:
    from trafilatura import bare_extraction

    document = bare_extraction(tree, url=url, fast=fast, **_EXTRACT_OPTIONS)
    if document is None:  # a short page below trafilatura's thresholds: try for recall
        document = bare_extraction(tree, url=url, fast=fast, favor_recall=True, **_EXTRACT_OPTIONS)
    body = getattr(document, "body", None)  # a Document (as_dict=False); typed as Document | dict
    return _blocks(body) if body is not None else []


def _blocks(body: Any) -> list[Block]:
    """Text blocks in reading order, with the share of each block's text inside ``<ref>``."""
    blocks: list[Block] = []

    def walk(element: Any) -> None:
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in _CONTAINERS and any(isinstance(c.tag, str) and c.tag in _BLOCKS for c in child):
                walk(child)
                continue
            if tag not in _BLOCKS and tag not in _CONTAINERS:
                continue
            text = _text(child) if tag != "row" else _row(child)
            if not text:
                continue
            linked = sum(len(_text(ref)) for ref in child.iter("ref"))
            kind = tag if tag in _BLOCKS else "p"
            blocks.append(Block(text=text, kind=kind, link_share=min(1.0, linked / len(text))))

    walk(body)
    return blocks


def _text(element: Any) -> str:
    # NFC as trafilatura's own serialisers do, so offsets and matching see one form per letter.
    return unicodedata.normalize("NFC", " ".join(" ".join(element.itertext()).split()))


def _row(row: Any) -> str:
    cells = [_text(cell) for cell in row]
    return " | ".join(c for c in cells if c)


def _metadata(tree: Any, url: str | None) -> dict[str, str | None]:
    from trafilatura.metadata import (
        examine_meta,
        extract_author,
        extract_meta_json,
        extract_sitename,
        extract_title,
    )

    def first(xpath: str) -> str | None:
        for value in tree.xpath(xpath):
            value = " ".join(str(value).split())
            if value:
                return value
        return None

    found = examine_meta(tree)  # OpenGraph, Twitter, Dublin Core and named <meta> tags
    try:
        found = extract_meta_json(tree, found)  # JSON-LD overrides: the publisher's own record
    except Exception:  # trafilatura's JSON-LD reader trips on odd but valid JSON; it is optional
        pass
    lang = first("/html/@lang | //html/@lang | //meta[@http-equiv='content-language']/@content")
    lang = lang or first("//meta[@property='og:locale']/@content")
    author = found.author if found.author and " " in found.author else None  # one word: a handle
    # Bylines in the page text, only when no tag names the author: this search copies the tree.
    author = author or first("//meta[@name='author']/@content") or extract_author(tree)
    sitename = (found.sitename or extract_sitename(tree) or "").lstrip("@") or None
    return {
        "canonical": first("//link[contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]/@href")
        or first("//meta[@property='og:url']/@content")
        or found.url,
        "title": " ".join((found.title or extract_title(tree) or first("//title/text()") or "").split())
        or None,
        "author": author,
        # As trafilatura's own record: the page's host when no tag names the site.
        "sitename": sitename or found.hostname or _host(found.url or url),
        "language": re.split(r"[-_]", lang)[0].lower() if lang else None,
    }


def trusted_canonical(candidate: str | None, fetched: str | None) -> str | None:
    """The page's declared canonical URL, if it may stand for the page; else None.

    The canonical URL is the store's identity of an article, so a page must not be able to
    claim another site's: it is taken only as an absolute http(s) URL (relative ones resolved
    against the page) on the host the page was fetched from, a subdomain of it or its parent
    domain (``www.`` aside).  A syndicated copy elsewhere then keeps its own URL, and the
    near-duplicate clustering still ties it to the original.  Pages read from
    files have no fetched host; their http(s) canonical URL is taken as declared.
    """
    if not candidate:
        return None
    try:
        resolved = urljoin(fetched, candidate.strip()) if fetched else candidate.strip()
        parts = urlsplit(resolved)
        parts.hostname  # noqa: B018  # raises for a malformed port
    except ValueError:  # "https://[::1": a malformed URL is no canonical URL
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    fetched_host = _host(fetched) if fetched and urlsplit(fetched).scheme in ("http", "https") else None
    host = _host(resolved) or ""
    if fetched_host and not (host == fetched_host or host.endswith("." + fetched_host)
                             or fetched_host.endswith("." + host)):
        return None
    return resolved


def _host(url: str | None) -> str | None:
    host = urlsplit(url).hostname if url else None
    return host.removeprefix("www.") if host else None


# Only the <head>: that is where pages declare it, and a path from the root is far cheaper than
# a descendant search of the whole tree on every page.
_MODIFIED_XPATH = (
    "/html/head/meta[@property='article:modified_time' or @property='og:updated_time'"
    " or @itemprop='dateModified' or @name='last-modified' or @name='dcterms.modified'"
    " or @http-equiv='last-modified']/@content"
)
_JSONLD_MODIFIED = re.compile(r'"dateModified"\s*:\s*"([^"]{8,40})"')


def _modified(tree: Any, url: str | None, published: date | None) -> date | None:
    """The modification date the page declares (meta tags, microdata, JSON-LD), if after publication.

    Read from the markup the page states it in rather than by a second htmldate search, which
    would cost as much again as the whole publication-date search.
    """
    from dateutil import parser as date_parser

    candidates = [str(v) for v in tree.xpath(_MODIFIED_XPATH)]
    for script in tree.xpath("/html/head/script[@type='application/ld+json']/text()"):
        candidates += _JSONLD_MODIFIED.findall(str(script))
    for raw in candidates:
        try:
            value = date_parser.isoparse(raw.strip()).date()
        except (ValueError, OverflowError):
            try:
                value = date_parser.parse(raw.strip()).date()
            except (ValueError, OverflowError):
                continue
        if value > date.today() + timedelta(days=1) or (published is not None and value <= published):
            continue  # not a later date than publication: the page states no modification
        return value
    return None


def _published(tree: Any, url: str | None) -> date | None:
    import htmldate

    try:  # htmldate works on a copy of the tree
        found = htmldate.find_date(tree, url=url, original_date=True, outputformat="%Y-%m-%d")
    except Exception:  # htmldate raises assorted errors on hostile markup; a date is optional
        return None
    if not found:
        return None
    value = date.fromisoformat(found)
    # htmldate may fall back to "today"-ish guesses; a date in the future is never a publication date.
    return value if value <= date.today() + timedelta(days=1) else None
