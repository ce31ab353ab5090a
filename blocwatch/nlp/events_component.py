"""The spaCy component around :func:`blocwatch.nlp.events.extract_events`.

Kept apart from the event coder itself so the coder stays a plain function over a parsed Doc
(testable without building a pipeline) while the pipeline sees a registered component with
declared inputs and outputs.

The component also scores tone (blocwatch/nlp/tone.py) here, where the events are made, so no
extra pipeline pass is needed: each event's evidence sentence gets ``Event.tone`` and the whole
Doc gets ``doc._.tone`` (mean sentence tone), which ``analysis_of`` copies to ``Analysis.tone``.
Sentence scores are cached per sentence span, so an article's events and its own tone share them.
"""

from __future__ import annotations

from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from blocwatch.knowledge.discards import Discards, load_discards
from blocwatch.nlp.doc_text import text_of
from blocwatch.nlp.events import extract_events
from blocwatch.nlp.petrarch_verbs import VerbDictionary, load_verbs, merge
from blocwatch.nlp.tone import sentence_tone

if not Doc.has_extension("tone"):
    Doc.set_extension("tone", default=None)

__all__ = ["EventsComponent"]


class EventsComponent:
    """Reads mentions and actors, writes ``doc._.events`` (list[Event])."""

    def __init__(self) -> None:
        self.verbs_files: tuple[Path, ...] = ()
        self.discards_files: tuple[Path, ...] = ()
        self._verbs: tuple[tuple[Path, ...], VerbDictionary | None] = ((), None)

    @property
    def discards(self) -> Discards:
        """The discard phrases of ``discards_files`` (cached per file version)."""
        return load_discards(tuple(self.discards_files))

    @property
    def verbs(self) -> VerbDictionary | None:
        """The merged verb dictionaries of ``verbs_files`` (read on first use, and again
        whenever the pipeline sets other files); ``None`` without any."""
        files = tuple(self.verbs_files)
        if self._verbs[0] != files:
            book = merge([load_verbs(Path(f)) for f in files]) if files else None
            self._verbs = (files, book)
        return self._verbs[1]

    def __call__(self, doc: Doc) -> Doc:
        events = extract_events(
            doc,
            doc._.mentions or [],
            doc._.actors or {},
            published=doc._.published,
            article_id=doc._.article_id,
            verbs=self.verbs,
        )
        if self.discards_files:
            discards = self.discards
            if discards.discards_story(text_of(doc)):
                events = []
            else:
                events = [e for e in events if not discards.discards_sentence(e.evidence.sentence)]
        sentence_tones = {(s.start_char, s.end_char): sentence_tone(s.text) for s in doc.sents}
        for event in events:
            span = (event.evidence.start, event.evidence.end)
            known = sentence_tones.get(span)
            event.tone = known if known is not None else sentence_tone(event.evidence.sentence)
        text = text_of(doc)
        scored = [t for (start, end), t in sentence_tones.items() if text[start:end].strip()]
        doc._.tone = round(sum(scored) / len(scored), 3) if scored else None
        doc._.events = events
        return doc


@Language.factory(
    "blocwatch_events",
    requires=["doc._.mentions", "doc._.actors", "token.dep"],
    assigns=["doc._.events", "doc._.tone"],
)
def make_events_component(nlp: Language, name: str) -> EventsComponent:
    return EventsComponent()
