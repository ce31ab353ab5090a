"""parse_text_page on the founding example (read from ../shared at run time) and on pages we wrote."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from blocwatch.ingest import IngestError, article_id_for, parse_text_page
from blocwatch.records import Article

SEED = Path(__file__).resolve().parents[2] / ".." / "shared" / "seed" / "north-korea-brics.txt"


def spans(article: Article) -> dict[str, str]:
    return {s.heading: article.text[s.start : s.end] for s in article.sections}


def check_offsets(article: Article) -> None:
    """Sections are ordered, inside the text, and separated exactly by the paragraph separator."""
    for a, b in zip(article.sections, article.sections[1:], strict=False):
        assert a.end + 2 == b.start
        assert article.text[a.end : b.start] == "\n\n"
    for s in article.sections:
        assert 0 <= s.start < s.end <= len(article.text)


@pytest.mark.shared
def test_seed_page() -> None:
    if not SEED.is_file():
        pytest.skip(f"founding example not found at {SEED} (../shared is absent)")
    text = SEED.read_text(encoding="utf-8")
    article = parse_text_page(text, input_name=str(SEED))
    assert article.title == "North Korea Strengthens Ties with BRICS Amid Growing Relations with Russia"
    assert article.published == date(2024, 9, 25)
    assert article.source == "News and Analytics"
    assert [s.heading for s in article.sections] == [
        "A Closer Relationship with the BRICS",
        "Immense Challenges to Overcome",
        "Conclusion",
    ]
    for junk in ("Latest analytics", "Show more", "You may also like", "How BNY Mellon", "Phaver",
                 "News and Analytics", "Sep 25, 2024", "1. A Closer"):  # fmt: skip
        assert junk not in article.text
    assert article.title not in article.text
    for heading, span in spans(article).items():
        if heading != "Conclusion":
            assert span.startswith(heading + "\n\n")
    assert spans(article)["Conclusion"].startswith("North Korea’s willingness")
    conclusion = article.sections[-1]
    assert conclusion.end == len(article.text)
    # Pull-quote lines (a sentence glued to its attribution) stay verbatim for the quotes component;
    # they are found in the file at run time, so no text of the page is written here.
    glued = [line for line in text.splitlines() if re.search(r"[a-z]\.[A-Z][a-z]", line)]
    assert glued and all(line.strip() in article.text for line in glued)
    first_prose = next(line for line in text.splitlines() if len(line.split()) > 20)
    assert article.text.startswith(first_prose.strip())
    assert article.raw == text.encode("utf-8") and article.raw_type == "text"
    assert article.id == article_id_for(None, article.text) and article.id.startswith("a")
    check_offsets(article)


# A page of the same kind: cookie banner, header chrome, a four-entry contents list whose last two
# entries are never printed as headings, and a related-articles tail.
MERIDIAN = """We use cookies to improve your experience. By continuing you accept our cookie policy.
Skip to content
The Meridian Review
Foreign Affairs Desk

Share

Ministers Agree on a Framework for Arctic Shipping Lanes

Published: 3 March 2025

Contents
  1. How the Talks Began
  2. The Sticking Points
  3. What Changes for Shipping
  4. Outlook

Delegations from five coastal states met in Tromsø this week to settle how commercial \
vessels will use the new northern routes.

How the Talks Began

The first round opened on Monday with a dispute over the agenda, which took a full day to resolve.
Officials from two delegations said the mood improved once the agenda was agreed.

The Sticking Points

Fishing rights and environmental inspections dominated the second day of talks.

Insurers have said the rules will decide whether the routes are commercially viable at all.

The states agreed to review the framework every three years, with the first review due in 2028.

Advertisement

A joint secretariat will be set up in Reykjavik to keep the register of approved vessels.

Related articles

Arctic Council suspends two working groups...
New icebreaker fleet announced...
"""


def test_trailing_contents_entries_take_last_paragraphs() -> None:
    article = parse_text_page(MERIDIAN, input_name="meridian.txt")
    assert article.title == "Ministers Agree on a Framework for Arctic Shipping Lanes"
    assert article.published == date(2025, 3, 3)
    assert article.source == "The Meridian Review | Foreign Affairs Desk"
    headings = [s.heading for s in article.sections]
    # "What Changes for Shipping" and "Outlook" are not printed: the last two paragraphs of
    # "The Sticking Points" (which has four) become theirs, one each.
    assert headings == ["How the Talks Began", "The Sticking Points", "What Changes for Shipping", "Outlook"]
    s = spans(article)
    assert s["What Changes for Shipping"].startswith("The states agreed to review")
    assert s["Outlook"].startswith("A joint secretariat") and s["Outlook"].endswith("approved vessels.")
    assert s["The Sticking Points"].endswith("commercially viable at all.")
    # Hard-wrapped lines of one block stay one paragraph only when they are a continuation.
    assert "took a full day to resolve.\n\nOfficials from two" in article.text
    for junk in ("cookie", "Skip to content", "Share", "Contents", "Advertisement", "Related", "icebreaker",
                 "Published", "Meridian"):  # fmt: skip
        assert junk not in article.text
    check_offsets(article)


def test_unlisted_headings_byline_iso_date() -> None:
    page = """Harbour Post

