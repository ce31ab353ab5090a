"""extract_html on pages we wrote: metadata, headings with offsets, charsets, failures."""

from __future__ import annotations

from datetime import date

import pytest
from ingest_pages import ARTICLE_HTML, LEGACY_HTML, NOT_AN_ARTICLE_HTML

from blocwatch.ingest import IngestError, article_id_for, extract_html


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
