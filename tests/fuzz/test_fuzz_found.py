"""Regression tests for the crashes the fuzzers found (all fixed): each reader must raise its
documented error or return a result.  The inputs are the minimal examples hypothesis shrank
them to.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from blocwatch.ingest import IngestError, read_feed, read_sitemap
from blocwatch.knowledge import KnowledgeBase, KnowledgeError

BASE = "https://news.example.org/sitemap.xml"


def _ingest_ok_or_error(call: object) -> None:
    try:
        call()  # type: ignore[operator]
    except IngestError:
        pass  # the documented failure


@pytest.mark.parametrize(
    "data",
    [
        b"http://[",
        b"<urlset><url><loc>http://[</loc></url></urlset>",
        b"<sitemapindex><sitemap><loc>http://[</loc></sitemap></sitemapindex>",
    ],
)
def test_sitemap_unclosed_ipv6_host(data: bytes) -> None:
    _ingest_ok_or_error(lambda: read_sitemap(data, BASE))


@pytest.mark.parametrize(
    "data",
    [
        b"<urlset><url><loc>&#xD800;</loc></url></urlset>",
        b"<sitemapindex><sitemap><loc>&#xD800;</loc></sitemap></sitemapindex>",
    ],
)
def test_sitemap_surrogate_character_reference(data: bytes) -> None:
    _ingest_ok_or_error(lambda: read_sitemap(data, BASE))


def test_feed_surrogate_character_reference() -> None:
    data = b'<rss version="2.0"><channel><item><title>&#XD800;</title></item></channel></rss>'
    _ingest_ok_or_error(lambda: read_feed(data, "https://news.example.org/feed.xml"))


def test_actor_yaml_control_character(tmp_path: Path) -> None:
    path = tmp_path / "actors.yaml"
    path.write_bytes(b"\x1f")
    with pytest.raises(KnowledgeError):
        KnowledgeBase().load_file(path)


def test_actor_yaml_field_of_the_wrong_type(tmp_path: Path) -> None:
    path = tmp_path / "actors.yaml"
    path.write_text("entries:\n- {id: X1, name: X, kind: [state]}\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="kind must be a single value"):
        KnowledgeBase().load_file(path)
