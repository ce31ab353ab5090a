"""`blocwatch eval all --json`: one JSON list of every evaluation's report (docs/accuracy.md is
generated from it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from blocwatch.cli import app

SHARED_EVAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "eval"


def test_no_gold_data_gives_an_empty_list_and_says_what_was_skipped(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "all", "--data", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []
    assert "skipped, no gold data" in result.stderr


@pytest.mark.shared
def test_every_report_in_one_list() -> None:
    if not SHARED_EVAL.exists():
        pytest.skip(f"gold data not found at {SHARED_EVAL} (../shared is absent)")
    result = CliRunner().invoke(app, ["eval", "all", "--data", str(SHARED_EVAL), "--json", "--limit", "2"])
    assert result.exit_code == 0, result.output
    reports = json.loads(result.stdout)
    assert len(reports) == 7
    assert "blocwatch" in reports[0] and "trafilatura" in reports[0]  # extraction's own shape
    assert all("overall" in r and "task" in r for r in reports[1:])
