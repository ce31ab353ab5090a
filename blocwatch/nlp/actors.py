"""Actor mentions: find every span naming an actor and resolve it against the knowledge base.

Candidates come from two places, merged longest-first so that "the Korean Institute for National
Unification" wins over the demonym "Korean" inside it:

1. a gazetteer (spaCy ``PhraseMatcher`` on exact token text) built once per knowledge base from
   every name, alias, demonym and metonym ("Pyongyang", "the Kremlin");
2. the model's named entities (PERSON, ORG, GPE, NORP, LOC, FAC), which catch people and
   organisations the knowledge base does not know.

Resolution, in order: the knowledge base (dated, so a name holds the role it had on the article's
publication date); a surname or short form of a person already named in the article ("Kim" after
"Kim Jong-un"); a titled surname borne by exactly one person of the knowledge base ("President
Obama"); a bare surname borne by exactly one person in office on the article's date and not also
an everyday word, place or given name ("Putin said"); otherwise a *discovered* actor
(``person:<slug>`` / ``org:<slug>``) whose affiliation and country come from its context: "X of
<org>", "<state>'s <title> X", "<demonym> <title> X" (titles in lower case too: "South African
leader X"), "X, <state>'s <title>", "X, the <title> of <state>".
A discovered organisation whose name's head holds a state or demonym ("British Defence", "Kenya
Anti-Corruption Commission") gets that state as its country.  Mentions that resolve to nothing
keep ``actor=None`` so they can be reviewed; they are never dropped silently.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import replace
from datetime import date

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from blocwatch.knowledge import Entry, KnowledgeBase
from blocwatch.records import Actor, Mention

__all__ = ["ActorsComponent", "find_mentions", "slug"]

_NER_LABELS = {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"}
_HOW_LABEL = {"demonym": "NORP"}
_KIND_LABEL = {
    "state": "GPE",
    "territory": "GPE",
    "bloc": "ORG",
    "igo": "ORG",
    "organisation": "ORG",
    "group": "ORG",
    "person": "PERSON",
}
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_TITLE_WORDS = re.compile(
    r"\b(President|Prime Minister|Premier|Chancellor|Minister|Secretary|Leader|Ambassador|"
    r"Spokesperson|Spokesman|Spokeswoman|Chairman|Chair|General|Envoy|King|Queen|Emir|Director|"
    r"Governor|Senator|Commander|Negotiator|Mediator|Diplomat|Official|Mayor|Speaker|Sultan|"
    r"Sheikh|Prince|Crown Prince)\b"
)
# News writes titles in lower case before a name and in appositions ("South African leader X",
# "X, the foreign minister of Chile"); these are the lower-case forms that are titles there.
_LOWER_TITLES = re.compile(
    r"\b(president|prime minister|premier|chancellor|minister|secretary|leader|ambassador|"
    r"spokesperson|spokesman|spokeswoman|chairman|envoy|king|queen|emir|governor|senator|"
    r"commander|negotiator|mediator|diplomat|official|mayor|speaker)\b"
)
_OF_OWNER = re.compile(r"\bof\s+(?:the\s+)?([A-Z][^,;]*)$")


def slug(text: str) -> str:
    """ASCII slug for discovered actor ids: "Cho Han-bum" -> "cho-han-bum"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def clean_name(text: str) -> str:
    text = _POSSESSIVE.sub("", text.strip())
    return re.sub(r"^(?:the|The)\s+", "", text).strip(" ,.;:")


class _Gazetteer:
    """Surface forms of the knowledge base, matched on exact token text."""

    def __init__(self, nlp: Language, kb: KnowledgeBase) -> None:
        self.matcher = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.forms: dict[str, list[tuple[str, str]]] = {}
        for form, actor_id, how in kb.surface_forms():
            variants = {form}
            if form.startswith("the "):
                variants.add("The " + form[4:])
                variants.add(form[4:])
            for variant in variants:
                if len(variant) < 2 or variant.islower():
                    # Lower-case forms ("police") are agents, handled by resolution, not names.
                    continue
                self.forms.setdefault(variant, []).append((actor_id, how))
        # make_doc tokenises exactly as the pipeline will, so patterns align with the text.
        patterns = [nlp.make_doc(form) for form in self.forms]
        for pattern in patterns:
            self.matcher.add(pattern.text, [pattern])

    def spans(self, doc: Doc) -> list[tuple[Span, str, str]]:
        found = []
        for match_id, start, end in self.matcher(doc):
            span = doc[start:end]
            key = doc.vocab.strings[match_id]
            for actor_id, how in self.forms.get(key, [])[:1]:
                found.append((span, actor_id, how))
        return found


