"""``blocwatch export`` as a typer command, mounted as the lead mounts it."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import typer
from export_samples import note, summit
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from blocwatch.cli_export import export
from blocwatch.store import Store

app = typer.Typer()
app.command("export")(export)
app.command("noop")(lambda: None)  # two commands, so "export" is a subcommand as in blocwatch


@pytest.fixture
def db(database_url: str) -> str:
    with Store(database_url) as store:
        store.save_analysis(summit())
        store.save_analysis(note("a-june", 1, published=None))
    return database_url


def invoke(*args: str) -> typer.testing.Result:
    return CliRunner().invoke(app, ["export", *args])


def test_jsonl_to_stdout(db: str) -> None:
    result = invoke("--format", "jsonl", "--table", "quotes", "--database-url", db)
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [q["speaker"] for q in lines] == ["Ada Vex"]
    assert "exported 1 quote record(s) as jsonl" in result.stderr


def test_gdelt_to_a_file_with_filters(db: str, tmp_path: Path) -> None:
    out = tmp_path / "deep" / "events.tsv"
    result = invoke(
        "-f", "gdelt", "-o", str(out), "--since", "2024-05-01", "--actor", "RUR", "--database-url", db
    )
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and all(len(line.split("\t")) == 61 for line in lines)  # talks + note
    assert not [p for p in out.parent.iterdir() if p.name.endswith(".part")]


def test_parquet_file(db: str, tmp_path: Path) -> None:
    out = tmp_path / "mentions.parquet"
    result = invoke("--format", "parquet", "--table", "mentions", "--out", str(out), "--database-url", db)
    assert result.exit_code == 0, result.output
    assert pq.read_table(out).num_rows == 7


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["--format", "xml"], "unknown format"),
        (["--format", "plover", "--table", "articles"], "describes events"),
        (["--format", "csv", "--since", "May 2024"], "--since wants a date"),
    ],
)
def test_usage_errors_exit_2_and_leave_no_file(
    db: str, tmp_path: Path, args: list[str], problem: str
) -> None:
    folder = tmp_path / "out"
    result = invoke(*args, "--out", str(folder / "x.out"), "--database-url", db)
    assert result.exit_code == 2 and problem in result.stderr
    assert not folder.exists() or list(folder.iterdir()) == []


@pytest.mark.sqlite_only("an export must not leave a new, empty SQLite file behind")
def test_missing_database_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "none.db"
    result = invoke("--format", "csv", "--database-url", f"sqlite:///{path}")
    assert result.exit_code == 1 and "no database" in result.stderr
    assert not path.exists()


def test_unmigrated_database_is_refused(backend_url: str) -> None:
    if backend_url.startswith("sqlite"):  # an existing but empty file; PostgreSQL: an empty schema
        import sqlite3

        sqlite3.connect(make_url(backend_url).database or "").close()
    result = invoke("--format", "csv", "--database-url", backend_url)
    assert result.exit_code == 1 and "no blocwatch schema" in result.stderr
