"""HTML pages -> :class:`Article` (:func:`extract_html`), on trafilatura and htmldate.

The page is decoded once (BOM, then the HTTP charset, then ``<meta charset>``, then UTF-8 and
detection, see :mod:`.sniff`), and three readers look at it:

* **lxml** reads what trafilatura does not keep apart: ``rel=canonical`` (preferred over
  ``og:url``, which sites often point at a shorter share URL), the ``lang`` of the page, the
  ``<title>`` as a fall-back, and ``meta name=author``.
* **trafilatura** ``extract(output_format="xml")`` gives the main content as blocks: ``<head>``
  (headings), ``<p>``, ``<list>/<item>``, ``<quote>``, ``<table>``.  Each block becomes one
  paragraph of ``Article.text`` (joined by blank lines, like :mod:`.textpage`), and each
  ``<head>`` other than the title starts a :class:`Section`.
* **htmldate** finds the original publication date (``original_date=True``), which trafilatura
  would also use internally; we call it directly to control its options.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from lxml import etree
from lxml import html as lxml_html

from blocwatch.ingest import sniff
from blocwatch.ingest.body import assemble
from blocwatch.ingest.errors import IngestError, article_id_for
from blocwatch.ingest.textrules import heading_key
from blocwatch.records import Article

__all__ = ["extract_html", "html_charset"]

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_BLOCKS = {"p", "head", "item", "quote", "row", "code"}
_CONTAINERS = {"list", "table", "div", "quote", "main"}


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
    try:
        page = sniff.decode_text(raw, charset or html_charset(raw))
    except sniff.DecodeError as exc:
        raise IngestError(name, str(exc), raw=raw) from exc
    page = _XML_DECL.sub("", page, count=1)  # lxml refuses str input with an encoding declaration
    try:
        tree = lxml_html.fromstring(page)
    except (etree.ParserError, ValueError) as exc:
        raise IngestError(name, f"unparsable HTML ({exc})", raw=raw) from exc
    meta = _page_metadata(tree)
    xml = _trafilatura_xml(page, url)
    if xml is None:
        raise IngestError(name, "no article text found in the HTML", raw=raw)
    doc = etree.fromstring(xml.encode("utf-8"))
    title = " ".join((doc.get("title") or meta["title"] or "").split())
    paragraphs, heads = _blocks(doc, title)
    if not paragraphs or all(i in heads for i in range(len(paragraphs))):
        raise IngestError(name, "no article text found in the HTML", raw=raw)
    text, sections = assemble(paragraphs, {i: paragraphs[i] for i in heads})
    canonical = meta["canonical"] or doc.get("url") or url
    authors = [a.strip() for a in (doc.get("author") or meta["author"] or "").split(";") if a.strip()]
    return Article(
        id=article_id_for(canonical, text),
        text=text,
        title=title,
        url=url,
        canonical_url=canonical,
        source=doc.get("sitename") or doc.get("hostname") or None,
        published=_published(page, url),
        authors=authors,
        language=meta["language"] or doc.get("language") or None,
        sections=sections,
        raw=raw,
        raw_type="html",
        input_name=input_name,
    )


def _page_metadata(tree: Any) -> dict[str, str | None]:
    def first(xpath: str) -> str | None:
        for value in tree.xpath(xpath):
            value = " ".join(str(value).split())
            if value:
                return value
        return None

    lang = first("/html/@lang | //html/@lang | //meta[@http-equiv='content-language']/@content")
    lang = lang or first("//meta[@property='og:locale']/@content")
    return {
        "canonical": first("//link[contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]/@href")
        or first("//meta[@property='og:url']/@content"),
        "title": first("//meta[@property='og:title']/@content") or first("//title/text()"),
        "author": first("//meta[@name='author']/@content"),
        "language": re.split(r"[-_]", lang)[0].lower() if lang else None,
    }


def _trafilatura_xml(page: str, url: str | None) -> str | None:
    import trafilatura

    options: dict[str, Any] = {
        "url": url,
        "output_format": "xml",
        "with_metadata": True,
        "include_comments": False,
        "include_tables": True,
        "include_formatting": False,
        "deduplicate": False,
    }
    result = trafilatura.extract(page, **options)
    if result is None:  # a short page below trafilatura's precision thresholds: try for recall
        result = trafilatura.extract(page, favor_recall=True, **options)
    return result


def _blocks(doc: Any, title: str) -> tuple[list[str], set[int]]:
    """Paragraph texts in reading order and the indexes of those that are headings."""
    paragraphs: list[str] = []
    heads: set[int] = set()
    title_key = heading_key(title) if title else None
    main = doc.find("main")
    if main is None:
        return paragraphs, heads

    def walk(element: Any) -> None:
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in _CONTAINERS and any(isinstance(c.tag, str) and c.tag in _BLOCKS for c in child):
                walk(child)
                continue
            if tag not in _BLOCKS and tag not in _CONTAINERS:
                continue
            text = " ".join(" ".join(child.itertext()).split()) if tag != "row" else _row(child)
            if not text:
                continue
            if tag == "head":
                # The headline often reappears as the first <head>; it is the title, not a section.
                if not paragraphs and title_key is not None and heading_key(text) == title_key:
                    continue
                heads.add(len(paragraphs))
            paragraphs.append(text)

    walk(main)
    return paragraphs, heads


def _row(row: Any) -> str:
    cells = [" ".join(" ".join(cell.itertext()).split()) for cell in row]
    return " | ".join(c for c in cells if c)


def _published(page: str, url: str | None) -> date | None:
    import htmldate

    try:
        found = htmldate.find_date(page, url=url, original_date=True, outputformat="%Y-%m-%d")
    except Exception:  # htmldate raises assorted errors on hostile markup; a date is optional
        return None
    if not found:
        return None
    value = date.fromisoformat(found)
    # htmldate may fall back to "today"-ish guesses; a date in the future is never a publication date.
    return value if value <= date.today() + timedelta(days=1) else None
