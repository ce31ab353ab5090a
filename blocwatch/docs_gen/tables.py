"""Tables of docs/ontology.md and docs/data-model.md, generated from the data files and models.

Each function returns the markdown of one generated block.  They read what the program itself
reads -- the knowledge base files (``blocwatch/knowledge/data``), the CAMEO table and the event
lexicon (``blocwatch/nlp/data``) and the SQLAlchemy models -- so a new code, type or column shows
up in the docs at the next ``python -m blocwatch.docs_gen write`` and the staleness test fails
until then.

The few words of description per code (what GOV or CAMEO root 14 means) are ours, kept here;
:data:`SECTOR_MEANINGS` must name every three-letter code the data uses (a test checks it).
"""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import CheckConstraint, Column, Table

__all__ = [
    "CAMEO_ROOT_MEANINGS",
    "KIND_IDS",
    "SECTOR_MEANINGS",
    "actor_kinds_table",
    "cameo_roots_table",
    "plover_types_table",
    "schema_tables",
    "sector_codes",
    "sectors_table",
]

#: How the id of each kind of actor is formed.
KIND_IDS = {
    "state": "ISO 3166-1 alpha-3 (`PRK`)",
    "territory": "ISO 3166-1 alpha-3 (`ABW`, `PRI`; Kosovo `XKX`, CAMEO code `KSV` as in Phoenix)",
    "bloc": "short upper-case code (`BRICS`, `EU`, `NATO`)",
    "igo": "short upper-case code (`UN`, `UNSC`, `IMF`)",
    "organisation": "`org:<slug>` (`org:kcna`)",
    "group": "`org:<slug>` (`org:isil`): armed and political groups; `agent:<code>` for an "
    "unattached agent noun (\"rebels\" → `agent:REB`)",
    "person": "`person:<slug>` (`person:kim-jong-un`)",
}

#: CAMEO / Phoenix agent (sector) codes, in our words.  Compound codes concatenate them
#: (``GOVMED`` state media, ``REBMUS`` Muslim rebels).
SECTOR_MEANINGS = {
    "AGR": "agriculture", "BUD": "Buddhist", "BUS": "business", "CHR": "Christian",
    "CTH": "Catholic", "COP": "police", "CRM": "criminals", "CVL": "civilians",
    "DEV": "development", "EDU": "education, research", "ELI": "elites (incl. former officials)",
    "ENV": "environment", "GOV": "government", "HIN": "Hindu", "HLH": "health",
    "HRI": "human rights", "IMG": "migrants", "JEW": "Jewish", "JUD": "judiciary", "LAB": "labour",
    "LEG": "legislature", "MAR": "Maronite", "MED": "media", "MIL": "military", "MUS": "Muslim",
    "NGO": "non-governmental organisation", "OPP": "opposition", "PPL": "people", "PRM": "paramilitaries",
    "PRO": "Protestant", "PTY": "political party", "RAD": "radicals", "REB": "rebels",
    "REF": "refugees", "REL": "religion", "SPY": "intelligence", "UAF": "unaffiliated armed forces",
}

#: CAMEO 0.7b5 event roots, in our words.
CAMEO_ROOT_MEANINGS = {
    "01": "public statement", "02": "appeal", "03": "intent to cooperate", "04": "consult",
    "05": "diplomatic cooperation", "06": "material cooperation", "07": "provide aid",
    "08": "yield", "09": "investigate", "10": "demand", "11": "disapprove", "12": "reject",
    "13": "threaten", "14": "protest", "15": "exhibit force posture", "16": "reduce relations",
    "17": "coerce", "18": "assault", "19": "fight", "20": "unconventional mass violence",
}

QUAD_CLASSES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict",
                4: "material conflict"}


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"


def actor_kinds_table() -> str:
    from blocwatch.knowledge.builtin import shared_knowledge_base
    from blocwatch.knowledge.model import KINDS

    counts = Counter(e.kind for e in shared_knowledge_base().entries())
    lines = [_row("kind", "id", "built-in entries"), _row("---", "---", "---:")]
    for kind in sorted(KINDS, key=lambda k: (-counts[k], k)):
        lines.append(_row(f"`{kind}`", KIND_IDS.get(kind, "?"), counts[kind]))
    return "\n".join(lines)


def _agent_nouns() -> tuple[dict[str, str], dict[str, str]]:
    """(all agent nouns -> code, our curated ones -> code), as the knowledge base merges them:
    the generated Phoenix list (agents.tsv) overridden by our YAML files."""
    from blocwatch.knowledge.builtin import AGENT_FILES, DATA_DIR, DATA_FILES
    from blocwatch.knowledge.loading import read_agents_tsv, read_yaml

    curated: dict[str, str] = {}
    for name in DATA_FILES:
        if name.endswith(".yaml"):
            curated.update(read_yaml(DATA_DIR / name)[1])
    generated: dict[str, str] = {}
    for name in AGENT_FILES:
        generated.update(read_agents_tsv(DATA_DIR / name))
    return generated | curated, curated


def sector_codes() -> Counter[str]:
    """Agent nouns per three-letter code (a compound code counts for each of its parts)."""
    counts: Counter[str] = Counter()
    for code in _agent_nouns()[0].values():
        for i in range(0, len(code), 3):
            counts[code[i : i + 3]] += 1
    return counts