By Ana Ruiz and Tom Field

Port Authority Signs Grain Deal With Three Neighbours
2023-02-14

The port authority signed an agreement on Tuesday that guarantees berths for grain carriers \
from three neighbouring countries.

Why it matters

Grain exports through the port have doubled since 2021, and berths have become the main \
bottleneck for traders.

Reaction, Criticism and Support

Farmers' unions welcomed the deal, while two shipping firms said it favoured large exporters over small ones.

You may also like

Port strike ends after nine days
Read more
"""
    article = parse_text_page(page)
    assert article.title == "Port Authority Signs Grain Deal With Three Neighbours"
    assert article.published == date(2023, 2, 14)
    assert article.authors == ["Ana Ruiz", "Tom Field"]
    assert article.source == "Harbour Post"
    assert [s.heading for s in article.sections] == ["Why it matters", "Reaction, Criticism and Support"]
    assert "Port strike" not in article.text and "Ana Ruiz" not in article.text
    assert article.text.endswith("over small ones.")
    check_offsets(article)


def test_date_with_time_and_teaser_tail_without_heading() -> None:
    page = """Lakeside Dispatch
Council Votes to Expand the Regional Trade Office
September 25, 2024 10:00

The regional council voted by a large majority to expand the trade office and to open two new branches abroad.

Opponents argued that the cost of the new branches had not been properly estimated before the vote.

Budget talks stall as deadline nears...
Mayor outlines plan for the old harbour...
Why the bridge repairs keep slipping...
"""
    article = parse_text_page(page)
    assert article.published == date(2024, 9, 25)
    assert article.title == "Council Votes to Expand the Regional Trade Office"
    assert article.sections == []
    assert article.text.endswith("before the vote.")
    assert "Budget talks" not in article.text


def test_date_before_title_and_teaser_line_in_prose_kept() -> None:
    page = """Northern Ledger
Wednesday, 5 June 2024

Border Talks Resume After a Year of Silence

Negotiators from both capitals returned to the table on Wednesday, a year after talks collapsed.

"We will see...", one delegate told reporters as she walked into the building.

The next session is scheduled for the autumn, officials confirmed later in the day.
"""
    article = parse_text_page(page)
    assert article.published == date(2024, 6, 5)
    assert article.title == "Border Talks Resume After a Year of Silence"
    assert article.source == "Northern Ledger"
    assert '"We will see...", one delegate' in article.text  # one ellipsis inside prose is not a teaser
    assert article.text.endswith("later in the day.")


def test_no_date_longest_header_line_is_title() -> None:
    page = """Eastern Wire
World

Parliament Approves New Sanctions Package Against Shipping Firms

Lawmakers approved the sanctions package late on Thursday after a debate that lasted more than ten hours.
"""
    article = parse_text_page(page)
    assert article.published is None
    assert article.title == "Parliament Approves New Sanctions Package Against Shipping Firms"
    assert article.source == "Eastern Wire | World"
    assert article.text.startswith("Lawmakers approved")


def test_furniture_in_the_middle_of_prose_is_not_a_cut() -> None:
    page = """Title of a Short Report on River Treaties

The treaty was signed in 1960 and has survived several wars between the two states involved.

Readers who want to read more about the treaty can find the full text in the national archives.

Both governments say they remain committed to it, despite recent tensions over new dams.
"""
    article = parse_text_page(page)
    assert article.text.endswith("over new dams.")
    assert article.title == "Title of a Short Report on River Treaties"


@pytest.mark.parametrize(
    "page",
    ["", "   \n\n  ", "Home\nMenu\nLatest news\nShare\n", "Site name\nA title\nJune 3, 2024\n"],
)
def test_pages_without_article_text_raise(page: str) -> None:
    with pytest.raises(IngestError) as info:
        parse_text_page(page, input_name="bad.txt")
    assert info.value.input == "bad.txt"
    assert "no article text" in info.value.problem
    assert str(info.value).startswith("bad.txt: no article text")
