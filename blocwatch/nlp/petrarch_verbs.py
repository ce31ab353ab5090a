"""PETRARCH/TABARI verb dictionaries: reading them and matching their patterns on a sentence.

The format (as in the PETRARCH2 and TABARI distributions):

* ``<!-- ... -->`` and ``# ...`` are comments;
* a *synset* ``&NAME`` is followed by ``+word`` lines (a word may be several, joined by ``_`` or
  spaces, and may name another synset);
* a *verb block* ``--- VERB [code] ---`` is followed by the verb and its synonyms, one a line,
  each optionally with its own ``[code]`` and irregular forms in ``{...}`` (``+`` inside a
  multi-word verb marks its head word, ``BREAK_+DOWN``), then patterns ``- pre * post [code]``.

Pattern elements: ``*`` the verb; a word (a stem: it matches any word it begins, unless it ends
in ``_``); ``&SYNSET``; ``+`` the target and ``$`` the source (an actor at that place); ``%`` a
compound subject (the event is coded between its members); ``^`` any one word.  Elements
joined by ``_`` must be adjacent; those separated by spaces may have words between them.  A code
``[a:b]`` is a paired event (source->target ``a`` and target->source ``b``); ``[---]`` codes no
event.  A code that does not start with two digits (``[+++]``, ``[abc]``) is kept by the reader
but never matched, as TABARI treats it as a null code.

:func:`load_verbs` reads a file into a :class:`VerbDictionary` and raises :class:`VerbsError`
naming the file and line for malformed entries.  :meth:`VerbDictionary.match` takes the words of
a sentence (upper-cased text and lemma) and the verb position and returns the most specific
matching pattern (most elements; earlier in the file on a tie) or the verb's default code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

__all__ = ["Match", "Pattern", "VerbDictionary", "VerbEntry", "VerbsError", "load_verbs"]

_CODE = re.compile(r"\[([^\]]*)\]")
_SLOTS = {"+", "$", "%", "^"}
NULL_CODE = "---"
_NEGATIONS = {"NOT", "N'T", "NEVER", "NO", "NEITHER", "NOR", "DECLINED", "REFUSED", "FAILED_TO"}


class VerbsError(ValueError):
    """A malformed verb dictionary; the message starts with ``file:line``."""


@dataclass(frozen=True, slots=True)
class Element:
    kind: str  # "word", "synset", "+", "$", "%", "^"
    value: str = ""
    exact: bool = False  # a word ending in "_": matched as written, not as a stem
    joined: bool = False  # joined by "_" to its neighbour on the verb's side: no gap allowed


@dataclass(frozen=True, slots=True)
class Pattern:
    before: tuple[Element, ...]  # in text order, ending next to the verb
    after: tuple[Element, ...]  # in text order, starting next to the verb
    code: str
    line: int
    text: str

    @property
    def size(self) -> int:
        return len(self.before) + len(self.after)


@dataclass(slots=True)
class VerbEntry:
    verb: str  # the head word, upper case
    code: str  # default code of the verb ("---": none)
    forms: frozenset[str]
    patterns: list[Pattern] = field(default_factory=list)
    line: int = 0


@dataclass(frozen=True, slots=True)
class Match:
    code: str  # CAMEO code, "" when the match codes no event
    reverse_code: str  # for paired codes "a:b": target->source code, else ""
    source: int | None  # index (into the words given) of the "$" slot
    target: int | None  # index of the "+" slot
    compound: bool  # the pattern had "%"
    pattern: str  # the pattern text (or the verb header) for evidence and debugging
    negation: bool = False  # the pattern spells a negation ("NOT *"): its code already says so


def usable(code: str) -> bool:
    """A code the coder emits: starts with two digits (``---`` and ``+++`` do not)."""
    return len(code) >= 2 and code[:2].isdigit()


@dataclass(slots=True)
class VerbDictionary:
    verbs: dict[str, VerbEntry] = field(default_factory=dict)  # any form (upper) -> entry
    synsets: dict[str, list[list[str]]] = field(default_factory=dict)
    files: tuple[str, ...] = ()

    def entry(self, text: str, lemma: str) -> VerbEntry | None:
        return self.verbs.get(text.upper()) or self.verbs.get(lemma.upper())

    def match(
        self,
        words: Sequence[tuple[str, str]],
        verb: int,
        entry: VerbEntry,
        is_actor: Callable[[int], bool],
        limit: tuple[int, int] | None = None,
        is_compound: Callable[[int], bool] | None = None,
    ) -> Match | None:
        """The best pattern of ``entry`` around ``words[verb]`` (``(TEXT, LEMMA)`` pairs);
        ``is_actor(i)`` says whether word ``i`` names an actor (for ``+`` and ``$``),
        ``is_compound(i)`` whether it is part of a compound actor (``%``; default: any actor);
        ``limit`` bounds the words the pattern may use ``[start, end)``.  ``None``: no usable code."""
        lo, hi = limit or (0, len(words))
        compound_ok = is_compound or is_actor

        def slot(i: int, kind: str) -> bool:
            return compound_ok(i) if kind == "%" else is_actor(i)

        best: tuple[Pattern, int | None, int | None, bool] | None = None
        for pattern in entry.patterns:
            if best is not None and pattern.size <= best[0].size:
                continue
            if not usable(pattern.code.partition(":")[0]) and pattern.code != NULL_CODE:
                continue  # a malformed code ("+++") never wins over a real pattern
            slots: dict[str, int] = {}
            if not self._side(pattern.before[::-1], words, verb - 1, -1, lo - 1, slot, slots):
                continue
            if not self._side(pattern.after, words, verb + 1, 1, hi, slot, slots):
                continue
            best = (pattern, slots.get("$"), slots.get("+"), "%" in slots)
        if best is not None:
            pattern, source, target, compound = best
            code, text = pattern.code, pattern.text
        else:
            source = target = None
            compound, code, text = False, entry.code, entry.verb
        forward, _, reverse = code.partition(":")
        if not usable(forward):
            return None
        negation = best is not None and self._negates(best[0])
        return Match(forward, reverse if usable(reverse) else "", source, target, compound, text, negation)

    def _negates(self, pattern: Pattern) -> bool:
        words: set[str] = set()
        for element in pattern.before + pattern.after:
            if element.kind == "word":
                words.add(element.value)
            elif element.kind == "synset":
                words.update(w for phrase in self._expand(element.value, 0) for w in phrase)
        return bool(words & _NEGATIONS)

    def _side(
        self,
        elements: Sequence[Element],
        words: Sequence[tuple[str, str]],
        start: int,
        step: int,
        end: int,
        slot: Callable[[int, str], bool],
        slots: dict[str, int],
    ) -> bool:
        """Match ``elements`` (nearest the verb first) walking from ``start`` by ``step``: a
        joined element must come next, others may skip words.  Greedy, as TABARI is."""
        position = start
        for element in elements:
            found = None
            i = position
            while (i < end) if step > 0 else (i > end):
                if self._here(element, words, i, step, slot):
                    found = i
                    break
                if element.joined:
                    break
                i += step
            if found is None:
                return False
            if element.kind in {"+", "$", "%"}:
                slots[element.kind] = found
            position = found + step * self._width(element, words, found, step)
        return True

    def _here(
        self, element: Element, words: Sequence[tuple[str, str]], i: int, step: int,
        slot: Callable[[int, str], bool],
    ) -> bool:
        if element.kind == "^":
            return True
        if element.kind in {"+", "$", "%"}:
            return slot(i, element.kind)
        if element.kind == "word":
            return _word_matches(element.value, element.exact, words[i])
        return self._width(element, words, i, step) > 0

    def _width(self, element: Element, words: Sequence[tuple[str, str]], i: int, step: int) -> int:
        """How many words element covers at ``i`` (synset phrases may be several words)."""
        if element.kind != "synset":
            return 1
        for phrase in self._expand(element.value, 0):
            span = [i + step * k for k in range(len(phrase))]
            if all(0 <= j < len(words) for j in span):
                ordered = span if step > 0 else span[::-1]
                if all(_word_matches(w.rstrip("_"), w.endswith("_"), words[j])
                       for w, j in zip(phrase, ordered, strict=True)):
                    return len(phrase)
        return 0

    def _expand(self, name: str, depth: int) -> list[list[str]]:
        if depth > 5:
            return []
        out: list[list[str]] = []
        for phrase in self.synsets.get(name, []):
            if phrase and phrase[0].startswith("&"):
                out += [sub + phrase[1:] for sub in self._expand(phrase[0], depth + 1)]
            else:
                out.append(phrase)
        return out


def _word_matches(word: str, exact: bool, token: tuple[str, str]) -> bool:
    text, lemma = token
    if text == word or lemma == word:
        return True
    # Stems match words they begin ("RELAT" -> RELATIONS); short words only exactly ("IN", "TO").
    return not exact and len(word) >= 4 and text.startswith(word)


def _items(text: str) -> list[tuple[str, bool]]:
    """Pattern text as (item, joined to the previous item by "_") pairs, "*" included."""
    items: list[tuple[str, bool]] = []
    joined = False
    for piece in re.split(r"(\s+|_)", text):
        if piece == "_":
            joined = True
            if items:
                item, link = items[-1]
                if not item.startswith("&") and item not in _SLOTS and item != "*":
                    items[-1] = (item + "_", link)  # a trailing "_" also makes a word exact
            continue
        if not piece or piece.isspace():
            continue
        items.append((piece, joined and bool(items)))
        joined = False
    return items


def _element(item: str, joined: bool) -> Element:
    if item in _SLOTS:
        return Element(item, joined=joined)
    if item.startswith("&"):
        return Element("synset", item.rstrip("_").upper(), joined=joined)
    word = item.upper()
    return Element("word", word.rstrip("_"), exact=word.endswith("_"), joined=joined)


def _pattern(body: str, line: int, where: str) -> Pattern:
    codes = _CODE.findall(body)
    if not codes:
        raise VerbsError(f"{where}: pattern without a [code]: {body.strip()!r}")
    text = _CODE.sub(" ", body).strip()
    items = _items(text)
    stars = [i for i, (item, _) in enumerate(items) if item == "*"]
    if len(stars) != 1:
        raise VerbsError(f"{where}: a pattern needs exactly one '*' (the verb): {body.strip()!r}")
    star = stars[0]
    # Before the verb, an element's link is to the element after it (nearer the verb).
    before = [_element(items[k][0], items[k + 1][1]) for k in range(star)]
    after = [_element(item, link) for item, link in items[star + 1 :]]
    for element in before + after:
        if element.kind == "word" and not element.value:
            raise VerbsError(f"{where}: empty word in pattern {body.strip()!r}")
    return Pattern(tuple(before), tuple(after), codes[-1].strip(), line, text)


def _strip_comment(line: str) -> str:
    # "#" inside a code ("[###]") is part of it; a comment starts after the last "]".
    cut = line.rfind("]") + 1
    return (line[:cut] + line[cut:].split("#", 1)[0]).rstrip()


def parse_verbs(text: str, name: str = "<verbs>") -> VerbDictionary:
    """Parse dictionary text (see the module docstring); errors name ``name`` and the line."""
    book = VerbDictionary(files=(name,))
    entry: VerbEntry | None = None
    synset: str | None = None
    in_comment = False
    for number, raw in enumerate(text.splitlines(), 1):
        where = f"{name}:{number}"
        line = raw.strip()
        if in_comment or line.startswith("<!--"):
            in_comment = "-->" not in line
            continue
        if line.startswith("---"):
            codes = _CODE.findall(line)
            head = line.strip("-").split("[")[0].split("#")[0].strip()
            if not codes or not head:
                raise VerbsError(f"{where}: malformed verb header {line!r} (want --- VERB [code] ---)")
            entry = VerbEntry(_verb_word(head), codes[-1].strip(), frozenset(), line=number)
            synset = None
            earlier = book.verbs.get(entry.verb)
            if earlier is not None and earlier.verb == entry.verb:
                # A verb with two blocks (dictionaries grow by appending): one entry with the
                # patterns of both; the first usable default code stands.
                if not usable(earlier.code) and usable(entry.code):
                    earlier.code = entry.code
                entry = earlier
            else:
                book.verbs[entry.verb] = entry
            continue
        line = _strip_comment(line)
        if not line:
            continue
        if line.startswith("&"):
            synset, entry = line.split()[0], None
            book.synsets.setdefault(synset, [])
            continue
        if synset is not None and line.startswith("+"):
            phrase = line[1:].replace("_", " ").split()
            if phrase:
                book.synsets[synset].append([w.upper() for w in phrase])
            continue
        if entry is None:
            raise VerbsError(f"{where}: {line!r} is outside any verb block or synset")
        if line.startswith("-"):
            entry.patterns.append(_pattern(line[1:], number, where))
            continue
        _synonym(book, entry, line, where)
    for found in book.verbs.values():
        # Longest patterns first: the matcher keeps the first of the largest size.
        found.patterns.sort(key=lambda p: -p.size)
    return book


def _verb_word(text: str) -> str:
    words = text.replace(" ", "_").split("_")
    heads = [w[1:] for w in words if w.startswith("+")]
    return (heads[0] if heads else words[0]).upper().strip("_")


def _synonym(book: VerbDictionary, entry: VerbEntry, line: str, where: str) -> None:
    """A synonym line: ``WORD [code] {FORMS}``; the word joins the block with its own code."""
    forms_text = ""
    if "{" in line:
        if "}" not in line:
            raise VerbsError(f"{where}: unclosed '{{' in {line!r}")
        forms_text = line[line.index("{") + 1 : line.index("}")]
        line = line[: line.index("{")] + line[line.index("}") + 1 :]
    codes = _CODE.findall(line)
    word = _verb_word(_CODE.sub(" ", line).strip().split()[0]) if _CODE.sub(" ", line).strip() else ""
    if not word:
        raise VerbsError(f"{where}: empty synonym line")
    forms = {_verb_word(f) for f in forms_text.split()}
    target = entry
    if codes and word != entry.verb:
        target = VerbEntry(word, codes[-1].strip(), frozenset(), entry.patterns, line=entry.line)
    target.forms = target.forms | forms | {word}
    for form in target.forms:
        book.verbs.setdefault(form, target)


@lru_cache(maxsize=8)
def _load(path: Path, stamp: float) -> VerbDictionary:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise VerbsError(f"{path}: cannot read verb dictionary: {exc.strerror}") from exc
    return parse_verbs(text, str(path))


def load_verbs(path: Path) -> VerbDictionary:
    """Read a PETRARCH/TABARI verb dictionary (cached per file version)."""
    try:
        stamp = path.stat().st_mtime
    except OSError as exc:
        raise VerbsError(f"{path}: cannot read verb dictionary: {exc.strerror}") from exc
    return _load(path, stamp)


def merge(books: Sequence[VerbDictionary]) -> VerbDictionary:
    """Several dictionaries as one; an earlier file wins for a verb both define."""
    out = VerbDictionary(files=tuple(f for b in books for f in b.files))
    for book in books:
        for form, entry in book.verbs.items():
            out.verbs.setdefault(form, entry)
        for name, phrases in book.synsets.items():
            out.synsets.setdefault(name, phrases)
    return out
