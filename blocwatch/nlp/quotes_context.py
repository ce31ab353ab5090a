"""What the quote readers share: the reporting verbs, the article context and speaker spans.

:class:`Context` holds one document's text, sentences and resolved mentions, and builds
:class:`~blocwatch.records.Quote` records with their evidence; :func:`subject_span` finds who
speaks through a reporting verb.  The readers live in :mod:`blocwatch.nlp.quotes` (pull and
direct quotes) and :mod:`blocwatch.nlp.quotes_reported` (indirect attributions).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

from spacy.tokens import Doc, Token

from blocwatch.nlp.doc_text import text_of
from blocwatch.records import Actor, Evidence, Mention, Quote

__all__ = ["PRONOUNS", "REPORTING_VERBS", "Context", "compact", "paragraphs", "subject_span", "tokens_span"]

REPORTING_VERBS = frozenset(
    """say tell add state warn note explain insist argue ask declare write claim believe think
    announce stress emphasise emphasize suggest acknowledge admit assert contend report reply
    respond urge predict caution confirm deny maintain observe remark point recall reiterate
    estimate expect fear hope conclude describe mention continue tweet quip joke concede complain
    testify boast vow exclaim shout yell whisper recount answer retort counter lament allege
    demand pledge promise indicate""".split()
)
PRONOUNS = {"he", "she", "they", "him", "her", "them"}


def paragraphs(text: str) -> list[tuple[int, int]]:
    """The spans of the text's paragraphs (blocks between blank lines)."""
    out, pos = [], 0
    for part in re.split(r"(\n\s*\n)", text):
        if part.strip() and not re.fullmatch(r"\n\s*\n", part):
            out.append((pos, pos + len(part)))
        pos += len(part)
    return out


def sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    return [(s.start_char, s.end_char) for s in doc.sents]


class Context:
    def __init__(self, doc: Doc, mentions: Sequence[Mention], actors: dict[str, Actor]) -> None:
        self.doc = doc
        # Doc.text joins every token on each access; quotes read slices of it thousands of times.
        self.text = text_of(doc)
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.starts = [m.start for m in self.mentions]
        self.actors = actors
        self.sentences = sentence_bounds(doc)
        self.sent_starts = [s for s, _ in self.sentences]
        self.claimed: list[tuple[int, int]] = []

    def mention_at(self, start: int, end: int) -> Mention | None:
        for m in self.mentions:
            if m.start < end and start < m.end and m.actor:
                return m
        return None

    def last_person_before(self, offset: int) -> Mention | None:
        i = bisect_right(self.starts, offset)
        for m in reversed(self.mentions[:i]):
            if m.actor and self.actors.get(m.actor) and self.actors[m.actor].kind == "person":
                return m
        return None

    def evidence(self, offset: int) -> Evidence:
        i = max(0, bisect_right(self.sent_starts, offset) - 1)
        start, end = self.sentences[i] if self.sentences else (0, len(self.text))
        return Evidence(
            sentence=self.text[start:end],
            start=start,
            end=end,
            article_id=self.doc._.article_id,
            sentence_index=i,
        )

    def is_claimed(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in self.claimed)

    def affiliation(self, mention: Mention | None) -> str | None:
        """The org a speaker is "of", else their actor's country."""
        if mention is None:
            return None
        tail = self.text[mention.end : mention.end + 6]
        if re.match(r"\s+of\s", tail):
            nxt = self.mention_at(mention.end + 1, mention.end + 80)
            if nxt and nxt.actor and nxt.actor != mention.actor:
                return nxt.actor
        actor = self.actors.get(mention.actor or "")
        if actor is not None and actor.country:
            return actor.country
        return None

    def quote(
        self, speaker_span: tuple[int, int] | None, start: int, end: int, direct: bool, cue: str,
        pieces: Sequence[tuple[int, int]] = (),
    ) -> Quote | None:
        """A quote of ``text[start:end]``; ``pieces`` are the quoted parts when the attribution
        splits the statement ("A," she said. "B"): the content joins them, the span covers all."""
        content = self.text[start:end]
        lead = len(content) - len(content.lstrip())
        # A quote cut off before its attribution keeps the comma in the marks: it is not content.
        content = content.strip().rstrip(",;:").rstrip()
        start += lead
        end = start + len(content)
        if not pieces and content[:1] in "“\"" and opens_quotation(self.text, start + 1, end):
            # Reported words whose parse took in the opening mark ('“shall not be infringed”'):
            # the content is what the marks hold, not the mark.
            start, content = start + 1, content[1:].lstrip()
            start = end - len(content)
        parts: tuple[tuple[int, int], ...] = ()
        if len(pieces) > 1:
            parts = tuple(self._trimmed(s, e) for s, e in pieces)
            content = " ".join(self.text[s:e] for s, e in parts)
        if len(content.split()) < 3 or self.is_claimed(start, end):
            return None
        direct = direct or opens_quotation(self.text, start, end)
        speaker, mention = "", None
        if speaker_span is not None:
            speaker = self.text[speaker_span[0] : speaker_span[1]].strip()
            mention = self.mention_at(*speaker_span)
            if mention is None and speaker.lower() in PRONOUNS:
                # "'..., I love Larry,' he said": he is someone named before the quote, not in it.
                mention = self.last_person_before(min(speaker_span[0], start))
        self.claimed.append((start, end))
        return Quote(
            speaker=(speaker if mention is None or speaker.lower() not in PRONOUNS else mention.text),
            content=content,
            start=start,
            end=end,
            direct=direct,
            cue=cue,
            speaker_actor=mention.actor if mention else None,
            affiliation=self.affiliation(mention),
            evidence=self.evidence(start),
            speaker_span=speaker_span,
            parts=parts,
        )

    def _trimmed(self, start: int, end: int) -> tuple[int, int]:
        """One quoted part without its edge spaces and the comma kept inside the marks."""
        piece = self.text[start:end]
        lead = len(piece) - len(piece.lstrip())
        return start + lead, start + lead + len(piece.strip().rstrip(",;:").rstrip())



