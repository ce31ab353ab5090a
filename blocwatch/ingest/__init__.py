"""Ingest: turn pages, files, JSON lines and URLs into :class:`blocwatch.records.Article`.

Stages, one module each: :mod:`.sniff` (bytes -> kind, charset, gunzip), :mod:`.textpage`
(plain-text page dumps), :mod:`.html` (trafilatura + htmldate), :mod:`.jsonl` (JSON records),
:mod:`.fetch` (polite, capped HTTP), :mod:`.files` (the :func:`read_inputs` front door).  Every
stage reports failure as :class:`IngestError`; :func:`read_inputs` yields those instead of
raising so one bad input never stops a batch.  Feeds, sitemaps, WARC and de-duplication (issue 3)
plug in as further stages behind :func:`read_inputs`.
"""

from blocwatch.ingest.errors import IngestError, article_id_for
from blocwatch.ingest.fetch import fetch_url
from blocwatch.ingest.files import read_inputs
from blocwatch.ingest.html import extract_html
from blocwatch.ingest.jsonl import read_jsonl
from blocwatch.ingest.textpage import parse_text_page

__all__ = [
    "IngestError",
    "article_id_for",
    "extract_html",
    "fetch_url",
    "parse_text_page",
    "read_inputs",
    "read_jsonl",
]
