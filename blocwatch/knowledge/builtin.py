"""Loading the built-in data files, once.

The order matters: generated states first, then the curated state additions (which extend the
generated entries), then blocs, organisations and persons, then agent nouns.  Parsing happens
once per process (:func:`_builtin_parts`, cached); each :func:`load_knowledge_base` call builds a
fresh :class:`KnowledgeBase` from the parsed parts, so callers may ``add`` to theirs without
changing anyone else's.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from blocwatch.knowledge.base import KnowledgeBase
from blocwatch.knowledge.loading import merge, read_agents_tsv, read_states_tsv, read_yaml
from blocwatch.knowledge.model import Entry

__all__ = ["DATA_DIR", "DATA_FILES", "load_knowledge_base"]

DATA_DIR = Path(__file__).resolve().parent / "data"
# Entry files in load order (later files extend or override earlier ones).
DATA_FILES = ("states.tsv", "states.yaml", "blocs.yaml", "organisations.yaml", "persons.yaml", "agents.yaml")
AGENT_FILES = ("agents.tsv",)


@lru_cache(maxsize=1)
def _builtin_parts() -> tuple[tuple[Entry, ...], tuple[tuple[str, str], ...]]:
    entries: dict[str, Entry] = {}
    agents: dict[str, str] = {}
    for name in DATA_FILES:
        path = DATA_DIR / name
        if name.endswith(".tsv"):
            for entry in read_states_tsv(path):
                entries[entry.id] = entry
            continue
        found, more_agents = read_yaml(path)
        for entry, extend in found:
            old = entries.pop(entry.id, None)
            # Re-inserting moves the id to the end, so a later file's forms win in the index.
            entries[entry.id] = merge(old, entry) if extend and old is not None else entry
        agents.update(more_agents)
    generated: dict[str, str] = {}
    for name in AGENT_FILES:
        generated.update(read_agents_tsv(DATA_DIR / name))
    # Our own agent nouns (in the YAML files) override the generated Phoenix ones.
    agents = generated | agents
    return tuple(entries.values()), tuple(agents.items())


@lru_cache(maxsize=1)
def shared_knowledge_base() -> KnowledgeBase:
    """One built-in knowledge base per process, for readers that never ``add`` to it (the web
    pages, analytics): building the index costs ~30 ms, too much to pay on every request."""
    return load_knowledge_base()


def load_knowledge_base(extra: Sequence[Path] = ()) -> KnowledgeBase:
    """The built-in knowledge base plus ``extra`` dictionary files (later files override)."""
    entries, agents = _builtin_parts()
    kb = KnowledgeBase(entries, dict(agents))
    for path in extra:
        kb.load_file(Path(path))
    return kb

