"""The `blocwatch` command end to end, as a user runs it: real processes, a real database.

The database is ``backend_url`` (an SQLite file, or a PostgreSQL schema under
``BLOCWATCH_TEST_BACKEND=postgresql``), handed to the command as ``BLOCWATCH_DATABASE_URL`` and
read back with SQLAlchemy; SQLite-only facts (WAL) are checked only on SQLite.

The inputs are pages we write here ourselves; the founding example is used only when ../shared
is present.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from blocwatch.store.engine import make_engine

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / ".." / "shared" / "seed" / "north-korea-brics.txt"

PAGE = """World Affairs Daily


Japan and India Deepen Defence Cooperation

March 3, 2025
  1. A New Agreement
  2. What Comes Next

Japan and India signed a defence agreement in Tokyo on Monday, officials said.

A New Agreement

The Indian Prime Minister met his Japanese counterpart in Tokyo. "This partnership will keep the
sea lanes open for everyone," the Japanese Foreign Minister told reporters.

What Comes Next

According to analysts, the two countries could hold joint naval exercises next year.


Latest news

Show more

You may also like
"""


def run(
    *args: str, cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None,
    database_url: str | None = None,
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    full_env.pop("BLOCWATCH_DATABASE_URL", None)
    if database_url:
        full_env["BLOCWATCH_DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "blocwatch.cli", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=300,
    )

def rows(database_url: str, sql: str) -> list[tuple[object, ...]]:
    """The rows of ``sql`` on the database the command wrote to."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql))]
    finally:
        engine.dispose()


def test_ingest_page_then_reingest_is_idempotent(tmp_path: Path, backend_url: str) -> None:
    page = tmp_path / "page.txt"
    page.write_text(PAGE, encoding="utf-8")
    first = run("ingest", str(page), cwd=tmp_path, database_url=backend_url)
    assert first.returncode == 0, first.stderr
    assert "1 new" in first.stdout
    second = run("ingest", str(page), cwd=tmp_path, database_url=backend_url)
    assert second.returncode == 0, second.stderr
    assert "0 new, 1 updated" in second.stdout
    assert rows(backend_url, "select count(*) from articles") == [(1,)]
    ((title, body),) = rows(backend_url, "select title, text from articles")
    assert title == "Japan and India Deepen Defence Cooperation"
    assert isinstance(body, str) and "Show more" not in body and "Latest news" not in body
    assert rows(backend_url, "select count(*) from sections") == [(2,)]
    if backend_url.startswith("sqlite"):  # the web site reads while ingest writes: WAL, SQLite only
        assert rows(backend_url, "pragma journal_mode") == [("wal",)]


def test_bad_inputs_are_named_kept_and_the_batch_goes_on(tmp_path: Path, backend_url: str) -> None:
    good = tmp_path / "good.txt"
    good.write_text(PAGE, encoding="utf-8")
    run("ingest", str(good), cwd=tmp_path, database_url=backend_url)
    binary = tmp_path / "image.html"
    binary.write_bytes(bytes(range(256)) * 20)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    undecodable = tmp_path / "latin.txt"
    undecodable.write_bytes(b"\xff\xfe\xfa not utf-8 \xc3\x28 at all \x80\x81")
    no_article = tmp_path / "menu.html"
    no_article.write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    result = run(
        "ingest", str(binary), str(empty), str(undecodable), str(no_article), str(good), cwd=tmp_path,
        database_url=backend_url,
    )
    for bad in (binary, empty, undecodable, no_article):
        assert str(bad) in result.stderr, (bad, result.stderr)
    assert "failed" in result.stdout
    assert rows(backend_url, "select count(*) from articles") == [(1,)]  # nothing lost, no duplicate
    ((kept,),) = rows(backend_url, "select count(*) from raw_inputs")
    assert isinstance(kept, int) and kept >= 3


def test_bad_json_lines_are_kept_once_with_their_line(tmp_path: Path, backend_url: str) -> None:
    """A rerun (or a resumed run) over the same file keeps each bad line once, named file:line."""
    records = tmp_path / "records.jsonl"
    good = json.dumps({"id": "r1", "text": "Ministers of Chile and Peru met in Lima on Monday."})
    records.write_text(good + "\n{not json\n", encoding="utf-8")
    for _ in range(2):
        result = run("ingest", str(records), cwd=tmp_path, database_url=backend_url)
        assert f"{records}:2" in result.stderr
    assert rows(backend_url, "select input_name from raw_inputs") == [(f"{records}:2",)]
    assert rows(backend_url, "select count(*) from articles") == [(1,)]


