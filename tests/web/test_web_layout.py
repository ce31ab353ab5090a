"""The pure text layout helpers: contents, body blocks, anchors and evidence marks."""

from __future__ import annotations

from blocwatch.web.layout import contents_and_body, link_parts, mark_parts, paragraph_spans, slugify


def test_slugify_folds_accents_and_punctuation() -> None:
    assert slugify("Talks in Valparaíso: Day 1!") == "talks-in-valparaiso-day-1"
    assert slugify("¿?") == "section"


def test_paragraph_spans_trim_whitespace() -> None:
    text = "  First one.\n\n\nSecond\nline.\n\n  "
    assert [text[s:e] for s, e in paragraph_spans(text)] == ["First one.", "Second\nline."]


def test_body_uses_heading_paragraphs_and_places_unlisted_headings() -> None:
    text = "Lead.\n\nPart A\n\nAlpha text.\n\nPart B\n\nBeta text.\n\nClosing text."
    sections = [
        {"heading": "Part A", "start": text.index("Part A"), "end": text.index("Part B") - 2},
        {"heading": "Part B", "start": text.index("Part B"), "end": text.index("Closing") - 2},
        # Its heading is not in the text: the section starts at its only paragraph.
        {"heading": "Closing", "start": text.index("Closing"), "end": len(text), "anchor": "end"},
    ]
    contents, body = contents_and_body(text, sections)
    assert contents == [
        {"number": 1, "heading": "Part A", "anchor": "part-a"},
        {"number": 2, "heading": "Part B", "anchor": "part-b"},
        {"number": 3, "heading": "Closing", "anchor": "end"},
    ]
    assert [(b["kind"], b["text"]) for b in body] == [
        ("paragraph", "Lead."),
        ("heading", "Part A"),
        ("paragraph", "Alpha text."),
        ("heading", "Part B"),
        ("paragraph", "Beta text."),
        ("heading", "Closing"),
        ("paragraph", "Closing text."),
    ]
    assert body[5]["anchor"] == "end"


def test_duplicate_headings_get_distinct_anchors_and_empty_sections_keep_a_target() -> None:
    text = "Notes\n\nOne.\n\nNotes\n\nTwo."
    second = text.index("Notes", 1)
    sections = [
        {"heading": "Notes", "start": 0, "end": second - 2},
        {"heading": "Notes", "start": second, "end": len(text)},
        {"heading": "Appendix", "start": len(text), "end": len(text)},
    ]
    contents, body = contents_and_body(text, sections)
    assert [c["anchor"] for c in contents] == ["notes", "notes-2", "appendix"]
    headings = [b["anchor"] for b in body if b["kind"] == "heading"]
    assert headings == ["notes", "notes-2", "appendix"]
    assert [b["text"] for b in body if b["kind"] == "paragraph"] == ["One.", "Two."]


def test_no_sections_means_paragraphs_only() -> None:
    contents, body = contents_and_body("A.\n\nB.", [])
    assert contents == []
    assert [b["kind"] for b in body] == ["paragraph", "paragraph"]


def test_mark_parts_prefers_whole_words_and_keeps_all_text() -> None:
    sentence = "The envoy commented, then met the minister."
    parts = mark_parts(sentence, ["met"])
    assert "".join(p["text"] for p in parts) == sentence
    assert [p["text"] for p in parts if p["mark"]] == ["met"]
    # Not the "met" inside "commented".
    assert parts[0]["text"] == "The envoy commented, then "


def test_mark_parts_falls_back_to_words_and_to_no_mark() -> None:
    sentence = "Leaders met on Monday with their counterparts."
    assert [p["text"] for p in mark_parts(sentence, ["met with"]) if p["mark"]] == ["met", "with"]
    assert mark_parts(sentence, []) == [{"text": sentence, "mark": False}]
    assert mark_parts(sentence, ["sanctioned"]) == [{"text": sentence, "mark": False}]
    assert mark_parts("", ["x"]) == [{"text": "", "mark": False}]


def test_link_parts_links_resolved_mentions_only() -> None:
    text = "Lead.\n\nNorway met Chile and the Nordic states."
    start = text.index("Norway")
    mentions = [
        {"start": start, "end": start + 6, "actor": "NOR"},
        {"start": text.index("Chile"), "end": text.index("Chile") + 5, "actor": "CHL"},
        # Overlaps Chile's span: skipped, not a nested link.
        {"start": text.index("Chile") + 2, "end": text.index("Chile") + 9, "actor": "XXX"},
        {"start": text.index("Nordic"), "end": text.index("Nordic") + 6, "actor": None},
        {"start": 0, "end": 4, "actor": "LEAD"},  # outside the paragraph
    ]
    parts = link_parts(text, start, len(text), mentions)
    assert "".join(p["text"] for p in parts) == text[start:]
    assert [(p["text"], p["actor"]) for p in parts if p["actor"]] == [("Norway", "NOR"), ("Chile", "CHL")]
    assert link_parts(text, 0, 5, []) == [{"text": "Lead.", "actor": None}]


def test_human_dates() -> None:
    from datetime import date

    from blocwatch.web.render import human_date

    assert human_date("2024-09-25") == "25 September 2024"
    assert human_date("2024-09-25T10:00:00+00:00") == "25 September 2024"
    assert human_date(date(2025, 3, 4)) == "4 March 2025"
    assert human_date("2024-08") == "August 2024"
    assert human_date("2024") == "2024"
    assert human_date("sometime") == "sometime"
    assert human_date(None) == ""