_OPENING = re.compile(r"(?:^|[\s(\[—–-])(?:“|\"|'')\s*$")
_CLOSING = ("”", '"', "''")


def opens_quotation(text: str, start: int, end: int) -> bool:
    """Reported words that open inside quotation marks closed within them ('she said “we faced
    hard times together”', 'he called it “a disgrace” to the city'): the words are the
    speaker's own, a direct quote, even when the reporter's narration goes on after the marks."""
    if not _OPENING.search(text, max(0, start - 4), start):
        return False
    if re.search(r"\bthat\s*(?:“|\"|'')\s*$", text[max(0, start - 10) : start]):
        return False  # 'said that “...”': a report that quotes its words, not a direct quote
    return any(mark in text[start : min(len(text), end + 2)] for mark in _CLOSING)


_RELATIVE = {"who", "that", "which", "whom"}


def subject_span(verb: Token) -> tuple[int, int] | None:
    """The span of the one who speaks through ``verb``.

    A relative pronoun ("Trump, who said ...") stands for the noun the clause hangs on; a
    participle without a subject (", adding ...") speaks with its governing verb's subject.
    """
    for _ in range(4):
        # The parser may take a place before the clause for a second subject ("In Berea, OH,
        # after winning, Gov. John Kasich said"): the subject nearest the verb is its own.
        subjects = sorted((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}),
                          key=lambda c: (c.i > verb.i, abs(c.i - verb.i)))
        if subjects:
            child = subjects[0]
            if child.lower_ in _RELATIVE and verb.dep_ == "relcl":
                return compact(verb.head)
            tokens = list(child.subtree)
            return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
        if verb.dep_ in {"advcl", "xcomp", "conj"} and verb.head is not verb:
            verb = verb.head
            continue
        if verb.dep_ == "advmod" and verb.pos_ == "ADV" and verb.head.pos_ in {"VERB", "AUX"}:
            verb = verb.head  # "X went so far as to say": say -> far -> went
            continue
        if verb.dep_ == "pcomp" and verb.head.dep_ == "prep":
            verb = verb.head.head  # "she began by saying ...": the one who began says it
            continue
        break
    return None


def compact(noun: Token) -> tuple[int, int]:
    """A noun with its left modifiers only ("Sen. Claire McCaskill"), not its relative clause."""
    left = min([t.idx for t in noun.lefts if t.dep_ in {"compound", "amod", "det", "poss"}] or [noun.idx])
    return left, noun.idx + len(noun.text)



def tokens_span(tokens: Sequence[Token]) -> tuple[int, int]:
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