def test_ingest_gzip_and_jsonl(tmp_path: Path, backend_url: str) -> None:
    gz = tmp_path / "page.txt.gz"
    gz.write_bytes(gzip.compress(PAGE.encode()))
    jl = tmp_path / "records.jsonl"
    jl.write_text(
        json.dumps(
            {
                "id": "r1",
                "title": "Brazil hosts summit",
                "date": "2025-05-02",
                "text": "Brazil hosted the leaders of Argentina and Chile in Brasilia on Friday.",
            }
        )
        + "\n{not json}\n",
        encoding="utf-8",
    )
    result = run("ingest", str(gz), str(jl), cwd=tmp_path, database_url=backend_url)
    assert "records.jsonl:2" in result.stderr
    assert rows(backend_url, "select count(*) from articles") == [(2,)]


def test_analyze_contract_on_our_page(tmp_path: Path) -> None:
    lines = json.dumps({"id": "p1", "text": PAGE}) + "\n" + "garbage\n" + json.dumps({"id": "p2"}) + "\n"
    result = run("analyze", "-", cwd=tmp_path, stdin=lines)
    assert result.returncode == 0, result.stderr
    outs = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o.get("id") for o in outs] == ["p1", None, "p2"]
    assert "error" in outs[1] and "error" in outs[2]
    p1 = outs[0]
    assert p1["date"] == "2025-03-03"
    assert [s["heading"] for s in p1["sections"]] == ["A New Agreement", "What Comes Next"]
    assert {"JPN", "IND"} <= {a["id"] for a in p1["actors"]}
    for m in p1["mentions"]:
        assert PAGE[m["start"] : m["end"]] == m["text"]
    assert any(q["direct"] and q["content"].startswith("This partnership") for q in p1["quotes"])
    assert not (tmp_path / "blocwatch.db").exists(), "analyze never touches the database"


@pytest.mark.skipif(not SEED.exists(), reason=f"founding example not found at {SEED}")
def test_ingest_seed_shows_three_sections(tmp_path: Path, backend_url: str) -> None:
    result = run("ingest", str(SEED), cwd=tmp_path, database_url=backend_url)
    assert result.returncode == 0, result.stderr
    headings = [r[0] for r in rows(backend_url, "select heading from sections order by position")]
    assert headings == [
        "A Closer Relationship with the BRICS",
        "Immense Challenges to Overcome",
        "Conclusion",
    ]
    ((body,),) = rows(backend_url, "select text from articles")
    for furniture in ("Latest analytics", "Show more", "You may also like", "BNY Mellon"):
        assert isinstance(body, str) and furniture not in body


def test_settings_precedence(tmp_path: Path) -> None:
    (tmp_path / "blocwatch.toml").write_text('port = 9001\nhost = "127.0.0.2"\n')
    out = json.loads(run("settings", cwd=tmp_path, env={"BLOCWATCH_PORT": "9002"}).stdout)
    assert out["port"] == 9002 and out["host"] == "127.0.0.2"
    out = json.loads(run("settings", cwd=tmp_path).stdout)
    assert out["port"] == 9001
    assert out["database_url"] == "sqlite:///blocwatch.db"


def test_extract_prints_one_json_line_per_input(tmp_path: Path) -> None:
    html = ("<html><head><title>Kenya and Ethiopia sign water pact</title>"
            "<link rel='canonical' href='https://news.example.org/water-pact'>"
            "<meta property='article:published_time' content='2025-02-11'></head><body><article>"
            "<h1>Kenya and Ethiopia sign water pact</h1>"
            "<p>Kenya and Ethiopia signed an agreement on sharing the waters of the Omo river on Tuesday, "
            "ending two years of talks between their energy ministries.</p>"
            "<h2>What the pact says</h2>"
            "<p>The agreement sets seasonal minimum flows and creates a joint commission that will meet "
            "twice a year in Addis Ababa and Nairobi to review the dam's operation.</p>"
            "</article></body></html>")
    page = tmp_path / "pact.html.gz"
    page.write_bytes(gzip.compress(html.encode()))
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    result = run("extract", str(page), str(empty), cwd=tmp_path)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 2
    good, bad = lines
    assert good["input"] == str(page)
    assert good["url"] == "https://news.example.org/water-pact"
    assert good["title"] == "Kenya and Ethiopia sign water pact"
    assert good["date"] == "2025-02-11"
    assert "Omo river" in good["text"]
    assert [s["heading"] for s in good["sections"]] == ["What the pact says"]
    assert bad["input"] == str(empty) and bad["error"]


def test_bad_dictionaries_are_clear_errors(tmp_path: Path) -> None:
    verbs = tmp_path / "verbs.txt"
    verbs.write_text("VERBS\n--- BROKEN [xyz\n", encoding="utf-8")
    line = json.dumps({"id": "1", "text": "Brazil praised Chile."}) + "\n"
    result = run("analyze", "--verbs", str(verbs), "-", cwd=tmp_path, stdin=line)
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {verbs}:1:")
    assert "Traceback" not in result.stderr
    result = run("analyze", "--actors", str(tmp_path / "missing.yaml"), "-", cwd=tmp_path, stdin=line)
    assert result.returncode == 2 and "missing.yaml" in result.stderr and "Traceback" not in result.stderr
