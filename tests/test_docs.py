"""Documentation tests: the README documents every setting and every CLI command."""

from __future__ import annotations

import re
from pathlib import Path

import typer.main

from blocwatch.cli import app
from blocwatch.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _settings_table() -> str:
    return README.split("<!-- settings-table")[1].split("<!-- /settings-table -->")[0]


def test_every_setting_is_documented_with_its_default() -> None:
    table = _settings_table()
    for name, field in Settings.model_fields.items():
        row = next((line for line in table.splitlines() if line.startswith(f"| `{name}` ")), None)
        assert row is not None, f"setting {name} missing from the README table"
        assert f"`BLOCWATCH_{name.upper()}`" in row
        default = field.default if field.default_factory is None else field.default_factory()  # type: ignore[call-arg]
        assert f"`{default}`" in row or (default == [] and "`[]`" in row), (name, default)
        assert field.description and field.description in row


def _command_names(group: typer.Typer, prefix: str = "") -> list[str]:
    click_group = typer.main.get_command(group)
    names = []
    for name, command in click_group.commands.items():  # type: ignore[attr-defined]
        if hasattr(command, "commands"):
            names += [f"{prefix}{name} {sub}" for sub in command.commands]
        else:
            names.append(prefix + name)
    return names


def test_every_command_is_documented() -> None:
    for name in _command_names(app):
        assert re.search(rf"`blocwatch {re.escape(name)}\b", README), f"`blocwatch {name}` not in README"
