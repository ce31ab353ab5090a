"""Hostile input for the actor dictionary loader (:meth:`KnowledgeBase.load_file` on YAML, TSV
and PETRARCH ``.txt`` files) and the PETRARCH/TABARI verb dictionary reader.

Only :class:`KnowledgeError` / :class:`VerbsError` may come out; a loaded knowledge base must
still answer lookups, and a loaded verb dictionary must match any sentence without raising and
with slot positions inside the sentence.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from fuzz_invariants import known_crash
from fuzz_profile import properties
from hypothesis import strategies as st

from blocwatch.knowledge import Entry, KnowledgeBase, KnowledgeError
from blocwatch.nlp.petrarch_verbs import VerbsError, load_verbs, parse_verbs

WORD = st.sampled_from(
    [
        "RURITANIA",
        "FREEDONIA",
        "RIVER_LEAGUE",
        "ADA_VEX",
        "POLICE",
        "MINISTER",
        "&X",
        "!PERSON!",
        "MEET",
        "SAY",
        "ACCUSE_",
        "+DOWN",
        "*",
        "$",
        "+",
        "%",
        "^",
        "{MET}",
    ]
)
CODE = st.one_of(
    st.sampled_from(
        [
            "[RUR]",
            "[RURGOV]",
            "[IGORIV]",
            "[---]",
            "[+++]",
            "[~COP]",
            "[~ENV}",
            "[040]",
            "[043:044]",
            "[RURGOV 950601 - 990815]",
            "[HOB <950601]",
            "[HOB >20240101]",
            "[X 991301 - 990101]",
            "[",
            "]",
            "[]",
            "[abc def]",
        ]
    ),
    st.text(alphabet="[]<>-~0123456789 ABCGOV", max_size=20).map(lambda t: f"[{t}]"),
)
DICT_LINE = st.one_of(
    st.lists(st.one_of(WORD, CODE), min_size=1, max_size=5).map(" ".join),
    st.tuples(
        st.sampled_from(["", "+", "    ", "\t", "- ", "--- ", "&", "#", "<!-- "]),
        st.lists(st.one_of(WORD, CODE), max_size=5).map(" ".join),
        st.sampled_from(["", " ---", " -->", " # note", " [010]"]),
    ).map("".join),
    st.text(max_size=30),
)
DICT_TEXT = st.lists(DICT_LINE, max_size=30).map("\n".join)


def _kb() -> KnowledgeBase:
    return KnowledgeBase(
        [
            Entry("RUR", "Ruritania", "state", country="RUR", cameo="RUR", aliases=("Ruritania",)),
            Entry("RIVL", "River League", "bloc", cameo="IGORIV", aliases=("River League",)),
        ]
    )


def check_actor_file(tmp_path_factory: Any, name: str, data: bytes) -> None:
    path = Path(tmp_path_factory.mktemp("dict")) / name
    path.write_bytes(data)
    kb = _kb()
    try:
        loaded = kb.load_file(path)
    except KnowledgeError as exc:
        assert exc.problem and str(exc).startswith(str(path))
        return
    except Exception as exc:
        if known_crash(exc):
            return  # pinned in test_fuzz_found.py
        raise
    assert isinstance(loaded, int) and loaded >= 0
    for phrase in ("Ruritania", "River League", "Ada Vex", "police"):
        kb.lookup(phrase)  # the base must still answer, whatever was loaded


def _yaml_doc(value: Any) -> bytes:
    return yaml.safe_dump(value, allow_unicode=True).encode("utf-8")


SCALAR = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=20)
    | st.sampled_from(
        ["2024-05-06", "2024-13-01", "RUR 2024-01-01..2020-01-01", "RUR 2024-01-01 invited", "state", "bloc"]
    )
)
ENTRY = st.dictionaries(
    st.sampled_from(
        [
            "id",
            "name",
            "kind",
            "country",
            "sector",
            "cameo",
            "aliases",
            "members",
            "roles",
            "extend",
            "demonyms",
            "seats",
            "parent",
            "bogus",
        ]
    ),
    st.one_of(
        SCALAR,
        st.lists(SCALAR, max_size=3),
        st.lists(
            st.dictionaries(
                st.sampled_from(["title", "member", "start", "end", "status", "org"]), SCALAR, max_size=4
            ),
            max_size=2,
        ),
    ),
    max_size=8,
)
YAML_FILE = st.one_of(
    st.dictionaries(
        st.sampled_from(["entries", "agents", "other"]),
        st.one_of(
            st.lists(ENTRY, max_size=4), SCALAR, st.dictionaries(st.text(max_size=8), SCALAR, max_size=3)
        ),
        max_size=3,
    ).map(_yaml_doc),
    st.text(max_size=200).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.just(b"a: &a [*a, *a]\nb: !!python/object:os.system x\n"),
)
TSV_FILE = st.lists(
    st.lists(
        st.one_of(st.text(max_size=10), st.sampled_from(["RUR", "state", "GOV", "a|b"])), max_size=12
    ).map("\t".join),
    max_size=8,
).map(lambda ls: "\n".join(ls).encode())
TEXT_BYTES = st.one_of(DICT_TEXT.map(lambda t: t.encode("utf-8", "surrogatepass")), st.binary(max_size=500))

test_actor_yaml, test_actor_yaml_slow = properties(
    check_actor_file, st.sampled_from(["a.yaml", "b.yml"]), YAML_FILE
)
test_actor_tsv, test_actor_tsv_slow = properties(
    check_actor_file, st.sampled_from(["states.tsv", "agents.tsv"]), TSV_FILE
)
test_actor_petrarch, test_actor_petrarch_slow = properties(
    check_actor_file, st.just("actors.txt"), TEXT_BYTES
)

SENTENCE = st.lists(
    st.sampled_from(["RURITANIA", "MET", "MEET", "SAID", "NOT", "FREEDONIA", "DOWN", "THE", "ACCUSE", "X"]),
    max_size=12,
)


def check_verbs(tmp_path_factory: Any, data: bytes, words: list[str]) -> None:
    path = Path(tmp_path_factory.mktemp("verbs")) / "verbs.txt"
    path.write_bytes(data)
    try:
        book = load_verbs(path)
    except VerbsError as exc:
        assert str(exc).startswith(str(path))
        return
    again = parse_verbs(data.decode("utf-8", errors="replace"), str(path))
    assert set(again.verbs) == set(book.verbs)
    tokens = [(w, w) for w in words]
    for i, (text, lemma) in enumerate(tokens):
        entry = book.entry(text, lemma)
        if entry is None:
            continue
        assert [p.size for p in entry.patterns] == sorted((p.size for p in entry.patterns), reverse=True)
        found = book.match(tokens, i, entry, is_actor=lambda j: tokens[j][0] in ("RURITANIA", "FREEDONIA"))
        if found is not None:
            assert found.code[:2].isdigit()
            for slot in (found.source, found.target):
                assert slot is None or 0 <= slot < len(tokens)


VERB_TEXT = st.lists(
    st.one_of(
        st.tuples(WORD, CODE).map(lambda p: f"--- {p[0]} {p[1]} ---"),
        st.tuples(st.lists(WORD, max_size=4).map(" ".join), CODE).map(lambda p: f"- {p[0]} {p[1]}"),
        DICT_LINE,
    ),
    max_size=25,
).map(lambda ls: "\n".join(ls).encode("utf-8", "surrogatepass"))
test_verbs, test_verbs_slow = properties(check_verbs, st.one_of(VERB_TEXT, st.binary(max_size=400)), SENTENCE)
