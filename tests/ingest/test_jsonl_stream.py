"""JSON-lines files streamed from disk (issue 7): any size in constant memory, the cap per line.

The files are written here from invented text.  Memory is measured with ``tracemalloc`` around
the real :func:`read_inputs` / :func:`read_file` (every item is counted and dropped, as the
ingest job drops an article once it is stored).  The last test runs the real ``blocwatch
ingest`` on a file over the 10 MB default cap, into the ``backend_url`` database.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import tracemalloc
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from blocwatch.ingest import IngestError, read_inputs, read_jsonl
from blocwatch.ingest.files import read_file
from blocwatch.records import Article
from blocwatch.settings import Settings, load_settings
from blocwatch.store.engine import make_engine

ROOT = Path(__file__).resolve().parents[2]
MB = 1_000_000
PLACES = ["Ruritania", "Freedonia", "Sylvania", "Genovia", "Latveria", "Elbonia"]


def record(number: int, **extra: str) -> dict[str, str]:
    """One invented news record, different from every other by its number."""
    first, second = PLACES[number % 6], PLACES[(number // 6) % 6 - 1]
    body = (f"{first} and {second} held round {number} of their river-trade talks on Monday. "
            f"Envoys met for {number % 9 + 1} hours and agreed to meet again next month.")  # fmt: skip
    return {"id": f"s-{number:07d}", "text": body, "date": "2024-05-06", **extra}


def lines(count: int | None = None, *, size: int | None = None, start: int = 0) -> Iterator[bytes]:
    """JSON lines (with "\\n"): ``count`` records, or as many as fill ``size`` bytes."""
    number, written = start, 0
    while (count is None or number - start < count) and (size is None or written < size):
        line = json.dumps(record(number)).encode() + b"\n"
        written += len(line)
        number += 1
        yield line


def write(path: Path, chunks: Iterable[bytes]) -> Path:
    with gzip.open(path, "wb") if path.suffix == ".gz" else path.open("wb") as out:
        for chunk in chunks:
            out.write(chunk)
    return path


def raws(items: Iterable[Article | IngestError]) -> list[bytes | None]:
    return [a.raw for a in items if isinstance(a, Article)]


def count_with_peak(items: Iterable[Article | IngestError]) -> tuple[int, list[IngestError], int]:
    """(articles, errors, tracemalloc peak in bytes) of reading ``items`` without keeping articles."""
    articles, errors = 0, []
    tracemalloc.start()
    try:
        for item in items:
            if isinstance(item, IngestError):
                errors.append(item)
            else:
                articles += 1
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return articles, errors, peak


@pytest.fixture()
def settings() -> Settings:
    return load_settings()  # the default cap: 10 MB


def test_30_mb_file_streams_in_constant_memory(tmp_path: Path, settings: Settings) -> None:
    path = write(tmp_path / "dump.jsonl", lines(size=30 * MB))
    expected = sum(1 for _ in path.open("rb"))
    assert path.stat().st_size > 3 * settings.fetch_max_bytes
    articles, errors, peak = count_with_peak(read_inputs([str(path)], settings))
    assert errors == [] and articles == expected
    assert peak < 8 * MB, f"peak {peak / MB:.1f} MB for a {path.stat().st_size / MB:.0f} MB file"


def test_30_mb_gzipped_file_streams_in_constant_memory(tmp_path: Path, settings: Settings) -> None:
    path = write(tmp_path / "dump.ndjson.gz", lines(size=30 * MB))
    with gzip.open(path, "rb") as stream:
        expected = sum(1 for _ in stream)
    articles, errors, peak = count_with_peak(read_file(path, settings))
    assert errors == [] and articles == expected
    assert peak < 8 * MB, f"peak {peak / MB:.1f} MB"


def test_records_keep_names_and_raw_lines(tmp_path: Path, settings: Settings) -> None:
    path = write(tmp_path / "few.jsonl", lines(3))
    out = list(read_file(path, settings))
    assert all(isinstance(a, Article) for a in out)
    assert [a.input_name for a in out if isinstance(a, Article)] == [f"{path}:{n}" for n in (1, 2, 3)]
    assert raws(out) == [json.dumps(record(n)).encode() for n in range(3)]
    # The same bytes through the bytes path (reprocessing, small documents) give the same articles.
    same = list(read_jsonl(path.read_bytes(), input_name=str(path)))
    assert [(a.id, a.raw) for a in same if isinstance(a, Article)] == [
        (a.id, a.raw) for a in out if isinstance(a, Article)
    ]


def test_overlong_line_is_one_error_and_not_held(tmp_path: Path) -> None:
    small_cap = load_settings(fetch_max_bytes=100_000)
    overlong = b'{"text": "' + b"word " * 1_000_000 + b'"}\n'  # 5 MB: fifty times the cap
    path = write(tmp_path / "middle.jsonl", [*lines(50), overlong, *lines(50, start=50)])
    articles, errors, peak = count_with_peak(read_file(path, small_cap))
    assert articles == 100
    (error,) = errors
    assert error.line == 51 and error.input == str(path) and error.raw is None
    assert f"line is {len(overlong) - 1} bytes, over the limit of 100000" == error.problem
    assert str(error).startswith(f"{path}:51: ")
    assert peak < 1 * MB, f"peak {peak / MB:.1f} MB: the overlong line was held"


def test_bad_lines_keep_their_raw_bytes(tmp_path: Path, settings: Settings) -> None:
    bad = [b"{not json", b'{"text": "caf\xe9"}', json.dumps({"title": "no body"}).encode()]
    path = write(tmp_path / "bad.jsonl", [next(lines(1)), *(b + b"\n" for b in bad), next(lines(1, start=9))])
    out = list(read_file(path, settings))
    assert [type(x) for x in out] == [Article, IngestError, IngestError, IngestError, Article]
    errors = [x for x in out if isinstance(x, IngestError)]
    assert [(e.line, e.raw) for e in errors] == [(2, bad[0]), (3, bad[1]), (4, bad[2])]
    assert "invalid JSON" in errors[0].problem and "invalid UTF-8" in errors[1].problem
    assert "neither" in errors[2].problem


def test_truncated_gzip_yields_records_then_an_error(tmp_path: Path, settings: Settings) -> None:
    whole = write(tmp_path / "whole.jsonl.gz", lines(2000)).read_bytes()
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(whole[: len(whole) * 3 // 4])
    out = list(read_file(cut, settings))
    *records, last = out
    assert 1000 < len(records) < 2000 and all(isinstance(r, Article) for r in records)
    assert isinstance(last, IngestError) and last.input == str(cut)
    assert last.problem.startswith("truncated gzip data after line ")
    # A small truncated file (all of it inside the first peek) is read the same way.
    tiny = tmp_path / "tiny.jsonl.gz"
    whole_tiny = gzip.compress(b"".join(lines(20)))
    tiny.write_bytes(whole_tiny[:-12])
    *records, last = list(read_file(tiny, settings))
    assert records and all(isinstance(r, Article) for r in records)
    assert isinstance(last, IngestError) and "truncated gzip data" in last.problem


def test_big_json_array_is_refused_with_the_hint(tmp_path: Path) -> None:
    small_cap = load_settings(fetch_max_bytes=200_000)
    array = json.dumps([record(n) for n in range(2000)]).encode()
    assert len(array) > small_cap.fetch_max_bytes
    for path in (tmp_path / "array.json", tmp_path / "array-nameless"):
        path.write_bytes(array)
        (error,) = list(read_file(path, small_cap))
        assert isinstance(error, IngestError) and "over the limit of 200000" in error.problem
        assert "JSON lines" in error.problem and "read whole" in error.problem
    gz = tmp_path / "array.json.gz"
    gz.write_bytes(gzip.compress(array))
    (error,) = list(read_file(gz, small_cap))
    assert isinstance(error, IngestError) and "exceeds the limit" in error.problem
    assert "JSON lines" in error.problem
    # A small array and a pretty-printed object are still read whole.
    small = tmp_path / "small.json"
    small.write_text(json.dumps([record(1), record(2)], indent=2))
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps(record(3), indent=2))
    out = list(read_inputs([str(small), str(pretty)], small_cap))
    assert [type(x) for x in out] == [Article, Article, Article]


def test_crlf_line_endings_and_bom(tmp_path: Path, settings: Settings) -> None:
    crlf = b"".join(line.replace(b"\n", b"\r\n") for line in lines(5))
    path = write(tmp_path / "windows.jsonl", [b"\xef\xbb\xbf", crlf, b"\r\n"])
    out = list(read_file(path, settings))
    assert len(out) == 5 and all(isinstance(a, Article) for a in out)
    assert raws(out) == [json.dumps(record(n)).encode() for n in range(5)]  # without the "\r"
    gz = write(tmp_path / "windows.jsonl.gz", [b"\xef\xbb\xbf", crlf])
    assert [a.id for a in read_file(gz, settings)] == [a.id for a in out]


def test_big_nameless_and_bad_first_line_files_stream(tmp_path: Path) -> None:
    small_cap = load_settings(fetch_max_bytes=50_000)
    nameless = write(tmp_path / "export-2024", lines(2000))  # sniffed as JSON lines, no suffix
    assert nameless.stat().st_size > 5 * small_cap.fetch_max_bytes
    articles, errors, _ = count_with_peak(read_inputs([str(nameless)], small_cap))
    assert (articles, errors) == (2000, [])
    # A first line that does not parse: a big file named as JSON lines is still streamed.
    broken = write(tmp_path / "broken.jsonl", [b'{"text": "cut off\n', *lines(2000)])
    articles, errors, _ = count_with_peak(read_file(broken, small_cap))
    assert articles == 2000 and [e.line for e in errors] == [1]


def test_cli_ingests_a_file_over_the_default_cap(tmp_path: Path, backend_url: str) -> None:
    # Few records with short texts (quick to analyse), made big by a field ingest ignores.
    padding = "archive padding " * 50_000  # 800 kB per record
    records = [json.dumps(record(n, notes=padding)).encode() + b"\n" for n in range(14)]
    path = write(tmp_path / "archive.jsonl", [*records[:7], b"{not json\n", *records[7:]])
    assert path.stat().st_size > 10 * MB
    env = {k: v for k, v in os.environ.items() if not k.startswith("BLOCWATCH_")}
    env["BLOCWATCH_DATABASE_URL"] = backend_url

    def ingest() -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "blocwatch.cli", "ingest", str(path)]
        return subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)

    first = ingest()
    assert "14 article(s) read: 14 new, 0 updated, 1 failed" in first.stdout, first.stderr
    assert f"{path}:8: invalid JSON" in first.stderr
    engine = make_engine(backend_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("select count(*) from articles")).scalar() == 14
            kept = conn.execute(text("select input_name, problem from raw_inputs")).all()
            assert [(name, problem[:12]) for name, problem in kept] == [(f"{path}:8", "invalid JSON")]
        again = ingest()  # a rerun (as after a crash) skips every stored record before analysis
        assert "0 new, 14 updated (14 unchanged, not re-analysed)" in again.stdout, again.stderr
        with engine.connect() as conn:
            assert conn.execute(text("select count(*) from articles")).scalar() == 14
    finally:
        engine.dispose()


def test_backfill_split_reads_lines_as_ingest_does(tmp_path: Path) -> None:
    from blocwatch.scale.inputs import read_ref, split_inputs

    small_cap = load_settings(fetch_max_bytes=2_000)
    overlong = b'{"text": "' + b"long " * 5_000 + b'"}\r\n'
    body = [
        *lines(3),
        b"{not json\r\n",
        overlong,
        b"\r\n",
        *(x.replace(b"\n", b"\r\n") for x in lines(3, start=3)),
    ]
    path = write(tmp_path / "backfill.jsonl", [b"\xef\xbb\xbf", *body])

    def key(item: Article | IngestError) -> tuple[object, ...]:
        if isinstance(item, IngestError):
            return ("error", item.line, item.problem, item.raw)
        return ("article", item.input_name, item.id, item.raw)

    refs = list(split_inputs([str(path)], small_cap))
    assert [r.kind for r in refs] == ["jsonl"] * 8
    backfilled = [key(item) for ref in refs for item in read_ref(ref, small_cap)]
    assert backfilled == [key(item) for item in read_file(path, small_cap)]
    assert backfilled[4][:3] == ("error", 5, f"line is {len(overlong) - 2} bytes, over the limit of 2000")


def test_corrupt_gzip_after_good_members(tmp_path: Path, settings: Settings) -> None:
    good = gzip.compress(b"".join(lines(5)))
    path = tmp_path / "damaged.jsonl.gz"
    path.write_bytes(good + b"\x1f\x8b\x08\x00" + b"garbage" * 20)  # a second member that is no gzip
    *records, last = list(read_file(path, settings))
    assert len(records) == 5 and all(isinstance(r, Article) for r in records)
    assert isinstance(last, IngestError) and last.problem.startswith("corrupt gzip data after line 5")
