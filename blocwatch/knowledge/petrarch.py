"""Reading PETRARCH/TABARI actor and agent dictionaries into a :class:`KnowledgeBase`.

The format (as in the Phoenix ``*.actors.txt``/``agents.txt`` files and the PETRARCH validation
suite): ``#`` starts a comment, ``<!-- ... -->`` blocks are comments; an actor entry is a line
at column 0 with a phrase (words joined by ``_`` or spaces) and optionally codes in brackets,
followed by ``+SYNONYM`` lines and indented code lines::

    GOLLUM
    +SMEAGOL
        [HOB <950601]                   # until 1995-05-31
        [HOBGOV 19950601 - 19990815]    # inclusive range (YYMMDD or YYYYMMDD)
        [HOBREB >990816]                # from 1999-08-16

Agent lines look like ``POLICE {} [~COP]`` (``{X}`` gives an irregular plural) and may use
substitution sets ``!PERSON! = MAN, MEN, WOMAN``.  ``[---]`` means "do not code".

How entries map onto ours: an entry with dated codes is a *person* whose roles are the dated
codes (an undated code is the fall-back role); an entry whose only code is a known state's
CAMEO code adds its phrases as aliases of that state; an IGO code that exactly matches one of
our blocs/IGOs adds aliases to it (never taking over a form another entry owns); anything else
becomes a new organisation/group entry whose country and sector are read from the code
("ISRMIL" -> ISR, MIL).  A later file's new entries override earlier forms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from blocwatch.knowledge.model import Entry, KnowledgeError, Role
from blocwatch.knowledge.text import normalise

if TYPE_CHECKING:
    from blocwatch.knowledge.base import KnowledgeBase

__all__ = ["load_petrarch", "parse_code"]

_CODE = re.compile(r"^(?P<code>[A-Za-z0-9~/]+|-{3}|\+{3})\s*(?P<when>.*)$")
_DATE = r"\d{6}(?:\d{2})?"
_RANGE = re.compile(rf"^(?P<a>{_DATE})\s*-\s*(?P<b>{_DATE})$")
_BOUND = re.compile(rf"^(?P<op>[<>])\s*(?P<d>{_DATE})$")
# "[~ENV}" (a typo in Phoenix.agents.txt) is accepted as a closed code block.
_AGENT = re.compile(r"^(?P<noun>[^\[{]+?)\s*(?:\{(?P<plural>[^}]*)\})?\s*\[(?P<code>[^\]}]*)[\]}]\s*$")
_SECTOR_TITLES = {"GOV": "government", "MIL": "military", "ELI": "elite", "OPP": "opposition",
                  "REB": "rebel", "LEG": "legislator", "JUD": "judiciary", "BUS": "business",
                  "MED": "media", "EDU": "education", "CVL": "civilian", "COP": "police",
                  "SPY": "intelligence", "REL": "religious", "NGO": "NGO", "LAB": "labour"}


@dataclass(slots=True)
class _Block:
    line: int
    phrases: list[str] = field(default_factory=list)
    codes: list[tuple[str, date | None, date | None, int]] = field(default_factory=list)  # code/from/to/line


def _parse_date(text: str, path: Path, line: int) -> date:
    try:
        if len(text) == 8:
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        yy = int(text[:2])
        # Two-digit years as PETRARCH reads them: 00-29 are 2000-2029, 30-99 are 1930-1999.
        return date((2000 if yy < 30 else 1900) + yy, int(text[2:4]), int(text[4:]))
    except ValueError:
        raise KnowledgeError(path, line, f"bad date {text!r} in a code block") from None


def parse_code(block: str, path: Path, line: int) -> tuple[str, date | None, date | None]:
    """``"HOBGOV 19950601 - 19990815"`` -> ("HOBGOV", 1995-06-01, 1999-08-15); ends inclusive."""
    m = _CODE.match(block.strip())
    if not m:
        raise KnowledgeError(path, line, f"bad code block [{block}]")
    code, when = m["code"].upper(), m["when"].strip()
    if not when:
        return code, None, None
    if r := _RANGE.match(when):
        start, end = _parse_date(r["a"], path, line), _parse_date(r["b"], path, line)
        if end < start:
            raise KnowledgeError(path, line, f"date range ends before it starts: [{block}]")
        return code, start, end
    if b := _BOUND.match(when):
        day = _parse_date(b["d"], path, line)
        return (code, None, day - timedelta(days=1)) if b["op"] == "<" else (code, day, None)
    raise KnowledgeError(path, line, f"bad date restriction {when!r} in [{block}]")


def _strip_comments(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    in_block = False
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw
        if in_block:
            if "-->" not in line:
                continue
            line, in_block = line.split("-->", 1)[1], False
        while "<!" in line:
            before, after = line.split("<!", 1)
            if "-->" in after:
                line = before + after.split("-->", 1)[1]
            else:
                line, in_block = before, True
        line = line.split("#", 1)[0].rstrip()
        if line.strip():
            out.append((number, line))
    return out


_Codes = list[tuple[str, date | None, date | None, int]]


def _codes_in(text: str, path: Path, line: int) -> tuple[str, _Codes]:
    """Split a line into its phrase part and its code blocks."""
    if text.count("[") != text.count("]"):
        raise KnowledgeError(path, line, "unbalanced [ ] in a code block")
    phrase = text.split("[", 1)[0].strip()
    codes = [(*parse_code(b, path, line), line) for b in re.findall(r"\[([^\]]*)\]", text)]
    return phrase, codes


def load_petrarch(kb: KnowledgeBase, path: Path) -> int:
    """Load one PETRARCH/TABARI dictionary file into ``kb``; returns entries + agent nouns."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        text = path.read_text(encoding="latin-1")
    lines = _strip_comments(text)
    if any("[~" in t or "~]" in t for _, t in lines):
        return _load_agents(kb, lines, path)
    blocks: list[_Block] = []
    for number, line in lines:
        stripped = line.strip()
        if line.startswith("+"):
            if not blocks:
                raise KnowledgeError(path, number, "synonym line '+...' before any entry")
            phrase, codes = _codes_in(stripped[1:], path, number)
            blocks[-1].phrases.append(phrase)
            blocks[-1].codes.extend(codes)
        elif line[0].isspace():
            if not blocks:
                raise KnowledgeError(path, number, "indented line before any entry")
            phrase, codes = _codes_in(stripped, path, number)
            if phrase:
                blocks[-1].phrases.append(phrase)
            blocks[-1].codes.extend(codes)
        else:
            phrase, codes = _codes_in(stripped, path, number)
            if not phrase:
                raise KnowledgeError(path, number, "a code block with no phrase")
            blocks.append(_Block(number, [phrase], codes))
    return sum(_apply_block(kb, b) for b in blocks)


