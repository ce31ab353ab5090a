"""read_inputs over real files and folders: kinds, .gz, sniffing, and bad inputs as yielded errors."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

import pytest
from ingest_pages import ARTICLE_HTML, TEXT_PAGE

from blocwatch.ingest import IngestError, read_inputs
from blocwatch.records import Article
from blocwatch.settings import Settings, load_settings

SHARED_SEED = Path(__file__).resolve().parents[2] / ".." / "shared" / "seed"


@pytest.fixture()
def settings() -> Settings:
    return load_settings(fetch_max_bytes=1_000_000)


def split(results: list[Article | IngestError]) -> tuple[list[Article], list[IngestError]]:
    return [r for r in results if isinstance(r, Article)], [r for r in results if isinstance(r, IngestError)]


def test_directory_walk_kinds_and_gz(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "a.html").write_text(ARTICLE_HTML, encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text(TEXT_PAGE, encoding="utf-8")
    (tmp_path / "sub" / "c.jsonl.gz").write_bytes(
        gzip.compress(
            (json.dumps({"text": "A record body that is long enough to count.", "id": "r1"}) + "\n").encode()
        )
    )
    (tmp_path / "d.HTM.gz").write_bytes(gzip.compress(ARTICLE_HTML.encode()))
    (tmp_path / "notes.md").write_text("# not an input\n")
    (tmp_path / ".cache").mkdir()
    (tmp_path / ".cache" / "e.txt").write_text(TEXT_PAGE)
    articles, errors = split(list(read_inputs([str(tmp_path)], settings)))
    assert errors == []
    names = [Path(a.input_name or "").name for a in articles]
    assert names == ["a.html", "d.HTM.gz", "b.txt", "c.jsonl.gz:1"]
    html, html_gz, text, record = articles
    assert html.raw_type == html_gz.raw_type == "html" and html.text == html_gz.text
    assert html_gz.raw == ARTICLE_HTML.encode()  # stored decompressed, ready for re-extraction
    assert text.raw_type == "text" and text.published == date(2024, 5, 14)
    assert text.title == "Water Commission Approves Shared Dam Schedule"
    assert record.id == "r1"


def test_sniffing_beats_missing_or_wrong_extension(tmp_path: Path, settings: Settings) -> None:
    (tmp_path / "page").write_bytes(ARTICLE_HTML.encode())
    (tmp_path / "saved.txt").write_bytes(ARTICLE_HTML.encode())
    (tmp_path / "legacy.txt").write_bytes(TEXT_PAGE.replace("schedule", "schédule").encode("cp1252"))
    results = list(read_inputs([str(tmp_path / n) for n in ("page", "saved.txt", "legacy.txt")], settings))
    articles, errors = split(results)
    assert errors == []
    assert [a.raw_type for a in articles] == ["html", "html", "text"]
    assert "shared schédule" in articles[2].text


def test_bad_inputs_are_yielded_and_the_batch_goes_on(tmp_path: Path, settings: Settings) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    files = {
        "image.txt": png,
        "zeros.html": b"\x00" * 500,
        "empty.txt": b"",
        "blank.txt": b"  \n\n \t\n",
        "broken.txt": "Résumé of the talks: ".encode() + b"\xff\xfe bad bytes " + "café".encode() * 40,
        "bomb.txt.gz": gzip.compress(b"A" * 20_000_000),
        "corrupt.html.gz": b"\x1f\x8b\x08\x00" + b"garbage" * 20,
        "furniture.txt": b"Home\nMenu\nLatest news\nShare\n",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "good.txt").write_text(TEXT_PAGE)
    inputs = [str(tmp_path / n) for n in files] + [str(tmp_path / "missing.txt"), str(tmp_path / "good.txt")]
    results = list(read_inputs(inputs, settings))
    assert len(results) == len(inputs)
    *bad, good = results
    assert isinstance(good, Article)
    assert all(isinstance(r, IngestError) for r in bad)
    problems = {Path(e.input).name: e.problem for e in bad if isinstance(e, IngestError)}
    assert "PNG" in problems["image.txt"] and "NUL" in problems["zeros.html"]
    assert problems["empty.txt"] == "empty file" and "whitespace" in problems["blank.txt"]
    assert "invalid UTF-8" in problems["broken.txt"]
    assert "exceeds the limit of 1000000" in problems["bomb.txt.gz"]
    assert "gzip" in problems["corrupt.html.gz"]
    assert "no article text" in problems["furniture.txt"]
    assert problems["missing.txt"] == "no such file or directory"
    by_name = {Path(e.input).name: e for e in bad if isinstance(e, IngestError)}
    for name, data in files.items():
        if data:
            assert by_name[name].raw == data, name  # kept for the store, to re-process later


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text(TEXT_PAGE * 50)
    (result,) = list(read_inputs([str(big)], load_settings(fetch_max_bytes=1000)))
    assert isinstance(result, IngestError) and "over the limit" in result.problem


def test_empty_directory_and_unsupported_scheme(tmp_path: Path, settings: Settings) -> None:
    results = list(read_inputs([str(tmp_path), "ftp://example.org/a.txt"], settings))
    assert [type(r) for r in results] == [IngestError, IngestError]
    assert "holds no" in str(results[0]) and "unsupported URL scheme" in str(results[1])


@pytest.mark.shared
def test_seed_folder_through_read_inputs(settings: Settings) -> None:
    if not SHARED_SEED.is_dir():
        pytest.skip(f"founding example folder not found at {SHARED_SEED} (../shared is absent)")
    results = list(read_inputs([str(SHARED_SEED)], settings))
    (seed,) = [r for r in results if isinstance(r, Article) and "north-korea-brics" in (r.input_name or "")]
    assert seed.title == "North Korea Strengthens Ties with BRICS Amid Growing Relations with Russia"
    assert seed.published == date(2024, 9, 25)
    assert [s.heading for s in seed.sections][-1] == "Conclusion"
