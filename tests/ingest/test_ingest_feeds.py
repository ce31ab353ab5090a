"""read_feed on RSS 0.91, RSS 1.0 (RDF), RSS 2.0 and Atom documents written here."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest

from blocwatch.ingest import IngestError
from blocwatch.ingest.feeds import read_feed

BASE = "https://wire.example.net/feeds/world.xml"

RSS2 = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Test Wire: World</title><link>https://wire.example.net/</link>
<language>en-GB</language>
<item><title>Envoys  meet &amp; talk</title><link>/2024/03/envoys-meet</link>
<pubDate>Tue, 05 Mar 2024 10:00:00 +0100</pubDate>
<description>&lt;p&gt;Envoys met &lt;b&gt;on Tuesday&lt;/b&gt;.&lt;/p&gt;</description></item>
<item><title>Permalink only</title><guid isPermaLink="true">https://wire.example.net/2024/03/guid-story</guid></item>
<item><title>Opaque guid, no link</title><guid isPermaLink="false">tag:wire,2024:42</guid></item>
<item><title>Repeated</title><link>https://wire.example.net/2024/03/envoys-meet#comments</link></item>
<item><title>Not the web</title><link>mailto:desk@wire.example.net</link></item>
</channel></rss>"""

RSS1 = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://wire.example.net/"><title>Wire RDF</title><link>https://wire.example.net/</link>
<items><rdf:Seq><rdf:li rdf:resource="https://wire.example.net/rdf/1"/></rdf:Seq></items></channel>
<item rdf:about="https://wire.example.net/rdf/1"><title>RDF story</title>
<link>https://wire.example.net/rdf/1</link><dc:date>2024-02-01T09:30:00Z</dc:date>
<dc:language>fr</dc:language></item>
</rdf:RDF>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://wire.example.net/atom/">
<title>Wire Atom</title><id>urn:wire</id><updated>2024-03-05T10:00:00Z</updated>
<entry><title>Atom story</title><id>urn:wire:1</id>
<link rel="enclosure" type="image/jpeg" href="/img/1.jpg"/>
<link rel="alternate" type="text/html" href="stories/1.html"/>
<published>2024-03-04T12:00:00+02:00</published><updated>2024-03-05T10:00:00Z</updated>
<summary type="html">&lt;p&gt;A summary&lt;/p&gt;</summary></entry>
<entry><title>Updated only</title><id>urn:wire:2</id><link href="https://wire.example.net/atom/stories/2.html"/>
<updated>2024-03-06T07:00:00Z</updated></entry>
</feed>"""

RSS091 = b"""<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"
"http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Old wire</title><link>https://old.example.net/</link>
<description>x</description><language>en-us</language>
<item><title>Old story</title><link>https://old.example.net/old-story.html</link></item>
</channel></rss>"""


def test_rss2_entries_links_dates_and_summaries() -> None:
    entries = read_feed(RSS2, BASE)
    assert [e.url for e in entries] == [
        "https://wire.example.net/2024/03/envoys-meet",  # relative link resolved, #comments deduped
        "https://wire.example.net/2024/03/guid-story",  # a permalink guid stands in for <link>
    ]
    first = entries[0]
    assert first.title == "Envoys meet & talk" and first.summary == "Envoys met on Tuesday ."
    assert first.published == datetime(2024, 3, 5, 9, 0, tzinfo=UTC)
    assert first.language == "en" and first.origin == BASE


def test_rss1_rdf_uses_dc_date() -> None:
    (entry,) = read_feed(RSS1, "https://wire.example.net/index.rdf")
    assert entry.url == "https://wire.example.net/rdf/1" and entry.title == "RDF story"
    assert entry.published == datetime(2024, 2, 1, 9, 30, tzinfo=UTC)


def test_atom_prefers_the_html_alternate_and_xml_base() -> None:
    first, second = read_feed(ATOM, "https://wire.example.net/atom.xml")
    assert first.url == "https://wire.example.net/atom/stories/1.html"
    assert first.published == datetime(2024, 3, 4, 10, 0, tzinfo=UTC)
    assert first.updated == datetime(2024, 3, 5, 10, 0, tzinfo=UTC) and first.summary == "A summary"
    assert second.published == datetime(2024, 3, 6, 7, 0, tzinfo=UTC)  # falls back to <updated>


def test_rss091_and_gzipped_feed() -> None:
    assert [e.title for e in read_feed(RSS091, "https://old.example.net/rss")] == ["Old story"]
    assert len(read_feed(gzip.compress(RSS2), BASE)) == 2


def test_malformed_feed_recovers_entries_or_fails_clearly() -> None:
    broken = RSS2.replace(b"</channel></rss>", b"<item><title>cut off")
    assert [e.url for e in read_feed(broken, BASE)][:1] == ["https://wire.example.net/2024/03/envoys-meet"]
    with pytest.raises(IngestError) as info:
        read_feed(b"<rss version='2.0'><channel><<<<", BASE)
    assert "malformed feed XML" in info.value.problem and info.value.input == BASE


def test_not_a_feed() -> None:
    for body, problem in [
        (b"<!DOCTYPE html><html><body><p>Home</p></body></html>", "not an RSS or Atom feed"),
        (b"  \n", "empty feed"),
        (b"just words, not markup", "not an RSS or Atom feed"),
    ]:
        with pytest.raises(IngestError) as info:
            read_feed(body, BASE)
        assert problem in info.value.problem


def test_feed_body_is_never_treated_as_a_file_name(tmp_path: Path) -> None:
    secret = tmp_path / "secret.xml"
    secret.write_bytes(RSS2)
    with pytest.raises(IngestError):
        read_feed(str(secret).encode(), BASE)  # feedparser would open() a bytes path


def test_entry_cap_and_empty_valid_feed() -> None:
    items = "".join(f"<item><link>https://wire.example.net/n/{i}</link></item>" for i in range(50))
    many = f"<rss version='2.0'><channel><title>t</title>{items}</channel></rss>".encode()
    assert len(read_feed(many, BASE, max_entries=10)) == 10
    assert read_feed(b"<rss version='2.0'><channel><title>quiet</title></channel></rss>", BASE) == []
