"""The CLI and settings references (docs/cli.md, docs/settings.md), generated from the code.

The CLI reference is the ``--help`` text of every command and subcommand, rendered by the
command objects typer builds (``typer.main.get_command``) with a fixed terminal width and the
plain click formatter instead of rich.  So it does not depend on the terminal that runs the
generator, on ``COLUMNS`` or on colour support, and is the same byte for byte on every machine.

The settings reference is read from the fields of :class:`blocwatch.settings.Settings`.
"""

from __future__ import annotations

import json
from typing import Any

import typer.main
from pydantic.fields import FieldInfo

from blocwatch.settings import Settings

__all__ = ["HELP_WIDTH", "cli_markdown", "command_help", "settings_markdown"]

#: Columns of the rendered help: wide enough that most option help fits on one line, narrow
#: enough to read in a code block on a laptop screen.
HELP_WIDTH = 100

REGENERATE = "python -m blocwatch.docs_gen write"


def command_help() -> list[tuple[str, str]]:
    """``(command path, help text)`` for the root command and every (sub)command, depth first."""
    from blocwatch.cli import app

    root = typer.main.get_command(app)
    out: list[tuple[str, str]] = []

    def visit(command: Any, ctx: Any, path: str) -> None:
        # None selects typer's plain (click) formatter; rich would size itself to the terminal.
        command.rich_markup_mode = None
        out.append((path, command.get_help(ctx).rstrip() + "\n"))
        if hasattr(command, "list_commands"):
            for name in command.list_commands(ctx):
                sub = command.get_command(ctx, name)
                visit(sub, sub.context_class(sub, info_name=name, parent=ctx), f"{path} {name}")

    ctx = root.context_class(
        root, info_name="blocwatch", terminal_width=HELP_WIDTH, max_content_width=HELP_WIDTH
    )
    visit(root, ctx, "blocwatch")
    return out


def _anchor(path: str) -> str:
    return path.replace(" ", "-")


def cli_markdown() -> str:
    """docs/cli.md: a contents list, then one section per command with its ``--help``."""
    helps = command_help()
    lines = [
        "# CLI reference",
        "",
        f"<!-- Generated from `blocwatch … --help` by `{REGENERATE}`; do not edit by hand. "
        "tests/test_docs.py fails when this file is stale. -->",
        "",
        "Every command and subcommand of `blocwatch`, with its `--help` exactly as the program "
        "prints it (rendered at a fixed width of "
        f"{HELP_WIDTH} columns, without colour). Flags override `BLOCWATCH_*` environment "
        "variables, which override `blocwatch.toml`, which overrides the defaults: see "
        "[settings.md](settings.md).",
        "",
    ]
    for path, _ in helps:
        depth = path.count(" ")
        indent = "  " * max(depth - 1, 0)
        lines.append(f"{indent}- [`{path}`](#{_anchor(path)})")
    for path, text in helps:
        # GitHub makes the heading's anchor the path with spaces as dashes, as _anchor does.
        lines += ["", f"## `{path}`", "", "```text", text.rstrip(), "```"]
    return "\n".join(lines) + "\n"


def _default(field: FieldInfo) -> Any:
    if field.default_factory is not None:
        return field.default_factory()  # type: ignore[call-arg]
    return field.default


def _type_name(field: FieldInfo) -> str:
    annotation = field.annotation
    name = getattr(annotation, "__name__", None)
    if name and not getattr(annotation, "__args__", None):
        return str(name)
    return str(annotation).replace("pathlib.", "").replace("typing.", "")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def settings_markdown() -> str:
    """docs/settings.md: precedence, formats, and one row per field of Settings."""
    lines = [
        "# Settings",
        "",
        f"<!-- Generated from blocwatch.settings.Settings by `{REGENERATE}`; do not edit by hand. "
        "tests/test_docs.py fails when this file is stale. -->",
        "",
        "Every setting of blocwatch is one field of `blocwatch.settings.Settings`. Each command "
        "reads them in this order, the first that gives a value wins:",
        "",
        "1. a command-line flag, where the command has one (`--database-url`, `--spacy-model`, "
        "`--host`, `--port` …; see [cli.md](cli.md));",
        "2. the environment variable `BLOCWATCH_<NAME>` (upper case);",
        "3. the TOML file `blocwatch.toml` in the working directory, or the file named by "
        "`$BLOCWATCH_CONFIG`, with the field names as keys;",
        "4. the default below.",
        "",
        "`blocwatch settings` prints the effective values as JSON. In the environment a list "
        'setting takes a JSON list (`["a", "b"]`) or values separated by `,` or `:`; since `:` '
        "separates too, a list holding URLs must be written as JSON. In the file lists are TOML "
        "arrays:",
        "",
        "```sh",
        "BLOCWATCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\",
        "BLOCWATCH_ACTORS_FILES=my-actors.yaml,more-actors.txt \\",
        """BLOCWATCH_SOURCES='["../shared/seed/north-korea-brics.txt", "https://example.org/feed.xml"]' \\""",
        "  blocwatch settings",
        "```",
        "",
        "```toml",
        "# blocwatch.toml",
        'database_url = "sqlite:///data/blocwatch.db"',
        'sources = ["../shared/seed/north-korea-brics.txt"]',
        "port = 8080",
        "```",
        "",
        "| setting | environment variable | type | default | meaning |",
        "|---|---|---|---|---|",
    ]
    for name, field in Settings.model_fields.items():
        default = json.dumps(_default(field), default=str)
        lines.append(
            f"| `{name}` | `BLOCWATCH_{name.upper()}` | `{_cell(_type_name(field))}` | "
            f"`{_cell(default)}` | {_cell(field.description or '')} |"
        )
    return "\n".join(lines) + "\n"
