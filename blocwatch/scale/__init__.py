"""Scale: backfill news archives into Parquet on Spark (or locally), then load them into the store.

Design (issue 7, item 2)::

    INPUTS --split_inputs--> record refs --partitions--> process_partition (per partition:
      extraction + spaCy understanding, model cached per process) --> (table, row) pairs
      --> Parquet datasets DIR/{articles,mentions,quotes,events,actors,raw_inputs}/part=<k>/
      --> DIR/_blocwatch_backfill.json (written last)  ==blocwatch load==>  the store

* :mod:`.inputs` splits files into records (a WARC into its records by byte offset, JSON lines
  into lines) so one big archive spreads over every core, and reads a record back with the very
  extraction code of ``blocwatch ingest`` (:mod:`blocwatch.ingest`).
* :mod:`.worker` is what runs in a partition, the same for both engines; the pipeline of
  :mod:`blocwatch.nlp.pipeline` is loaded once per executor process (a module-level cache).
* :mod:`.schema` declares every table once, for pyarrow and for Spark; the columns are the
  store's, :mod:`.rows` maps an Analysis to rows and back.
* :mod:`.backfill` is the front door and the ``local`` engine (a loop or a process pool);
  :mod:`.spark` the ``spark`` engine (``mapPartitionsWithIndex``, no shuffle; each task writes
  its partition's files, or ``--writer spark`` hands the rows to Spark's Parquet writer).
* :mod:`.load` loads a finished backfill into the store one partition at a time, idempotently,
  through the same writer as ``blocwatch ingest`` — so loading equals ingesting.

Bad input is never dropped: every input that fails to read or analyse becomes a ``raw_inputs``
row with its bytes and problem, and the loader keeps it in the store's ``raw_inputs``.
"""

from blocwatch.scale.backfill import MANIFEST, BackfillError, BackfillSummary, backfill, partition_count
from blocwatch.scale.load import LoadSummary, load
from blocwatch.scale.rows import DatasetError

__all__ = [
    "MANIFEST",
    "BackfillError",
    "BackfillSummary",
    "DatasetError",
    "LoadSummary",
    "backfill",
    "load",
    "partition_count",
]