def _longest_first(cands: list[tuple[Span, str | None, str]]) -> list[tuple[Span, str | None, str]]:
    """Keep non-overlapping candidates, preferring longer spans and then gazetteer hits."""
    ordered = sorted(cands, key=lambda c: (-(c[0].end - c[0].start), c[1] is None, c[0].start))
    taken: set[int] = set()
    kept = []
    for cand in ordered:
        span = cand[0]
        if any(i in taken for i in range(span.start, span.end)):
            continue
        taken.update(range(span.start, span.end))
        kept.append(cand)
    return sorted(kept, key=lambda c: c[0].start)


class _ArticleActors:
    """The actors named so far in one article, for surnames and discovered people."""

    def __init__(
        self, kb: KnowledgeBase, published: date | None,
        cache: dict[tuple[str, date | None], Actor | None] | None = None,
    ) -> None:
        self.kb = kb
        self.published = published
        self.actors: dict[str, Actor] = {}
        self.persons_by_token: dict[str, str] = {}
        self.cache = cache if cache is not None else {}

    def lookup(self, name: str) -> Actor | None:
        """``kb.lookup`` memoised across articles: names recur, and a miss costs a fuzzy search."""
        key = (name, self.published)
        if key not in self.cache:
            if len(self.cache) > 100_000:
                self.cache.clear()
            self.cache[key] = self.kb.lookup(name, self.published)
        return self.cache[key]

    def note(self, actor: Actor) -> None:
        if actor.id not in self.actors:
            self.actors[actor.id] = actor
        if actor.kind == "person":
            for part in re.split(r"[\s-]+", actor.name):
                if len(part) > 2 and part[0].isupper():
                    self.persons_by_token.setdefault(part, actor.id)

    def entry_actor(self, entry: Entry) -> Actor:
        return entry.actor(self.published)


def _context_affiliation(span: Span, mentions_at: dict[int, Actor]) -> Actor | None:
    """The organisation or state a person is tied to by "of X" or an apposition."""
    doc = span.doc
    nxt = span.end
    if nxt < len(doc) and doc[nxt].lower_ == "of":
        for i in range(nxt + 1, min(nxt + 4, len(doc))):
            if i in mentions_at:
                return mentions_at[i]
    return None


def _title_in(text: str) -> re.Match[str] | None:
    return _TITLE_WORDS.search(text) or _LOWER_TITLES.search(text)


def _title_near(span: Span) -> str:
    """A title just before ("Foreign Minister X") or in an apposition after ("X, the President")."""
    doc = span.doc
    before = doc[max(0, span.start - 4) : span.start].text
    match = _title_in(before)
    if match:
        return before[match.start() :].strip()
    after = doc[span.end : min(len(doc), span.end + 7)].text
    match = re.match(r"\s*,\s*((?:a|an|the)\s+)?([^,.;]{3,60})", after)
    if match and (_title_in(match.group(2)) or match.group(1)):
        return match.group(2).strip()
    return ""


_STATES = {"state", "territory"}
# Words between a title's owner and the title: "Fornost Foreign Minister", "Mali's Defence
# Minister", "Lebanon's new President", "Nigerian junior foreign minister".
_TITLE_MODIFIERS = {"'s", "’s", "foreign", "defence", "defense", "interior", "deputy", "prime", "vice",
                    "former", "acting", "finance", "trade", "new", "interim", "outgoing", "incoming",
                    "ousted", "exiled", "junior", "senior", "chief", "top", "military", "army", "visiting"}


