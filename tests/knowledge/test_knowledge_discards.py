"""Discard dictionaries (PETRARCH/TABARI format): reading them, and dropping the events they mark."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from blocwatch.knowledge import KnowledgeError
from blocwatch.knowledge.discards import load_discards, parse_discards
from blocwatch.nlp.pipeline import Pipeline
from blocwatch.records import Article

OURS = """# our own test dictionary
+TYPHOON          # a story about weather is out of scope
WORLD_CUP         # sentence level
  penalty shoot-out
"""


def test_parse_sentence_and_story_phrases() -> None:
    discards = parse_discards(OURS, "ours.txt")
    assert discards.story == ("TYPHOON",)
    assert discards.sentence == ("WORLD CUP", "penalty shoot-out")
    assert discards.discards_story("A typhoon hit Manila.")
    assert not discards.discards_story("Typhoons-season talks")  # whole words only
    assert discards.discards_sentence("Brazil and Germany met in the World  Cup final.")
    assert not discards.discards_sentence("Brazil and Germany met in Berlin.")


def test_bad_line_names_file_and_line() -> None:
    with pytest.raises(KnowledgeError, match=r"ours\.txt:3"):
        parse_discards("GOLF\n+STORM\n+ ++\n", "ours.txt")


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError, match="missing.txt"):
        load_discards([tmp_path / "missing.txt"])


def test_pipeline_drops_discarded_events(tmp_path: Path) -> None:
    path = tmp_path / "discards.txt"
    path.write_text(OURS, encoding="utf-8")
    text = "Russia sanctioned Ukraine on Monday. Germany attacked Brazil in the World Cup semi-final."
    plain = Pipeline().analyze(Article(id="a", text=text))
    filtered = Pipeline(discards_files=[path]).analyze(Article(id="a", text=text))
    assert any("World Cup" in e.evidence.sentence for e in plain.events)
    assert not any("World Cup" in e.evidence.sentence for e in filtered.events)
    assert any("sanctioned" in e.evidence.sentence for e in filtered.events)
    story = Pipeline(discards_files=[path]).analyze(
        Article(id="b", text="Russia sanctioned Ukraine as a typhoon approached the coast.")
    )
    assert story.events == []


def test_cli_flag(tmp_path: Path) -> None:
    path = tmp_path / "discards.txt"
    path.write_text(OURS, encoding="utf-8")
    line = json.dumps({"id": "1", "text": "Russia sanctioned Ukraine as a typhoon approached."}) + "\n"
    out = subprocess.run(
        [sys.executable, "-m", "blocwatch.cli", "analyze", "--discards", str(path), "-"],
        input=line, capture_output=True, text=True, cwd=tmp_path, env=dict(os.environ), timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["events"] == []
