"""Exact, faster stand-ins for two rule-based parts of the spaCy model.

**The attribute ruler.**  In ``en_core_web_sm`` the attribute ruler (tag -> POS/morphology mapping plus ~120
exceptions) cost about 11 % of the whole pipeline on news text, more than the parser, because
spaCy's general ``Matcher`` tries all 179 patterns at every token.  Its patterns are all of a
simple shape — one or two tokens, each a conjunction of tests on ``TAG``, ``LOWER``, ``DEP``
and ``IS_SPACE`` (equality, ``IN``, ``NOT_IN``, ``REGEX``, booleans) — so they compile to a
few dictionary lookups per token, over the document's attribute array (string hashes).

Exactness: only the *matching* is replaced.  Matches are produced in spaCy's own order (by
rule index, then position, so later rules still take precedence) and applied by the ruler's own
``set_annotations``, with its normalised attributes and indices.  A ruler with any pattern
outside the supported shape (operators, other attributes) is left untouched; the test suite
checks token-for-token parity with spaCy's matcher on real news text.

**The lemmatizer.**  The English rule lemmatizer costs ~9 % of the pipeline in a Python loop
over every token, although its answer is a pure function of (text, POS, morphology): spaCy
caches it under exactly that key.  :func:`memoise_lemmatizer` keeps spaCy's code for every new
key and answers known keys from an array lookup, writing all lemmas of a document at once.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.lang.en.lemmatizer import EnglishLemmatizer
from spacy.strings import get_string_id
from spacy.tokens import Doc

__all__ = ["compile_attribute_ruler", "memoise_lemmatizer", "UnsupportedPattern"]

# A token is matched as its row of ``Doc.to_array(_COLUMNS)`` (string hashes and a 0/1), never as
# a ``Token``: building one Python ``Token`` per token and reading its string attributes cost
# most of the matcher's time.
_COLUMNS = [TAG, LOWER, DEP, IS_SPACE]
_COLUMN = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}
Row = tuple[int, int, int, int]
Predicate = Callable[[Row], bool]

_ARRAY_ATTRS = {POS, TAG, MORPH, LEMMA, DEP}


class UnsupportedPattern(ValueError):
    """A pattern this compiler does not handle; the ruler keeps spaCy's matcher."""


def _key(field: str, value: Any) -> int:
    """What ``field``'s column holds for the pattern value ``value``."""
    return int(bool(value)) if field == "IS_SPACE" else int(get_string_id(str(value)))


def _test(field: str, spec: Any, strings: Any) -> Predicate:
    column = _COLUMN[field]
    if isinstance(spec, bool) or isinstance(spec, str):
        if isinstance(spec, bool) != (field == "IS_SPACE"):
            raise UnsupportedPattern(f"{field}: {spec!r}")
        wanted = _key(field, spec)
        return lambda row: row[column] == wanted
    if isinstance(spec, dict) and len(spec) == 1:
        (op, value), = spec.items()
        if op in {"IN", "NOT_IN"} and field != "IS_SPACE" and all(isinstance(v, str) for v in value):
            members = frozenset(_key(field, v) for v in value)
            if op == "IN":
                return lambda row: row[column] in members
            return lambda row: row[column] not in members
        if op == "REGEX" and field != "IS_SPACE":
            search = re.compile(value).search
            seen: dict[int, bool] = {}  # hash -> matched: each distinct string is searched once

            def matches(row: Row) -> bool:
                found = seen.get(row[column])
                if found is None:
                    if len(seen) > 100_000:
                        seen.clear()
                    found = seen[row[column]] = search(strings[row[column]]) is not None
                return found

            return matches
    raise UnsupportedPattern(f"{field}: {spec!r}")


def _token_predicate(spec: dict[str, Any], strings: Any) -> Predicate:
    unknown = set(spec) - set(_COLUMN)
    if unknown or not spec:
        raise UnsupportedPattern(f"token pattern {spec!r}")
    tests = [_test(field, value, strings) for field, value in spec.items()]
    if len(tests) == 1:
        return tests[0]
    return lambda row: all(test(row) for test in tests)


def _values(field: str, spec: Any) -> list[int] | None:
    if isinstance(spec, (str, bool)):
        return [_key(field, spec)]
    if isinstance(spec, dict) and set(spec) == {"IN"}:
        return [_key(field, v) for v in spec["IN"]]
    return None


def _index_keys(first: dict[str, Any]) -> list[tuple[Any, ...]] | None:
    """The most specific lookup keys under which the first token's pattern can match."""
    tags, lowers = _values("TAG", first.get("TAG")), _values("LOWER", first.get("LOWER"))
    if tags is not None and lowers is not None:
        return [("TL", t, w) for t in tags for w in lowers]
    if tags is not None:
        return [("T", t) for t in tags]
    if lowers is not None:
        return [("L", w) for w in lowers]
    spaces = _values("IS_SPACE", first.get("IS_SPACE"))
    if spaces is not None:
        return [("S", v) for v in spaces]
    return None


Entry = tuple[int, int, list[Predicate]]  # (rule index, match id, one predicate per token)


