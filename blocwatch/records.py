"""The records that flow through blocwatch.

An :class:`Article` comes out of ``ingest``; ``nlp`` adds :class:`Mention`, :class:`Quote` and
:class:`Event` records that point back into the article's ``text`` by character offsets; ``store``
persists all of them; ``analytics`` and ``web`` read them back.  Every fact carries an
:class:`Evidence` (article id, sentence index, sentence character span) so any number shown on
the site can be traced to the words it came from.

The records are plain dataclasses: cheap to build in the hot path of the NLP pipeline and easy
to turn into the JSON of the ``analyze`` contract with :func:`to_json`.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

__all__ = [
    "Actor",
    "Analysis",
    "AnalysisFailure",
    "Article",
    "Event",
    "Evidence",
    "Mention",
    "Quote",
    "Section",
    "content_hash",
    "to_json",
]


def content_hash(text: str) -> str:
    """A stable hash of an article body, whitespace-normalised, used to spot exact re-ingests."""
    normal = " ".join(text.split()).casefold()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


@dataclass(slots=True)
class Section:
    """A headed part of an article body; ``start``/``end`` index ``Article.text``."""

    heading: str
    start: int
    end: int


@dataclass(slots=True)
class Evidence:
    """Where a fact was read: the sentence of an article and its character span in ``text``."""

    sentence: str
    start: int
    end: int
    article_id: str | None = None
    sentence_index: int | None = None


@dataclass(slots=True)
class Actor:
    """An entry of the knowledge base: a state, bloc, organisation or person.

    ``id`` is ISO 3166-1 alpha-3 for states (``PRK``), a short upper-case code for blocs and IGOs
    (``BRICS``, ``UN``) and ``person:<slug>`` / ``org:<slug>`` for the rest.  ``country`` is the
    ISO3 code the actor belongs to ("" for international actors), ``sector`` a CAMEO/PLOVER agent
    code, ``cameo`` the CAMEO actor code.
    """

    id: str
    name: str
    kind: str  # state | bloc | igo | organisation | person | group
    country: str = ""
    sector: str = ""
    role: str = ""
    cameo: str = ""
    members: tuple[str, ...] = ()  # blocs and IGOs: member ids on the article's date

    def contract(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "country": self.country,
            "sector": self.sector,
            "role": self.role,
            "cameo": self.cameo,
        }
        if self.members:
            out["members"] = list(self.members)
        return out


@dataclass(slots=True)
class Mention:
    """A span of the text that names an actor (``actor`` is its id, or ``None`` if unresolved)."""

    text: str
    start: int
    end: int
    label: str  # spaCy-style entity label: GPE, ORG, PERSON, NORP, LOC, FAC
    actor: str | None = None
    sentence_index: int | None = None


@dataclass(slots=True)
class Quote:
    """Something an actor said, directly (in quotation marks) or reported."""

    speaker: str
    content: str
    start: int  # span of the content in the text
    end: int
    direct: bool
    cue: str
    speaker_actor: str | None = None
    affiliation: str | None = None
    evidence: Evidence | None = None
    speaker_span: tuple[int, int] | None = None  # where the speaker is named (or the pronoun), if in text
    # The quoted parts when an attribution splits the content ('"A," she said. "B"'): the
    # content is their union, not the whole start..end span (which holds the attribution too).
    parts: tuple[tuple[int, int], ...] = ()

    def contract(self) -> dict[str, Any]:
        return {
            "speaker": self.speaker,
            "speaker_actor": self.speaker_actor,
            "affiliation": self.affiliation,
            "content": self.content,
            "start": self.start,
            "end": self.end,
            "direct": self.direct,
            "cue": self.cue,
        }


@dataclass(slots=True)
class Event:
    """Who did what to whom: a PLOVER event type with its CAMEO code and Goldstein intensity."""

    source: str | None
    target: str | None
    plover: str
    cameo: str
    quad_class: int  # 1 verbal coop, 2 material coop, 3 verbal conflict, 4 material conflict
    intensity: float
    evidence: Evidence
    source_cameo: str = ""
    target_cameo: str = ""
    negated: bool = False
    hypothetical: bool = False
    date: str | None = None
    location: str | None = None
    trigger: str = ""
    tone: float | None = None  # tone of the evidence sentence in [-10, 10] (blocwatch.nlp.tone)

    def contract(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "target": self.target,
            "source_cameo": self.source_cameo,
            "target_cameo": self.target_cameo,
            "plover": self.plover,
            "cameo": self.cameo,
            "quad_class": self.quad_class,
            "intensity": self.intensity,
            "negated": self.negated,
            "hypothetical": self.hypothetical,
            "date": self.date,
            "location": self.location,
            "tone": self.tone,
            "evidence": {
                "sentence": self.evidence.sentence,
                "start": self.evidence.start,
                "end": self.evidence.end,
            },
        }


@dataclass(slots=True)
class Article:
    """One news article, extracted; ``raw`` keeps the input bytes for re-processing."""

    id: str
    text: str
    title: str = ""
    url: str | None = None
    canonical_url: str | None = None
    source: str | None = None
    published: date | None = None
    modified: date | None = None  # the page's last modification date, when it states one
    authors: list[str] = field(default_factory=list)
    language: str | None = None
    sections: list[Section] = field(default_factory=list)
    raw: bytes | None = None
    raw_type: str | None = None  # html | text | json
    input_name: str | None = None  # the path or URL it was read from, for error messages

    @property
    def content_hash(self) -> str:
        return content_hash(self.text)


@dataclass(slots=True)
class Analysis:
    """What the NLP pipeline found in one article."""

    article: Article
    mentions: list[Mention] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    sentences: list[tuple[int, int]] = field(default_factory=list)
    tone: float | None = None  # the article's tone in [-10, 10] (blocwatch.nlp.tone)

    def contract(self) -> dict[str, Any]:
        """The JSON line of ``blocwatch analyze`` (the stable machine contract)."""
        a = self.article
        return {
            "id": a.id,
            "title": a.title,
            "date": a.published.isoformat() if a.published else None,
            "sections": [{"heading": s.heading, "start": s.start, "end": s.end} for s in a.sections],
            "mentions": [
                {"text": m.text, "start": m.start, "end": m.end, "label": m.label, "actor": m.actor}
                for m in self.mentions
            ],
            "actors": [actor.contract() for actor in self.actors],
            "quotes": [q.contract() for q in self.quotes],
            "events": [e.contract() for e in self.events],
            "tone": self.tone,
        }


def to_json(record: Any) -> Any:
    """Turn a record (or list of records) into JSON-ready data."""
    if isinstance(record, list):
        return [to_json(r) for r in record]
    if hasattr(record, "contract"):
        return record.contract()
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        out = {}
        for f in dataclasses.fields(record):
            value = getattr(record, f.name)
            if isinstance(value, bytes):
                continue
            if isinstance(value, date):
                value = value.isoformat()
            out[f.name] = to_json(value) if isinstance(value, list) else value
        return out
    return record


@dataclass(slots=True)
class AnalysisFailure:
    """An article the pipeline could not analyse, and why (``Pipeline.analyze_each`` yields it
    in the article's place so one article's failure does not end a run)."""

    article: Article
    problem: str