def _title_owner(span: Span, mentions_at: dict[int, Actor]) -> Actor | None:
    """The actor named right before a title that precedes ``span`` ("Fornost President X")."""
    doc = span.doc
    start = max(0, span.start - 4)
    # The entity may include its own title ("Jordan's visiting King Abdullah II").
    end = span.start + 1 if _TITLE_WORDS.fullmatch(span[0].text) else span.start
    match = _title_in(doc[start:end].text)
    if match is None:
        return None
    first_title = doc[start:end].char_span(match.start(), match.end(), alignment_mode="expand")
    if first_title is None:
        return None
    i = first_title.start - 1
    # Words between the owner and the title word: "Fornost Foreign Minister", "Mali's Defence Minister".
    while i >= 0 and doc[i].lower_ in _TITLE_MODIFIERS:
        i -= 1
    actor = mentions_at.get(i) if i >= 0 else None
    if actor is None or actor.kind == "person":
        return None
    return actor


def _resolve(
    span: Span, label: str, state: _ArticleActors, mentions_at: dict[int, Actor]
) -> Actor | None:
    name = clean_name(span.text)
    if not name:
        return None
    actor = state.lookup(name)
    if actor is not None:
        return actor
    if label == "PERSON":
        # A later short form of someone already named in this article.
        for part in reversed(re.split(r"[\s-]+", name)):
            if part in state.persons_by_token:
                return state.actors[state.persons_by_token[part]]
        known = _titled_surname(name, span, state) or _bare_surname(name, span, state)
        if known is not None:
            return known
        affiliation = _context_affiliation(span, mentions_at)
        title = _title_near(span) or (span[0].text if _TITLE_WORDS.fullmatch(span[0].text) else "")
        country = affiliation.country if affiliation else ""
        code = ""
        if not country and title:
            # "X, Chile's foreign minister", "X, the foreign minister of Chile".
            owner = re.match(r"(.+?)['’]s\b", title) or _OF_OWNER.search(title)
            if owner:
                owner_actor = state.lookup(owner.group(1))
                country = owner_actor.id if owner_actor and owner_actor.kind in _STATES else ""
        if not country and title:
            # "Fornost President Umbardacil", "Malian Defence Minister X": the named actor just
            # before the title is whose official the person is.
            owner_actor = _title_owner(span, mentions_at)
            if owner_actor is not None:
                country = owner_actor.country or (owner_actor.id if owner_actor.kind in _STATES else "")
                code = country or (owner_actor.cameo[:3] if len(owner_actor.cameo) >= 3 else "")
        sector = affiliation.sector if affiliation and affiliation.kind != "state" else ""
        if not sector and re.search(r"\b(specialist|expert|analyst|professor|researcher)\b", title):
            sector = "EDU"
        if not sector and _title_in(title):
            sector = "GOV"
        return Actor(
            id=f"person:{slug(name)}",
            name=name,
            kind="person",
            country=country,
            sector=sector,
            role=title,
            cameo=((country or code) + sector) if (country or code) else "",
        )
    if label == "ORG" and len(name) > 2:
        country = _named_state(span, state)
        return Actor(id=f"org:{slug(name)}", name=name, kind="organisation", country=country)
    return None


def _titled_surname(name: str, span: Span, state: _ArticleActors) -> Actor | None:
    """ "President Obama", "Chancellor Merkel": a surname right after a title, borne by exactly
    one person of the knowledge base.  A lone surname is :func:`_bare_surname`'s, stricter."""
    doc = span.doc
    if " " in name or not _title_in(doc[max(0, span.start - 2) : span.start].text):
        return None
    bearers = [e for e in state.kb.entries() if e.kind == "person" and e.surname == name]
    return state.entry_actor(bearers[0]) if len(bearers) == 1 else None


# Surnames of public figures that are also everyday English words (or months, modals,
# places): alone, capitalised at a sentence start or in a headline, "May", "Rice", "Brown" or
# "Bush" are too often not the person, so they resolve only with a title or a full mention.
_COMMON_WORD_SURNAMES = frozenset({
    "may", "rice", "brown", "bush", "king", "young", "rich", "white", "black", "green", "gray",
    "grey", "wood", "hill", "little", "long", "short", "strong", "ford", "price", "bell", "cook",
    "baker", "gates", "major", "hunt", "moon", "park", "ban", "bishop", "march", "austin",
    "champagne", "sharp", "church", "law", "hope", "grant", "will", "mark", "bond", "lamb", "fox",
    "wolf", "swan", "rose", "frost", "snow", "stone", "chance", "power",
})