class _CompiledMatcher:
    def __init__(self, ruler: Any) -> None:
        strings = ruler.vocab.strings
        self.table: dict[tuple[Any, ...], list[Entry]] = defaultdict(list)
        self.anywhere: list[Entry] = []
        for rule_index, rule in enumerate(ruler.patterns):
            match_id = strings[str(rule_index)]
            for pattern in rule["patterns"]:
                if not pattern or len(pattern) > 3 or any("OP" in tok for tok in pattern):
                    raise UnsupportedPattern(f"rule {rule_index}: {pattern!r}")
                entry = (rule_index, match_id, [_token_predicate(tok, strings) for tok in pattern])
                keys = _index_keys(pattern[0])
                if keys is None:
                    self.anywhere.append(entry)
                for key in keys or ():
                    self.table[key].append(entry)

    def __call__(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        found: set[tuple[int, int, int, int]] = set()
        rows: list[Row] = [tuple(r) for r in doc.to_array(_COLUMNS).tolist()] if len(doc) else []
        n, table, anywhere = len(rows), self.table, self.anywhere
        empty: list[Entry] = []
        for start, row in enumerate(rows):
            tag, lower = row[0], row[1]
            candidates = (
                table.get(("TL", tag, lower), empty) + table.get(("T", tag), empty)
                + table.get(("L", lower), empty) + table.get(("S", row[3]), empty)
                + anywhere
            )
            for rule_index, match_id, predicates in candidates:
                end = start + len(predicates)
                if end > n:
                    continue
                if predicates[0](row) and all(
                    predicates[k](rows[start + k]) for k in range(1, len(predicates))
                ):
                    found.add((rule_index, match_id, start, end))
        return sorted(found)


class _ArrayAnnotator:
    """The ruler's ``set_annotations`` done with one array write per document.

    spaCy's version builds a ``Span`` and calls ``set_token_attrs`` per match — about 56 000
    times for 60 news articles, which is where most of the ruler's time went.  Here each token's
    attributes are merged in match order (so a later rule still overrides an earlier one) and
    written with ``Doc.from_array``.  Only token attributes that ``from_array`` writes the same
    way are supported.
    """

    def __init__(self, ruler: Any) -> None:
        self.attrs: list[dict[int, int]] = list(ruler.attrs)
        self.indices: list[int] = list(ruler.indices)
        if any(set(a) - _ARRAY_ATTRS for a in self.attrs):
            raise UnsupportedPattern("attributes outside POS, TAG, MORPH, LEMMA, DEP")

    def __call__(self, doc: Doc, matches: list[tuple[int, int, int, int]]) -> None:
        merged: dict[int, dict[int, int]] = {}
        for rule_index, _match_id, start, end in matches:
            index, length = self.indices[rule_index], end - start
            if not -length <= index < length:
                raise ValueError(f"attribute_ruler rule {rule_index}: index {index} outside its match")
            merged.setdefault(start + index if index >= 0 else end + index, {}).update(self.attrs[rule_index])
        if not merged:
            return
        fields: list[int | str] = sorted({key for values in merged.values() for key in values})
        column = {key: n for n, key in enumerate(fields)}
        array: Any = doc.to_array(fields)
        for i, values in merged.items():
            for key, value in values.items():
                array[i, column[key]] = value
        doc.from_array(fields, array)


def compile_attribute_ruler(ruler: Any) -> bool:
    """Give ``ruler`` (a spaCy ``AttributeRuler``) the compiled matcher and array writer;
    False, and the ruler untouched, if its rules are outside the supported shape.

    The ruler object stays in the pipeline (same name, config and serialisation); only its
    ``match`` and ``set_annotations`` methods are replaced on this instance.
    """
    try:
        matcher, annotator = _CompiledMatcher(ruler), _ArrayAnnotator(ruler)
    except UnsupportedPattern:
        return False
    ruler.match = matcher
    ruler.set_annotations = annotator
    return True


class _MemoEnglishLemmatizer(EnglishLemmatizer):
    """spaCy's English rule lemmatizer, answering repeated (text, POS, morphology) keys from a
    memo of lemma hashes and writing a document's lemmas with one array write."""

    _memo: dict[tuple[int, int, int], int]
    _MEMO_LIMIT = 1_000_000  # keys; a long-running collector must not grow without bound

    def __call__(self, doc: Doc) -> Doc:
        if self.overwrite or not len(doc):
            return super().__call__(doc)
        memo = self.__dict__.setdefault("_memo", {})
        if len(memo) > self._MEMO_LIMIT:
            memo.clear()
        array: Any = doc.to_array([ORTH, POS, MORPH, LEMMA])
        lemmas: Any = array[:, 3].copy()
        strings = doc.vocab.strings
        for i in (lemmas == 0).nonzero()[0]:
            key = (int(array[i, 0]), int(array[i, 1]), int(array[i, 2]))
            value = memo.get(key)
            if value is None:
                value = memo[key] = strings.add(self.lemmatize(doc[int(i)])[0])
            lemmas[i] = value
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        return doc


def memoise_lemmatizer(lemmatizer: Any) -> bool:
    """Make spaCy's English rule lemmatizer memoise its answers; False, untouched, otherwise.

    The object keeps its identity, tables and configuration; only its class becomes a subclass
    that overrides ``__call__`` (spaCy calls components through their type, so an instance
    attribute would not do).
    """
    if type(lemmatizer) is not EnglishLemmatizer or lemmatizer.mode != "rule":
        return False
    lemmatizer.__class__ = _MemoEnglishLemmatizer
    return True
