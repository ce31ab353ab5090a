"""Generated documentation: the parts of docs/ that are read from the code and data files.

Library code (not a script) so tests/test_docs.py can import it and compare the committed docs
with a fresh rendering, and so it runs from an installed package.  ``python -m
blocwatch.docs_gen write`` (or ``make docs``) regenerates everything; ``check`` exits 1 when a
file is stale.

Two kinds of output:

* whole files: ``docs/cli.md`` (every ``--help``, :mod:`.cli_ref`) and ``docs/settings.md``
  (:class:`blocwatch.settings.Settings`);
* blocks inside hand-written files, between ``<!-- generated:NAME -->`` and
  ``<!-- /generated:NAME -->``: the ontology tables (``docs/ontology.md``) and the schema
  (``docs/data-model.md``), from :mod:`.tables`.

The accuracy table (``docs/accuracy.md``, :mod:`.accuracy`) is rendered from saved
``blocwatch eval … --json`` reports on request (``python -m blocwatch.docs_gen accuracy``), never
by ``write``: the evaluations take minutes and need ../shared.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from blocwatch.docs_gen.cli_ref import cli_markdown, settings_markdown
from blocwatch.docs_gen.tables import (
    actor_kinds_table,
    cameo_roots_table,
    plover_types_table,
    schema_tables,
    sectors_table,
)

__all__ = ["BLOCKS", "FILES", "REGENERATE", "fill_blocks", "rendered", "stale", "write"]

REGENERATE = "python -m blocwatch.docs_gen write"

#: Files generated whole, relative to the repository root.
FILES: dict[str, Callable[[], str]] = {
    "docs/cli.md": cli_markdown,
    "docs/settings.md": settings_markdown,
}

#: Generated blocks inside hand-written files.
BLOCKS: dict[str, dict[str, Callable[[], str]]] = {
    "docs/ontology.md": {
        "actor-kinds": actor_kinds_table,
        "sectors": sectors_table,
        "cameo-roots": cameo_roots_table,
        "plover-types": plover_types_table,
    },
    "docs/data-model.md": {"schema": schema_tables},
}


def _block(name: str) -> re.Pattern[str]:
    name = re.escape(name)
    return re.compile(rf"(<!-- generated:{name} -->\n)(.*?)(<!-- /generated:{name} -->)", re.DOTALL)


def fill_blocks(text: str, blocks: dict[str, str], where: str = "text") -> str:
    """``text`` with the body of each named block replaced; a missing block is an error."""
    for name, body in blocks.items():
        pattern = _block(name)
        if pattern.search(text) is None:
            raise ValueError(f"{where}: no <!-- generated:{name} --> … <!-- /generated:{name} --> block")
        match = pattern.search(text)
        assert match is not None
        replacement = match.group(1) + body.rstrip("\n") + "\n" + match.group(3)
        text = text[: match.start()] + replacement + text[match.end() :]
    return text


def rendered(root: Path) -> dict[str, str]:
    """What every generated file should contain now, by path relative to ``root``."""
    out = {path: render() for path, render in FILES.items()}
    for path, blocks in BLOCKS.items():
        current = (root / path).read_text(encoding="utf-8")
        out[path] = fill_blocks(current, {name: render() for name, render in blocks.items()}, path)
    return out


def stale(root: Path) -> list[str]:
    """Generated files whose committed text differs from a fresh rendering."""
    return [
        path for path, text in rendered(root).items()
        if not (root / path).exists() or (root / path).read_text(encoding="utf-8") != text
    ]


def write(root: Path) -> list[str]:
    """Regenerate every file and block; returns the paths that changed."""
    changed = []
    for path, text in rendered(root).items():
        target = root / path
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed
