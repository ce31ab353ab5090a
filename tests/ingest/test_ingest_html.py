"""extract_html on pages we wrote: metadata, headings with offsets, charsets, failures."""

from __future__ import annotations

from datetime import date

import pytest
from ingest_pages import ARTICLE_HTML, LEGACY_HTML, NOT_AN_ARTICLE_HTML

from blocwatch.ingest import IngestError, article_id_for, extract_html
from blocwatch.ingest.body import Block, clean_blocks, is_boilerplate
from blocwatch.ingest.html import trusted_canonical


def test_metadata_and_sections() -> None:
    raw = ARTICLE_HTML.encode("utf-8")
    article = extract_html(raw, url="https://news.example.org/x?utm_source=feed", input_name="page.html")
    assert article.title == "Ministers meet in Geneva"
    assert article.published == date(2024, 3, 5)
    assert article.authors == ["Ann Lee"]
    assert article.language == "en"
    # rel=canonical wins over og:url (a short share link here).
    assert article.canonical_url == "https://news.example.org/2024/03/ministers-meet-geneva"
    assert article.url == "https://news.example.org/x?utm_source=feed"
    assert article.source == "Example News"
    assert article.id == article_id_for(article.canonical_url, article.text)
    assert article.raw == raw and article.raw_type == "html" and article.input_name == "page.html"
    assert article.text.startswith("The foreign ministers of three countries")
    assert "Ministers meet in Geneva" not in article.text  # the headline is the title, not body
    for junk in ("Home", "Related", "Other story", "Copyright"):
        assert junk not in article.text
    assert [s.heading for s in article.sections] == ["A difficult start", "What comes next"]
    first, second = article.sections
    assert article.text[first.start : first.end].startswith("A difficult start\n\nThe talks began")
    assert article.text[first.start : first.end].endswith("adopted by all sides.")
    assert first.end + 2 == second.start and second.end == len(article.text)
    assert article.text[second.start : second.end].endswith("after the meeting ended.")
    # Wrapped source lines become single spaces.
    assert "ceasefire plan that has been" in article.text


def test_legacy_charset_detected_without_declaration() -> None:
    article = extract_html(LEGACY_HTML.encode("cp1252"), input_name="legacy.html")
    assert article.title == "Café talks in Genève"
    assert "met in a café near the lake in Genève" in article.text
    assert "“informal channel”" in article.text
    assert article.language == "fr"
    assert article.canonical_url == "https://legacy.example.net/cafe-talks"
    assert article.published == date(2022, 1, 12)


def test_http_charset_beats_wrong_meta() -> None:
    page = ARTICLE_HTML.replace("Geneva on Tuesday", "Genève on Tuesday")
    wrong_meta = page.replace('<meta charset="utf-8">', '<meta charset="koi8-r">').encode("utf-8")
    article = extract_html(wrong_meta, charset="utf-8")
    assert "Genève on Tuesday" in article.text


def test_meta_charset_is_trusted() -> None:
    page = ARTICLE_HTML.replace('charset="utf-8"', 'charset="iso-8859-1"').replace("Geneva on", "Genève on")
    article = extract_html(page.encode("cp1252"))
    assert "Genève on Tuesday" in article.text


def test_page_without_article_raises_with_raw() -> None:
    raw = NOT_AN_ARTICLE_HTML.encode()
    with pytest.raises(IngestError) as info:
        extract_html(raw, input_name="login.html")
    assert info.value.input == "login.html" and info.value.raw == raw
    assert "no article text" in info.value.problem