def _display(phrase: str) -> str:
    words = " ".join(phrase.replace("_", " ").split())
    return words.title() if words.isupper() and len(words) > 4 else words


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", normalise(text)).strip("-")


def _apply_block(kb: KnowledgeBase, block: _Block) -> int:
    codes = [(c, s, e) for c, s, e, _ in block.codes if c not in ("---", "+++")]
    if not codes:
        return 0  # "[---]" (do not code) or no code at all: nothing to add
    names = list(dict.fromkeys(_display(p) for p in block.phrases if p.strip("_ ")))
    dated = any(s or e for _, s, e in codes)
    if dated:
        roles = tuple(Role(title=_SECTOR_TITLES.get(c[3:6], c), country=c[:3], sector=c[3:6], start=s, end=e)
                      for c, s, e in codes)
        # Dated bare country codes ("ZIMBABWE [RHO <790606] [ZBW]") are a polity whose code
        # changed, not a person.
        kind, prefix = ("group", "group") if all(len(c) == 3 for c, _, _ in codes) else ("person", "person")
        entry = Entry(id=f"{prefix}:{_slug(names[0])}", name=names[0], kind=kind,
                      country=roles[0].country, sector=roles[0].sector, aliases=tuple(names), roles=roles)
        existing = kb.get(entry.id)
        if existing is not None:
            entry = replace(existing, aliases=tuple(dict.fromkeys(existing.aliases + entry.aliases)),
                            roles=existing.roles or entry.roles)
        kb.add(entry)
        return 1
    code = codes[0][0]
    target = _same_code(kb, code)
    if target is not None:
        # Extend a known actor, but never take over a form another entry already owns.
        fresh = [n for n in names if kb.resolve_form(n) is None]
        kb.add(replace(target, aliases=tuple(dict.fromkeys(target.aliases + tuple(fresh)))))
        return 1
    state = kb.get(code[:3])
    if code.startswith("IGO"):
        kind, country, sector, prefix = "igo", "", "", "org"
    elif code.startswith(("NGO", "NGM")):
        kind, country, sector, prefix = "organisation", "", "NGO", "org"
    elif code.startswith("MNC"):
        kind, country, sector, prefix = "organisation", code[3:6] if kb.get(code[3:6]) else "", "BUS", "org"
    elif state is not None and state.kind in ("state", "territory"):
        kind, country, sector, prefix = "group", state.id, code[3:6], "group"
    else:
        kind, country, sector, prefix = "group", "", "", "group"
    kb.add(Entry(id=f"{prefix}:{_slug(names[0])}", name=names[0], kind=kind, country=country,
                 sector=sector, cameo=code, aliases=tuple(names)))
    return 1