def sectors_table() -> str:
    agents, curated = _agent_nouns()
    examples: dict[str, list[str]] = defaultdict(list)
    # Our own nouns first (they are the common words), then the shortest generated ones.
    ranked = sorted(agents.items(), key=lambda a: (a[0] not in curated, len(a[0]), a[0]))
    for noun, code in ranked:
        if len(examples[code]) < 4 and noun.replace(" ", "").isalpha():
            examples[code].append(noun)
    counts = sector_codes()
    lines = [_row("code", "meaning", "agent nouns", "examples"), _row("---", "---", "---:", "---")]
    for code in sorted(counts):
        lines.append(_row(f"`{code}`", SECTOR_MEANINGS.get(code, "?"), counts[code],
                          ", ".join(examples.get(code, [])) or "(in compounds only)"))
    return "\n".join(lines)


def cameo_roots_table() -> str:
    from blocwatch.nlp.events_lexicon import DATA, read_cameo_table

    codes = read_cameo_table(DATA / "cameo_table.tsv")
    by_root: dict[str, list[str]] = defaultdict(list)
    for code in codes:
        by_root[code[:2]].append(code)
    lines = [
        _row("root", "meaning", "quad class", "Goldstein", "codes", "PLOVER type (codes)"),
        _row("---", "---", "---", "---", "---:", "---"),
    ]
    for root in sorted(by_root):
        rows = [codes[c] for c in by_root[root]]
        quads = sorted({r.quad_class for r in rows})
        weights = sorted(r.goldstein for r in rows)
        low, high = weights[0], weights[-1]
        span = f"{low:+.1f}" if low == high else f"{low:+.1f} … {high:+.1f}"
        plover = Counter(r.plover or "—" for r in rows)
        lines.append(_row(
            f"`{root}`", CAMEO_ROOT_MEANINGS.get(root, "?"),
            ", ".join(f"{q} {QUAD_CLASSES[q]}" for q in quads), span, len(rows),
            ", ".join(f"{p} ({n})" for p, n in sorted(plover.items(), key=lambda i: (-i[1], i[0]))),
        ))
    return "\n".join(lines)


def plover_types_table() -> str:
    from blocwatch.nlp.events_lexicon import load_lexicon

    lexicon = load_lexicon()
    roots: dict[str, set[str]] = defaultdict(set)
    modes: dict[str, set[str]] = defaultdict(set)
    for code in lexicon.codes.values():
        if code.plover:
            roots[code.plover].add(code.code[:2])
            if code.mode:
                modes[code.plover].add(code.mode)
    triggers: dict[str, list[str]] = defaultdict(list)
    trigger_roots: dict[str, set[str]] = defaultdict(set)
    for table in (lexicon.verbs, lexicon.nouns, lexicon.verb_objects):
        for word, event in table.items():
            if word not in triggers[event.plover]:  # a word can be both verb and noun
                triggers[event.plover].append(word)
            trigger_roots[event.plover].add(event.cameo[:2])
    lines = [
        _row("PLOVER type", "CAMEO roots (table)", "CAMEO roots (lexicon)", "modes", "triggers", "examples"),
        _row("---", "---", "---", "---", "---:", "---"),
    ]
    for plover in sorted(set(roots) | set(triggers)):
        words = sorted(triggers[plover], key=lambda w: (len(w), w))
        lines.append(_row(
            f"`{plover}`", ", ".join(sorted(roots[plover])) or "—",
            ", ".join(sorted(trigger_roots[plover])) or "—",
            ", ".join(sorted(modes[plover])) or "—", len(words), ", ".join(words[:5]) or "—",
        ))
    return "\n".join(lines)


def _type(column: Column[object]) -> str:
    # The generic SQLAlchemy type; each back end maps it (docs/data-model.md says how).
    kind = type(column.type).__name__
    length = getattr(column.type, "length", None)
    if length:
        return f"{kind}({length})"
    if getattr(column.type, "timezone", False):
        return f"{kind}(timezone)"
    return kind


def _column(column: Column[object]) -> str:
    parts = [_type(column)]
    if column.primary_key:
        parts.append("PK")
    for fk in column.foreign_keys:
        parts.append(f"→ {fk.target_fullname}" + (f" ({fk.ondelete})" if fk.ondelete else ""))
    if column.unique:
        parts.append("unique")
    if column.nullable and not column.primary_key:
        parts.append("NULL")
    return " ".join(parts)


def _table(table: Table) -> list[str]:
    lines = [f"#### `{table.name}`", "", _row("column", "type"), _row("---", "---")]
    for column in table.columns:
        lines.append(_row(f"`{column.name}`", _column(column)))
    indexes = sorted(f"`{ix.name}` ({', '.join(c.name for c in ix.columns)})" for ix in table.indexes)
    if indexes:
        lines += ["", "Indexes: " + "; ".join(indexes) + "."]
    checks = sorted(
        f"`{c.sqltext}`" for c in table.constraints if isinstance(c, CheckConstraint)
    )
    if checks:
        lines += ["", "Checks: " + "; ".join(checks) + "."]
    return lines


def schema_tables() -> str:
    """Every table of the ORM models (= the migrated schema, which a store test compares)."""
    from blocwatch.store.models import Base

    lines: list[str] = []
    for table in Base.metadata.sorted_tables:
        if lines:
            lines.append("")
        lines += _table(table)
    return "\n".join(lines)