# A page with the furniture trafilatura tends to let through around an article (our own text).
CLUTTERED_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Port deal signed after long talks</title>
<meta property="og:title" content="Port deal signed after long talks"></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article>
<h1>Port deal signed after long talks</h1>
<h2>The agreement ends two years of disputes over fees and berths at the northern harbour</h2>
<p>Officials from both coastal states signed the port agreement on Friday, ending a dispute over
fees that had delayed shipping for two years, according to the harbour authority.</p>
<p>Read more: Harbour fees rise again as ships wait outside the port</p>
<p>The deal sets a single fee schedule and shares berths between the two national fleets, a
spokeswoman said, adding that <a href="/annex">the annex</a> lists the berths by season.</p>
<p>Advertisement</p>
<h2>Reaction in the region</h2>
<p>Fishing cooperatives welcomed the agreement but asked for a review after one year, saying that
smaller boats should not pay the same fees as container ships.</p>
<p>Critics who had urged readers to read more about the fee history said the review clause was
too weak to protect the smallest operators.</p>
<p>Subscribe to our newsletter for the latest regional news.</p>
<ul>
<li><a href="/s1">Ferry strike called off after the union accepted a wage offer from the operator
late on Thursday night</a></li>
<li><a href="/s2">New lighthouse opens on the southern cape after a restoration that took three
years and cost millions</a></li>
<li><a href="/s3">Fish prices fall for the third week in a row at the market as the catch grows
with the warmer weather</a></li>
</ul>
</article>
<footer>Copyright 2024 Harbour Times</footer>
</body></html>"""


def test_cleaning_rules_on_a_cluttered_page() -> None:
    article = extract_html(CLUTTERED_HTML.encode(), url="https://harbour.example.com/port-deal")
    text = article.text
    assert article.title == "Port deal signed after long talks"
    assert text.startswith("Officials from both coastal states")  # no headline, no standfirst
    assert "ends two years of disputes" not in text  # the standfirst (deck) is not body
    for junk in ("Read more:", "Advertisement", "Subscribe to our newsletter", "Ferry strike", "Fish prices"):
        assert junk not in text, junk
    # A link inside a paragraph and "read more" inside a sentence are content.
    assert "adding that the annex lists the berths by season." in text
    assert "urged readers to read more about the fee history" in text
    assert text.endswith("too weak to protect the smallest operators.")
    assert [s.heading for s in article.sections] == ["Reaction in the region"]
    section = article.sections[0]
    assert text[section.start : section.end].startswith("Reaction in the region\n\nFishing cooperatives")
    assert section.end == len(text)


def test_clean_blocks_rules() -> None:
    blocks = [
        Block("Port deal signed", "head"),  # the headline again
        Block("The agreement ends two years of disputes over fees and berths", "head"),  # standfirst
        Block("Short kicker", "head"),  # a short heading before the body is kept
        Block("Officials signed the agreement on Friday after long talks.", "p"),
        Block("___", "p"),  # a separator
        Block("[Related: Harbour fees rise again]", "p"),
        Block("A long heading after the body started is a real section heading", "head"),
        Block("The deal sets a single fee schedule.", "p", link_share=0.2),
        Block("Ferry strike called off", "item", link_share=1.0),
        Block("Lighthouse opens", "item", link_share=0.7),
    ]
    kept = [b.text for b in clean_blocks(blocks, "Port deal signed")]
    assert kept == [
        "Short kicker",
        "Officials signed the agreement on Friday after long talks.",
        "A long heading after the body started is a real section heading",
        "The deal sets a single fee schedule.",
    ]
    # Without a title nothing is taken for the headline; a link-heavy block mid-body stays.
    middle = [Block("Intro paragraph.", "p"), Block("See the map", "p", 1.0), Block("End.", "p")]
    assert [b.text for b in clean_blocks(middle)] == ["Intro paragraph.", "See the map", "End."]


@pytest.mark.parametrize(
    ("line", "furniture"),
    [
        ("Read more: Harbour fees rise again", True),
        ("READ MORE: Ferry strike called off", True),
        ("(Leggi anche: il porto riapre)", True),
        ("Copyright © 2024 Harbour Times. All rights reserved.", True),
        ("© Reuters", True),
        ("Comments", True),
        ("Advertisement", True),
        ("You may also like...", True),
        ("Sign up for our daily briefing", True),
        ("Related coverage", True),
        ("Related talks will be held in Vienna next month, the ministry said.", False),
        ("Readers can read more about the fee history in the annex.", False),
        ("Comments made by the minister on Friday angered fishermen.", False),
        ("Sign up for a free account to use the harbour booking service.", False),
        # A long paragraph is content even when it opens like furniture.
        ("Subscribe " + "and the harbour authority will send the fee schedule every week " * 4, False),
    ],
)
def test_is_boilerplate(line: str, furniture: bool) -> None:
    assert is_boilerplate(line) is furniture


def test_short_article_survives_the_second_opinion() -> None:
    # Below MIN_TEXT_CHARS the full trafilatura cascade has the last word: it must keep a real
    # one-paragraph notice (and, in test_page_without_article_raises_with_raw, reject chrome).
    page = (
        "<html><head><title>Note</title></head><body><div><p>The harbour office is closed on "
        "Monday for the public holiday and opens again on Tuesday morning.</p></div></body></html>"
    )
    article = extract_html(page.encode())
    assert article.text == (
        "The harbour office is closed on Monday for the public holiday and opens again on Tuesday morning."
    )


def test_modification_date_when_the_page_states_one() -> None:
    page = (
        "<html><head><title>Chile and Peru settle a fisheries dispute</title>"
        "<meta property='article:published_time' content='2025-04-02T08:00:00Z'>"
        "<meta property='article:modified_time' content='2025-04-05T10:30:00Z'></head><body><article>"
        "<h1>Chile and Peru settle a fisheries dispute</h1>"
        "<p>Chile and Peru agreed on Wednesday to share the anchovy catch off their coasts, ending a "
        "dispute that had strained relations between the two governments for a decade.</p>"
        "<p>The agreement, signed in Lima, sets yearly quotas and a joint scientific commission.</p>"
        "</article></body></html>"
    )
    article = extract_html(page.encode(), url="https://news.example.org/fisheries")
    assert article.published == date(2025, 4, 2)
    assert article.modified == date(2025, 4, 5)
    unchanged = page.replace("<meta property='article:modified_time' content='2025-04-05T10:30:00Z'>", "")
    assert extract_html(unchanged.encode(), url="https://news.example.org/f2").modified is None


@pytest.mark.parametrize(
    ("declared", "fetched", "expected"),
    [
        ("/2024/talks", "https://news.example.org/x", "https://news.example.org/2024/talks"),
        ("https://www.example.org/a", "https://example.org/b", "https://www.example.org/a"),
        ("https://other.example.com/a", "https://news.example.org/x", None),  # another site
        ("data:text/html,<p>x</p>", "https://news.example.org/x", None),
        ("javascript:alert(1)", None, None),
        ("https://news.example.org/a", None, "https://news.example.org/a"),  # a file: as declared
    ],
)
def test_only_a_canonical_url_the_page_may_claim_is_taken(
    declared: str, fetched: str | None, expected: str | None
) -> None:
    assert trusted_canonical(declared, fetched) == expected


def test_a_malformed_canonical_url_is_no_canonical_url() -> None:
    """Found by the HTML fuzzer: urlsplit raises on an unclosed IPv6 host; the page still reads."""
    from blocwatch.ingest.html import extract_html

    assert trusted_canonical("https://[::1", None) is None
    assert trusted_canonical("https://[::1", "https://news.example.org/a") is None
    page = b'<p>Ministers met.</p><link rel="canonical" href="https://[::1">'
    article = extract_html(page, input_name="page.html")
    assert article.canonical_url is None