def _same_code(kb: KnowledgeBase, code: str) -> Entry | None:
    """The state (by id/CAMEO) or the single bloc/IGO whose CAMEO code is exactly ``code``."""
    state = kb.get(code)
    if state is not None and state.kind in ("state", "territory"):
        return state
    if not code.startswith("IGO"):
        return None
    matches = [e for e in kb.entries() if e.cameo == code and e.kind in ("bloc", "igo") and not e.parent]
    return matches[0] if len(matches) == 1 else None


def _load_agents(kb: KnowledgeBase, lines: list[tuple[int, str]], path: Path) -> int:
    sets: dict[str, list[str]] = {}
    count = 0
    for number, line in lines:
        text = line.strip()
        if text.startswith("!") and "=" in text:
            name, values = text.split("=", 1)
            sets[name.strip()] = [v.strip() for v in values.split(",") if v.strip()]
            continue
        if "[" not in text and "{" not in text and "]" not in text:
            continue  # a bare noun with no code (a glitch in Phoenix.agents.txt): nothing to add
        m = _AGENT.match(text)
        if not m:
            want = "want 'NOUN {PLURAL} [~CODE]'"
            raise KnowledgeError(path, number, f"not an agent line ({want}): {text!r}")
        code = m["code"].strip()
        if code.endswith("~"):
            continue  # "[IGO~]": a prefix agent, not a sector
        if not re.fullmatch(r"~(?:[A-Z]{3})+", code):
            raise KnowledgeError(path, number, f"bad agent code [{code}]")
        for noun in [m["noun"], *[p for p in (m["plural"] or "").split(",") if p.strip()]]:
            for form in _expand(noun.strip(), sets, path, number):
                kb.add_agent(" ".join(form.replace("_", " ").split()).lower(), code[1:])
                count += 1
    return count


def _expand(noun: str, sets: dict[str, list[str]], path: Path, line: int) -> list[str]:
    m = re.search(r"![A-Z]+!", noun)
    if not m:
        return [noun]
    if m[0] not in sets:
        raise KnowledgeError(path, line, f"unknown substitution set {m[0]}")
    return [x for v in sets[m[0]] for x in _expand(noun.replace(m[0], v, 1), sets, path, line)]
