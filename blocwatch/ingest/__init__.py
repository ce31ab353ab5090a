"""Ingest: turn pages, files, JSON lines and URLs into :class:`blocwatch.records.Article`.

Stages, one module each: :mod:`.sniff` (bytes -> kind, charset, gunzip), :mod:`.textpage`
(plain-text page dumps), :mod:`.html` (trafilatura + htmldate), :mod:`.jsonl` (JSON records),
:mod:`.fetch` (one capped HTTP GET), :mod:`.files` (the :func:`read_inputs` front door).  Every
stage reports failure as :class:`IngestError`; :func:`read_inputs` yields those instead of
raising so one bad input never stops a batch.

Sources (issue 3): :mod:`.polite` (:class:`Fetcher`: robots.txt, per-host limits, retries,
conditional GET, capped and bomb-proof bodies; :mod:`.robots`, :mod:`.transfer` under it),
:mod:`.feeds` (RSS/Atom), :mod:`.sitemaps` (news sitemaps, indexes), :mod:`.discover` (what a
document is, feed autodiscovery), :mod:`.collect` (:func:`collect`: one source URL -> its new
articles) and :mod:`.warc` (WARC / WARC.gz archives).
"""

from blocwatch.ingest.collect import CollectResult, collect
from blocwatch.ingest.discover import classify, feed_links
from blocwatch.ingest.errors import IngestError, article_id_for
from blocwatch.ingest.feeds import FeedEntry, read_feed
from blocwatch.ingest.fetch import fetch_url
from blocwatch.ingest.files import read_inputs
from blocwatch.ingest.html import extract_html
from blocwatch.ingest.jsonl import read_jsonl
from blocwatch.ingest.polite import Fetcher, FetchResult
from blocwatch.ingest.sitemaps import Sitemap, read_sitemap
from blocwatch.ingest.textpage import parse_text_page
from blocwatch.ingest.warc import read_warc

__all__ = [
    "CollectResult",
    "FeedEntry",
    "FetchResult",
    "Fetcher",
    "IngestError",
    "Sitemap",
    "article_id_for",
    "classify",
    "collect",
    "extract_html",
    "feed_links",
    "fetch_url",
    "parse_text_page",
    "read_feed",
    "read_inputs",
    "read_jsonl",
    "read_sitemap",
    "read_warc",
]
