#!/usr/bin/env python3
"""Regenerate the knowledge base's derived data files from ``../shared/reference``.

* ``blocwatch/knowledge/data/states.tsv`` from ``countries/countries.json`` (mledoze/countries,
  ODbL): one row per state or territory with its names, Latin-script alternative spellings,
  English demonyms and capitals (as metonyms).
* ``blocwatch/knowledge/data/agents.tsv`` from ``cameo/Phoenix.agents.txt`` (OEDA, MIT): agent
  noun -> CAMEO sector code, with PETRARCH substitution sets (``!PERSON!``) and irregular plurals
  (``{...}``) expanded.

Only facts are carried over (codes, names, spellings); curated additions (misspellings, seats of
power, "North Korea"/"DPRK" style aliases) live in the hand-written ``states.yaml`` and
``agents.yaml`` so that re-running this script never loses them.  A surface form shared by
several countries ("Congolese", "Kingston") is ambiguous: it is kept only for the single UN
member among them, else dropped, and the conflicts are printed.

The package never reads ``../shared`` at run time; this script is the only bridge.

Usage: python scripts/build_states.py [--reference ../shared/reference] [--out blocwatch/knowledge/data]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2026-12-01"
# Kosovo has no ISO code; countries.json uses UN's "UNK", the common user-assigned code is XKX
# and Phoenix/CAMEO codes it KSV.
ID_FIXES = {"UNK": "XKX"}
CAMEO_FIXES = {"XKX": "KSV"}
# UN non-member observer states (countries.json marks the Holy See as a member; it is not).
OBSERVERS = {"VAT", "PSE"}
NOT_MEMBERS = {"VAT"}
# Two-letter codes that are English words or too ambiguous are dropped; these few are kept.
KEEP_SHORT = {"US", "UK"}
COLUMNS = ("id", "kind", "name", "official_name", "cameo", "aliases", "demonyms", "metonyms")


def _latin(text: str) -> bool:
    return all(unicodedata.name(ch, "").startswith(("LATIN", "SPACE", "DIGIT", "APOSTROPHE", "HYPHEN",
                                                    "COMMA", "FULL STOP", "LEFT PAR", "RIGHT PAR",
                                                    "AMPERSAND", "RIGHT SINGLE"))
               or ch in "'-.,()&" for ch in text)


def _key(form: str) -> str:
    text = unicodedata.normalize("NFKD", form.replace("\u2019", "'"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return re.sub(r"[\s_\-]+", " ", re.sub(r"[.'\"()]", "", text)).strip()


def _clean(forms: list[str], exclude: set[str]) -> list[str]:
    out: list[str] = []
    seen = {_key(x) for x in exclude}
    for form in forms:
        form = form.strip()
        if not form or not _latin(form) or "|" in form or "\t" in form:
            continue
        if len(form) <= 2 and form not in KEEP_SHORT:
            continue
        if _key(form) in seen:
            continue
        seen.add(_key(form))
        out.append(form)
    return out


def build_states(countries: list[dict]) -> tuple[list[dict[str, str]], list[str]]:
    rows: list[dict[str, object]] = []
    for c in countries:
        cid = ID_FIXES.get(c["cca3"], c["cca3"])
        un_member = bool(c.get("unMember")) and cid not in NOT_MEMBERS
        kind = "state" if un_member or cid in OBSERVERS else "territory"
        name, official = c["name"]["common"], c["name"]["official"]
        aliases = _clean([*c.get("altSpellings", [])], {name, official})
        demonym = c.get("demonyms", {}).get("eng", {})
        demonyms = _clean([demonym.get("m", ""), demonym.get("f", "")], set())
        capitals = _clean([cap for cap in c.get("capital", [])], set())
        rows.append({"id": cid, "kind": kind, "name": name, "official_name": official,
                     "cameo": CAMEO_FIXES.get(cid, cid), "aliases": aliases, "demonyms": demonyms,
                     "metonyms": capitals, "un": un_member})
    # Resolve forms claimed by several rows: keep for the one UN member, else drop.
    owners: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        for field in ("aliases", "demonyms", "metonyms"):
            for form in row[field]:  # type: ignore[attr-defined]
                owners[_key(form)].add(str(row["id"]))
    un = {str(r["id"]) for r in rows if r["un"]}
    notes: list[str] = []
    for key, ids in sorted(owners.items()):
        if len(ids) < 2:
            continue
        winners = ids & un
        keep = next(iter(winners)) if len(winners) == 1 else None
        notes.append(f"ambiguous {key!r}: {sorted(ids)} -> {keep or 'dropped'}")
        for row in rows:
            if row["id"] != keep:
                for field in ("aliases", "demonyms", "metonyms"):
                    row[field] = [f for f in row[field] if _key(f) != key]  # type: ignore[attr-defined]
    rows.sort(key=lambda r: str(r["id"]))
    out = [{col: "|".join(r[col]) if isinstance(r[col], list) else str(r[col])  # type: ignore[arg-type]
            for col in COLUMNS} for r in rows]
    return out, notes


_AGENT = re.compile(r"^(?P<noun>[^\[{#]+?)\s*(?:\{(?P<plural>[^}]*)\})?\s*\[(?P<code>[^\]}]*)[\]}]")


def build_agents(text: str) -> dict[str, str]:
    sets: dict[str, list[str]] = {}
    agents: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("!") and "=" in line:
            name, values = line.split("=", 1)
            sets[name.strip()] = [v.strip() for v in values.split(",") if v.strip()]
            continue
        m = _AGENT.match(line)
        if not m or not m["code"].startswith("~"):
            continue  # "[IGO~]" prefixes and malformed rows carry no sector
        code = m["code"][1:].strip()
        if not re.fullmatch(r"(?:[A-Z]{3})+", code):
            continue
        nouns = [m["noun"]] + [p for p in (m["plural"] or "").split(",") if p.strip()]
        for noun in nouns:
            for expanded in _expand(noun.strip(), sets):
                form = " ".join(expanded.replace("_", " ").split()).lower()
                if form and "!" not in form:
                    agents.setdefault(form, code)
    return agents


def _expand(noun: str, sets: dict[str, list[str]]) -> list[str]:
    for name, values in sets.items():
        if name in noun:
            return [x for v in values for x in _expand(noun.replace(name, v, 1), sets)]
    return [noun]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reference", type=Path, default=ROOT.parent / "shared" / "reference")
    parser.add_argument("--out", type=Path, default=ROOT / "blocwatch" / "knowledge" / "data")
    args = parser.parse_args(argv)
    countries = json.loads((args.reference / "countries" / "countries.json").read_text("utf-8"))
    rows, notes = build_states(countries)
    header = [
        "# blocwatch knowledge base: states and territories (GENERATED by scripts/build_states.py;",
        "# edit states.yaml for curated additions, not this file).",
        "# Sources: mledoze/countries countries.json (ODbL 1.0, commit 5e9f370; names, ISO codes,",
        "# alt spellings, demonyms, capitals).  CAMEO code = ISO3 except Kosovo (KSV, as Phoenix).",
        f"# As of: {AS_OF}.  Columns are tab-separated; list columns are '|'-separated.",
    ]
    lines = header + ["\t".join(COLUMNS)] + ["\t".join(r[c] for c in COLUMNS) for r in rows]
    (args.out / "states.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    agents = build_agents((args.reference / "cameo" / "Phoenix.agents.txt").read_text("utf-8", "replace"))
    agent_lines = [
        "# blocwatch knowledge base: agent nouns -> CAMEO sector codes (GENERATED by",
        "# scripts/build_states.py from Phoenix.agents.txt, Open Event Data Alliance, MIT licence;",
        "# our own additions and overrides are in agents.yaml).",
        f"# As of: {AS_OF}.  Columns: noun<TAB>code.",
    ] + [f"{noun}\t{code}" for noun, code in sorted(agents.items())]
    (args.out / "agents.tsv").write_text("\n".join(agent_lines) + "\n", encoding="utf-8")
    for note in notes:
        print(note, file=sys.stderr)
    print(f"{len(rows)} states/territories, {len(agents)} agent nouns -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