def _bare_surname(name: str, span: Span, state: _ArticleActors) -> Actor | None:
    """ "Putin said ..." in an article that never gives his full name: a lone surname resolves
    to the one person of the knowledge base who bears it *and holds a role on the article's
    date* (with no date, a role still held).  Strict, because a bare surname is the weakest
    clue there is: it stays unresolved when two bearers are in office, when it is an everyday
    word (:data:`_COMMON_WORD_SURNAMES`), a place (the knowledge base knows it, or the model
    tags it a place elsewhere in the article), or another known person's given name ("Charles"
    is also Charles Michel's)."""
    if len(span) != 1 or not name[:1].isupper() or name.lower() in _COMMON_WORD_SURNAMES:
        return None
    if _title_in(span.doc[max(0, span.start - 2) : span.start].text):
        # A titled surname was _titled_surname's to resolve; it declines namesakes ("President
        # Assad" fits two presidents), and this rule must not overrule it.
        return None
    if any(ent.text == name and ent.label_ in {"GPE", "LOC", "FAC"} for ent in span.doc.ents):
        return None
    persons = [e for e in state.kb.entries() if e.kind == "person"]
    bearers = [e for e in persons if e.surname == name]
    if not bearers:  # the usual case, checked first: the scan below is the costly one
        return None
    if any(e.surname != name and any(alias.split()[0] == name for alias in (e.name, *e.aliases) if alias)
           for e in persons):
        return None
    on = state.published
    held = [e for e in bearers
            if (e.role_on(on) is not None if on is not None else any(r.end is None for r in e.roles))]
    return state.entry_actor(held[0]) if len(held) == 1 else None


def _named_state(span: Span, state: _ArticleActors) -> str:
    """The state named in the head of an unknown organisation's name ("British Defence", "Radical
    French farmers", "Kenya Anti-Corruption Commission"): its country, as a demonym marks a
    person's.  Only the head counts: in "Union for the Independence of Angola" the state after a
    preposition is the object of the name, not its owner."""
    words: list[Token] = []
    for token in span:
        if token.pos_ == "ADP" or token.lower_ in {"of", "for", "in"}:
            break
        if token.lower_ != "the":
            words.append(token)
    if len(words) < 2:
        return ""
    for size in (2, 1):
        for start in range(len(words) - size + 1):
            actor = state.lookup(" ".join(t.text for t in words[start : start + size]))
            if actor is not None and actor.kind in _STATES:
                return actor.id
    return ""


def _is_list_of_known(ent: Span, known: set[tuple[int, int]]) -> bool:
    """An entity the model glued from a list of names the gazetteer knows one by one
    ("Arnor, Osgiliath and Gondor" as one ORG): the names are kept, the glued span is not."""
    parts, start = [], ent.start
    for token in ent:
        if token.text in {",", "and", "&"}:
            parts.append((start, token.i))
            start = token.i + 1
    if not parts:
        return False
    parts.append((start, ent.end))
    parts = [(a + 1 if ent.doc[a].lower_ == "the" else a, b) for a, b in parts if b > a]
    return len(parts) > 1 and all(part in known for part in parts)


