"""Settings precedence: CLI flag > BLOCWATCH_* environment > blocwatch.toml > default."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from blocwatch.settings import load_settings


def test_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BLOCWATCH_DATABASE_URL", raising=False)
    assert load_settings().database_url == "sqlite:///blocwatch.db"
    (tmp_path / "blocwatch.toml").write_text('database_url = "sqlite:///file.db"\npage_size = 5\n')
    assert load_settings().database_url == "sqlite:///file.db"
    monkeypatch.setenv("BLOCWATCH_DATABASE_URL", "sqlite:///env.db")
    assert load_settings().database_url == "sqlite:///env.db"
    assert load_settings(database_url="sqlite:///flag.db").database_url == "sqlite:///flag.db"
    # A flag that was not given (None) does not hide the layers below it.
    assert load_settings(database_url=None).database_url == "sqlite:///env.db"
    assert load_settings().page_size == 5


def test_lists_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BLOCWATCH_SOURCES", "a.txt, b.html")
    assert load_settings().sources == ["a.txt", "b.html"]
    monkeypatch.setenv("BLOCWATCH_SOURCES", '["c.txt"]')
    assert load_settings().sources == ["c.txt"]
    # URLs keep their colons; lists of files may also be os.pathsep-separated.
    monkeypatch.setenv("BLOCWATCH_SOURCES", "a.txt,https://news.example.org/feed.xml")
    assert load_settings().sources == ["a.txt", "https://news.example.org/feed.xml"]
    monkeypatch.setenv("BLOCWATCH_ACTORS_FILES", f"mine.yaml{os.pathsep}theirs.txt")
    assert [p.name for p in load_settings().actors_files] == ["mine.yaml", "theirs.txt"]


def test_config_path_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    other = tmp_path / "other.toml"
    other.write_text("port = 8123\n")
    monkeypatch.setenv("BLOCWATCH_CONFIG", str(other))
    monkeypatch.delenv("BLOCWATCH_PORT", raising=False)
    assert load_settings().port == 8123


def test_bad_value_names_the_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BLOCWATCH_PORT", "not-a-number")
    with pytest.raises(ValueError, match="port"):
        load_settings()
