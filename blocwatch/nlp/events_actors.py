"""Which actor a token of the parse stands for: mentions, pronouns, "this bloc", agent nouns.

The event frames work on tokens; the lead's mention component works on character spans.  An
:class:`ActorIndex` joins the two once per document:

* every token inside a resolved mention maps to that mention's actor;
* a pronoun ("it", "its", "they", "he") maps to the most recent actor of a compatible kind seen
  in a *subject* position before it (subject preference is the classic cheap antecedent rule),
  falling back to the most recent compatible mention;
* a definite or demonstrative bloc noun ("this economic bloc", "the group", "the alliance") maps
  to the most recent bloc or IGO mention;
* a person mention heading a government noun ("Kim Jong-un's regime") stands for the person's
  state when that state is among the article's actors.

:meth:`ActorIndex.topic` gives the discourse topic at a token -- the latest subject actor -- used
to fill the implicit side of nominal events ("tensions with Beijing" in an article about
Pyongyang).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence

from spacy.tokens import Doc, Token

from blocwatch.records import Actor, Mention

__all__ = ["ActorIndex"]

_IT = {"it", "its", "itself"}
_PERSONAL = {"he", "him", "his", "himself", "she", "her", "hers", "herself"}
_PLURAL = {"they", "them", "their", "theirs", "themselves"}
_BLOC_NOUNS = {"bloc", "group", "grouping", "alliance", "organisation", "organization", "union",
               "coalition", "club", "body", "forum", "partnership", "association"}  # fmt: skip
_GOV_NOUNS = {"regime", "government", "administration", "cabinet", "leadership"}
_SUBJECT_DEPS = {"nsubj", "nsubjpass"}
_BLOC_KINDS = {"bloc", "igo"}


class ActorIndex:
    """Token -> actor id for one document."""

    def __init__(self, doc: Doc, mentions: Sequence[Mention], actors: Mapping[str, Actor]) -> None:
        self.doc = doc
        self.actors = actors
        self.by_token: dict[int, str] = {}
        self.mention_root: dict[int, int] = {}  # token index -> root token of its mention
        # (token index, actor id, in subject position) of every mention root, in text order.
        self._seen: list[tuple[int, str, bool]] = []
        for mention in sorted(mentions, key=lambda m: m.start):
            if not mention.actor:
                continue
            span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
            if span is None or len(span) == 0:
                continue
            for token in span:
                self.by_token[token.i] = mention.actor
                self.mention_root[token.i] = span.root.i
            self._seen.append((span.root.i, mention.actor, _in_subject(span.root)))
        # Second pass once every mention is indexed: "Kim Jong-un's regime" counts as the state.
        self._seen = [(i, self._regime(doc[i], a), subj) for i, a, subj in self._seen]
        self._positions = [i for i, _, _ in self._seen]

    def kind(self, actor_id: str) -> str:
        actor = self.actors.get(actor_id)
        return actor.kind if actor is not None else ""

    def actor_of(self, token: Token) -> str | None:
        """The actor ``token`` itself stands for (mention, pronoun or anaphoric bloc noun)."""
        actor_id = self.by_token.get(token.i)
        if actor_id is not None:
            return self._regime(token, actor_id)
        lower = token.lower_
        if token.pos_ == "PRON" or token.tag_ in {"PRP", "PRP$"}:
            if lower in _IT:
                return self._antecedent(token.i, lambda k: k != "person")
            if lower in _PERSONAL:
                return self._antecedent(token.i, lambda k: k == "person")
            if lower in _PLURAL:
                return self._antecedent(token.i, lambda k: True)
            return None
        if token.lemma_.lower() in _BLOC_NOUNS and any(
            c.dep_ == "det" and c.lower_ in {"this", "that", "the"} for c in token.children
        ):
            return self._latest(token.i, lambda k: k in _BLOC_KINDS, subject_only=False)
        return None

    def _regime(self, token: Token, actor_id: str) -> str:
        # "Kim Jong-un's regime": the person's mention modifies a government noun -> the state.
        actor = self.actors.get(actor_id)
        if actor is None or actor.kind != "person" or not actor.country:
            return actor_id
        root = self.doc[self.mention_root.get(token.i, token.i)]
        head = root.head
        if head.i != root.i and head.lemma_.lower() in _GOV_NOUNS and head.i not in self.by_token:
            if actor.country in self.actors:
                return actor.country
        return actor_id

    def _antecedent(self, before: int, kind_ok: object) -> str | None:
        found = self._latest(before, kind_ok, subject_only=True)
        return found if found is not None else self._latest(before, kind_ok, subject_only=False)

    def _latest(self, before: int, kind_ok: object, subject_only: bool) -> str | None:
        assert callable(kind_ok)
        stop = bisect_left(self._positions, before)
        for position in range(stop - 1, -1, -1):
            _, actor_id, subject = self._seen[position]
            if subject_only and not subject:
                continue
            if kind_ok(self.kind(actor_id)):
                return actor_id
        return None

    def topic(self, before: int, exclude: set[str] | None = None) -> str | None:
        """The latest actor in a subject position before token ``before`` (not in ``exclude``)."""
        exclude = exclude or set()
        stop = bisect_left(self._positions, before)
        for position in range(stop - 1, -1, -1):
            _, actor_id, subject = self._seen[position]
            if subject and actor_id not in exclude and self.kind(actor_id) != "igo":
                return actor_id
        return None

    def actors_in(self, start: int, end: int) -> list[tuple[int, str]]:
        """(root token, actor) of the mentions whose root lies in tokens [start, end)."""
        lo = bisect_left(self._positions, start)
        hi = bisect_left(self._positions, end)
        return [(i, a) for i, a, _ in self._seen[lo:hi]]


def _in_subject(token: Token) -> bool:
    """Whether a mention root is (part of) a clause subject: "North Korea('s alignment) seems"."""
    for _ in range(3):
        if token.dep_ in _SUBJECT_DEPS:
            return True
        if token.dep_ not in {"poss", "compound", "amod", "appos", "conj"} or token.head.i == token.i:
            return False
        token = token.head
    return False