def find_mentions(
    doc: Doc, kb: KnowledgeBase, gazetteer: _Gazetteer,
    cache: dict[tuple[str, date | None], Actor | None] | None = None,
) -> tuple[list[Mention], dict[str, Actor]]:
    """All actor mentions of ``doc`` in text order, and the actors they name (id -> Actor)."""
    published = doc._.published
    cands: list[tuple[Span, str | None, str]] = [(s, a, how) for s, a, how in gazetteer.spans(doc)]
    gazetteer_ranges = {(span.start, span.end) for span, _, _ in cands}
    cands += [
        (ent, None, ent.label_) for ent in doc.ents
        if ent.label_ in _NER_LABELS and not _is_list_of_known(ent, gazetteer_ranges)
    ]
    state = _ArticleActors(kb, published, cache)
    sent_starts = [s.start_char for s in doc.sents]
    mentions: list[Mention] = []
    mentions_at: dict[int, Actor] = {}
    resolved: list[tuple[Span, str, Actor | None]] = []
    # Two passes: organisations and states first, so "Cho Han-bum of <org>" can use the org.
    kept = _longest_first(cands)
    for span, actor_id, how in kept:
        label = how if how in _NER_LABELS else ""
        actor: Actor | None = None
        if actor_id is not None:
            entry = kb.get(actor_id)
            if entry is not None:
                actor = state.entry_actor(entry)
                label = _HOW_LABEL.get(how) or _KIND_LABEL.get(entry.kind, "ORG")
        if how == "demonym" and span.start > 0 and doc[span.start - 1].lower_ == "ethnic":
            # "ethnic Albanians in south Serbia" are a people, not Albania's state.
            resolved.append((span, "ETHNIC", None))
            continue
        if actor is not None:
            for i in range(span.start, span.end):
                mentions_at[i] = actor
        resolved.append((span, label, actor))
    for index, (span, label, actor) in enumerate(resolved):
        if actor is None and label not in ("PERSON", "ETHNIC"):
            actor = _resolve(span, label, state, mentions_at)
            if actor is not None:
                for i in range(span.start, span.end):
                    mentions_at[i] = actor
                resolved[index] = (span, label, actor)
    for span, label, actor in resolved:
        if actor is None and label == "PERSON":
            actor = _resolve(span, label, state, mentions_at)
        if actor is not None:
            state.note(actor)
        text = span.text
        trimmed = _POSSESSIVE.sub("", text)
        mentions.append(
            Mention(
                text=trimmed,
                start=span.start_char,
                end=span.start_char + len(trimmed),
                label="NORP" if label == "ETHNIC" else (label or "ORG"),
                actor=actor.id if actor else None,
                sentence_index=bisect_right(sent_starts, span.start_char) - 1,
            )
        )
    return mentions, _with_blocs_and_parents(state, kb, published)


def _with_blocs_and_parents(state: _ArticleActors, kb: KnowledgeBase, on: date | None) -> dict[str, Actor]:
    """The article's actors; blocs carry their members on the date, organs bring their parent."""
    out: dict[str, Actor] = {}
    for actor_id, actor in state.actors.items():
        entry = kb.get(actor_id)
        # Blocs list their members on the date; the UN-sized IGOs would only bloat every record.
        if entry is not None and entry.kind == "bloc":
            members = tuple(kb.members(actor_id, on))
            if members:
                actor = replace(actor, members=members)
        out[actor_id] = actor
        if entry is not None and entry.parent and entry.parent not in out:
            parent = kb.get(entry.parent)
            if parent is not None:
                out[parent.id] = parent.actor(on)
    return out


class ActorsComponent:
    """spaCy component: writes ``doc._.mentions`` (list[Mention]) and ``doc._.actors`` (id -> Actor)."""

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        self._kb: KnowledgeBase | None = None
        self._gazetteer: _Gazetteer | None = None
        self._cache: dict[tuple[str, date | None], Actor | None] = {}

    @property
    def kb(self) -> KnowledgeBase:
        if self._kb is None:
            from blocwatch.knowledge import load_knowledge_base

            self._kb = load_knowledge_base()
        return self._kb

    @kb.setter
    def kb(self, kb: KnowledgeBase) -> None:
        self._kb = kb
        self._gazetteer = None
        self._cache.clear()

    def __call__(self, doc: Doc) -> Doc:
        if self._gazetteer is None:
            self._gazetteer = _Gazetteer(self.nlp, self.kb)
        doc._.mentions, doc._.actors = find_mentions(doc, self.kb, self._gazetteer, self._cache)
        return doc


@Language.factory(
    "blocwatch_actors",
    requires=["doc.ents", "token.dep"],
    assigns=["doc._.mentions", "doc._.actors"],
)
def make_actors_component(nlp: Language, name: str) -> ActorsComponent:
    return ActorsComponent(nlp)
