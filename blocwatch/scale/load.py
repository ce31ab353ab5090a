"""``blocwatch load DIR``: a backfill directory into the store, idempotently, in constant memory.

The directory must hold a finished backfill (:data:`blocwatch.scale.backfill.MANIFEST`) whose
tables have the expected columns.  It is read one partition at a time (``<table>/part=<k>``
directories, in partition order, which is input order): the partition's article rows and the
mentions, quotes, events and actors that belong to them are joined by article id, each article
is rebuilt as an :class:`~blocwatch.records.Analysis` (:mod:`blocwatch.scale.rows`) and saved by
:meth:`blocwatch.store.Store.save_analysis`, the same writer ``blocwatch ingest`` uses.  Memory
is one partition's rows, whatever the size of the backfill.

Idempotency comes from the store's rules (same id, canonical URL or content hash -> the stored
row is updated, not duplicated) plus ingest's skip: an article already stored from the very
same input bytes and fully analysed is left alone (``force=True`` saves it anyway), so loading
a directory twice changes nothing.  Failed inputs (``raw_inputs``) are kept in the store's
``raw_inputs`` with their bytes, once: a row with the same input name and problem is not added
again.  Syndication clusters are assigned in batches, as ingest does.

One article's failure to save (a refused value, a content clash) is counted, kept as a bad
input and the load goes on; a damaged dataset (missing columns, child rows of an unknown
article, text not matching its hash) stops with a :class:`~blocwatch.scale.rows.DatasetError`
that names the table and partition, before anything of that partition is written.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from blocwatch.ingest.errors import where_of
from blocwatch.jobs import SYNDICATION_BATCH, already_stored
from blocwatch.scale.backfill import MANIFEST
from blocwatch.scale.rows import DatasetError, analysis_from_rows
from blocwatch.scale.schema import PART, TABLES
from blocwatch.store import Store
from blocwatch.store.syndication import Syndication

__all__ = ["LoadSummary", "load"]

_CHILDREN = ("mentions", "quotes", "events", "actors")
_PART_DIR = re.compile(rf"^{PART}=(\d+)$")


@dataclass
class LoadSummary:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    bad_inputs: int = 0  # raw_inputs rows newly kept
    partitions: int = 0
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"{self.read} article(s) in {self.partitions} partition(s): {self.created} new, "
            f"{self.updated} updated, {self.unchanged} unchanged, {self.failed} failed; "
            f"{self.bad_inputs} failed input(s) kept"
        )


def check_directory(directory: Path) -> dict[str, Any]:
    """The manifest of a finished backfill at ``directory``; DatasetError says what is wrong."""
    if not directory.is_dir():
        raise DatasetError(f"{directory}: no such directory")
    manifest = directory / MANIFEST
    if not manifest.is_file():
        raise DatasetError(
            f"{directory}: no {MANIFEST}; not the output of a finished `blocwatch backfill`"
        )
    try:
        data: dict[str, Any] = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DatasetError(f"{manifest}: unreadable manifest ({exc})") from None
    _check_counts(directory, data.get("rows") or {})
    return data


def _check_counts(directory: Path, expected: dict[str, int]) -> None:
    """Row counts from the Parquet footers against the manifest: a lost or stray file shows here."""
    import pyarrow.parquet as pq

    for table in TABLES:
        try:
            found = sum(pq.ParquetFile(path).metadata.num_rows
                        for path in (directory / table).glob(f"{PART}=*/*.parquet"))  # fmt: skip
        except Exception as exc:  # a damaged footer
            raise DatasetError(f"{directory / table}: unreadable Parquet ({exc})") from None
        if found != expected.get(table, 0):
            raise DatasetError(
                f"{directory / table}: the files hold {found} row(s), the manifest says "
                f"{expected.get(table, 0)} (files lost, added or from another backfill?)"
            )


def _parts(directory: Path) -> list[int]:
    found: set[int] = set()
    for table in TABLES:
        folder = directory / table
        if folder.is_dir():
            found |= {int(m.group(1)) for p in folder.iterdir() if (m := _PART_DIR.match(p.name))}
    return sorted(found)


def _read(directory: Path, table: str, part: int) -> list[dict[str, Any]]:
    """One table's rows of one partition (files in name order: Spark numbers them in order)."""
    import pyarrow.parquet as pq

    folder = directory / table / f"{PART}={part}"
    if not folder.is_dir():
        return []
    rows: list[dict[str, Any]] = []
    wanted = [f.name for f in TABLES[table]]
    for path in sorted(folder.glob("*.parquet")):
        try:
            # ParquetFile, not read_table: no partition key is guessed from the directory name.
            parquet = pq.ParquetFile(path)
            missing = [name for name in wanted if name not in parquet.schema_arrow.names]
            data = None if missing else parquet.read(columns=wanted)
        except Exception as exc:  # pyarrow raises assorted errors for damaged files
            raise DatasetError(f"{path}: unreadable Parquet ({exc})") from None
        if data is None:
            raise DatasetError(f"{path}: table {table} lacks column(s) {', '.join(missing)}")
        rows.extend(data.to_pylist())
    return rows


def _partition(directory: Path, part: int) -> Iterator[tuple[dict[str, Any], dict[str, list[dict]]]]:
    articles = _read(directory, "articles", part)
    ids = {a["id"] for a in articles}
    children: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for table in _CHILDREN:
        for row in _read(directory, table, part):
            if row["article_id"] not in ids:
                raise DatasetError(
                    f"{directory / table}/{PART}={part}: row of article {row['article_id']!r}, "
                    "which the articles table does not hold"
                )
            children[row["article_id"]][table].append(row)
    for article in articles:
        yield article, children.get(article["id"], {})


def load(
    directory: Path,
    store: Store,
    *,
    force: bool = False,
    on_article: Callable[[str], None] | None = None,
) -> LoadSummary:
    """Load the backfill at ``directory`` into ``store``; see the module docstring."""
    directory = Path(directory)
    check_directory(directory)
    summary = LoadSummary()
    syndication, pending = Syndication(store), []
    for part in _parts(directory):
        summary.partitions += 1
        # The whole partition is read and checked before any of it is written.
        analyses = [analysis_from_rows(row, children) for row, children in _partition(directory, part)]
        for bad in _read(directory, "raw_inputs", part):
            name = where_of(bad["input_name"], bad.get("line"))  # as `ingest` names it
            summary.bad_inputs += store.keep_bad_input(name, bad["raw"], bad["problem"]) is not None
        for analysis in analyses:
            article = analysis.article
            name = article.input_name or article.url or article.id
            summary.read += 1
            if not force and already_stored(store, article):
                summary.unchanged += 1
                pending.append(article.id)
            else:
                try:
                    result = store.save_analysis(analysis, source=article.source)
                except Exception as exc:  # one article's failure must not stop the load
                    summary.failed += 1
                    summary.errors.append(f"{name}: not stored: {exc}")
                    kept = store.keep_bad_input(name, article.raw, f"not stored: {exc}")
                    summary.bad_inputs += kept is not None
                else:
                    summary.created += result.created
                    summary.updated += not result.created
                    pending.append(result.article_id)
            if len(pending) >= SYNDICATION_BATCH:
                syndication.assign(pending)
                pending = []
            if on_article:
                on_article(name)
    if pending:
        syndication.assign(pending)
    return summary
