"""The Spark engine: record refs parallelised over a SparkSession, one partition per task.

:func:`run_spark` plans the refs into contiguous partitions of balanced work
(:mod:`blocwatch.scale.plan`), hands them to Spark largest first, one Spark partition each, and
runs :func:`blocwatch.scale.worker.process_partition` on each.  No
shuffle happens anywhere.  Two writers give the same files' contents (tests compare them):

* ``arrow`` (default): each task writes its own partition's files with pyarrow
  (:func:`blocwatch.scale.backfill.write_partition`, written aside and renamed, so a retried or
  speculative task replaces a file whole) and returns only its stats: ONE Spark job, rows never
  cross into the JVM.  Needs ``--out`` on a file system every executor sees at the same path.
* ``spark``: the tagged rows (``(table, row)``) are persisted (memory, spilling to disk) so the
  analysis runs once, and one DataFrame per table with its explicit schema
  (:func:`blocwatch.scale.schema.spark_schema`) goes through Spark's own Parquet writer,
  partitioned by ``part`` — for outputs only Spark can reach (HDFS, object stores).  It costs
  six more jobs and a JVM round trip of every row: about a second per table on a laptop, a
  fixed cost that more cores do not shrink, which is why it is not the default.

:func:`spark_session` builds a session fit for a laptop: ``spark.driver.memory`` 2g (the
executors of ``local[N]`` live in the driver's JVM; the rows they hold spill to disk),
``spark.sql.shuffle.partitions`` = 2 x cores (the Spark default of 200 is for clusters), no UI,
zstd Parquet, Python workers reused across tasks (so each loads the model once), the workers on
this interpreter, and Spark's own output kept off the terminal: the JVM is launched with its
standard error on ``<tmp>/blocwatch-spark-conf/spark.log`` (start-up banner included), its log at
error level (a log4j2 configuration in that directory, made ``SPARK_CONF_DIR``).
``--master spark://host:7077`` runs the same job on a cluster whose workers have blocwatch
installed and see the inputs and ``--out`` at the same paths (a shared file system).
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from blocwatch.scale.inputs import RecordRef
from blocwatch.scale.schema import TABLES, spark_schema
from blocwatch.scale.worker import STATS, process_partition
from blocwatch.settings import Settings

__all__ = ["java_problem", "run_spark", "spark_session"]

_MASTER = re.compile(r"^(local(\[(\d+|\*)\])?|spark://[\w.\-]+(:\d+)?(,[\w.\-]+(:\d+)?)*|yarn|k8s://\S+)$")
_LOG4J = """rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = spark: %p %c{1}: %m%n
logger.repl.name = org.apache.spark.repl.Main
logger.repl.level = error
"""


def java_problem() -> str | None:
    """Why Spark cannot start here (no ``java`` on PATH nor ``JAVA_HOME``), or None."""
    import shutil

    home = os.environ.get("JAVA_HOME")
    if home and Path(home, "bin", "java").exists():
        return None
    return None if shutil.which("java") else "no Java runtime: install Java 17 (java on PATH or JAVA_HOME)"


def cores_of(master: str) -> int:
    found = re.match(r"^local\[(\d+|\*)\]$", master)
    if master == "local":
        return 1
    if found:
        return (os.cpu_count() or 1) if found.group(1) == "*" else int(found.group(1))
    return os.cpu_count() or 2


def spark_session(master: str = "local[2]", app_name: str = "blocwatch-backfill") -> Any:
    """A SparkSession on ``master`` with the settings of the module docstring."""
    from blocwatch.scale.backfill import BackfillError

    if not _MASTER.match(master):
        raise BackfillError(f"--master {master!r} is not local, local[N], local[*] or spark://host:port")
    problem = java_problem()
    if problem:
        raise BackfillError(f"the spark engine needs Java: {problem}")
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise BackfillError("the spark engine needs PySpark: pip install 'blocwatch[spark]'") from None
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers run this interpreter
    # Spark puts SPARK_CONF_DIR on the JVM's class path, where log4j2 looks for its configuration.
    conf_dir = Path(tempfile.gettempdir()) / "blocwatch-spark-conf"
    conf_dir.mkdir(exist_ok=True)
    (conf_dir / "log4j2.properties").write_text(_LOG4J, encoding="utf-8")
    os.environ.setdefault("SPARK_CONF_DIR", str(conf_dir))
    builder = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.driver.memory", "2g")
        .config("spark.sql.shuffle.partitions", str(2 * cores_of(master)))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.python.worker.reuse", "true")
        .config("spark.sql.parquet.compression.codec", "zstd")
    )
    with _jvm_stderr_to(conf_dir / "spark.log"):
        session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


@contextmanager
def _jvm_stderr_to(log: Path) -> Iterator[None]:
    """Start the JVM (if this starts it) with its standard error on ``log``, not the terminal.

    The JVM inherits file descriptor 2 when PySpark launches it, so pointing 2 at the log for
    the launch sends Spark's start-up banner and log lines (and its Python workers') there for
    the session's life, while this process's own standard error is restored at once.  Spark's
    failures still reach the caller, as Python exceptions."""
    saved = os.dup(2)
    try:
        with log.open("ab") as target:
            os.dup2(target.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _as_tuple(table: str, part: int, row: dict[str, Any]) -> tuple[Any, ...]:
    values: list[Any] = [part]
    for f in TABLES[table]:
        value = row.get(f.name)
        if f.kind == "sections" and value is not None:
            value = [(s["heading"], s["start"], s["end"]) for s in value]
        values.append(value)
    return tuple(values)


def _partition_rows(index: int, refs: Iterator[RecordRef], settings: Settings) -> Iterator[tuple[str, Any]]:
    counts = dict.fromkeys(TABLES, 0)
    for table, row in process_partition(index, refs, settings):
        if table == STATS:
            yield STATS, {**row, "rows": counts}
        else:
            counts[table] += 1
            yield table, _as_tuple(table, index, row)


def run_spark(
    refs: list[RecordRef],
    out: Path,
    settings: Settings,
    *,
    master: str = "local[2]",
    partitions: int | None = None,
    spark: Any = None,
    writer: str = "arrow",
) -> list[dict[str, Any]]:
    """Run the backfill of ``refs`` on Spark, write the tables under ``out``; partition stats."""
    from blocwatch.scale.backfill import BackfillError

    if writer not in ("arrow", "spark"):
        raise BackfillError(f"unknown writer {writer!r} (want arrow or spark)")
    if spark is None:
        from pyspark.sql import SparkSession

        # getOrCreate would hand back a session someone else is running: never stop theirs.
        own = SparkSession.getActiveSession() is None
        session = spark_session(master)
    else:
        own, session = False, spark
    try:
        context = session.sparkContext
        tasks = planned_tasks(refs, context.defaultParallelism, partitions)
        if writer == "arrow":
            return sorted(_arrow_job(context, tasks, out, settings), key=lambda s: s["part"])
        return sorted(_dataframe_job(session, tasks, out, settings), key=lambda s: s["part"])
    finally:
        if own:
            session.stop()


Task = tuple[int, list[RecordRef]]  # a planned partition: its number (input order) and refs


def planned_tasks(refs: list[RecordRef], parallelism: int, partitions: int | None) -> list[Task]:
    """The planned partitions (:mod:`blocwatch.scale.plan`) as ``(number, refs)``, largest first.

    Spark starts a stage's tasks in partition order, so parallelising this list with one
    element per Spark partition makes Spark run the biggest first, while each task still
    writes the ``part=<number>`` of its place in the input."""
    from blocwatch.scale.plan import largest_first, plan_partitions

    parts = plan_partitions(refs, parallelism, partitions)
    return [(k, parts[k]) for k in largest_first(parts)]


def _tasks_rdd(context: Any, tasks: list[Task]) -> Any:
    # numSlices = len(tasks): PySpark then pickles one element a batch and Spark's slicing
    # gives each partition exactly one task.
    return context.parallelize(tasks, len(tasks))


def _arrow_job(context: Any, tasks: list[Task], out: Path, settings: Settings) -> list[dict]:
    """One job: each task writes its own partition's files with pyarrow and returns its stats."""
    from blocwatch.scale.backfill import write_partition

    folder = Path(out).resolve()
    return list(_tasks_rdd(context, tasks).map(lambda t: write_partition(t[0], t[1], folder, settings))
                .collect())  # fmt: skip


def _dataframe_job(session: Any, tasks: list[Task], out: Path, settings: Settings) -> list[dict]:
    """Rows handed to Spark's own Parquet writer, one DataFrame per table (the rows persisted)."""
    from pyspark import StorageLevel

    context = session.sparkContext
    tagged = (
        _tasks_rdd(context, tasks)
        .flatMap(lambda t: _partition_rows(t[0], iter(t[1]), settings))
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    try:
        for table in TABLES:
            rows = tagged.filter(lambda pair, t=table: pair[0] == t).map(lambda pair: pair[1])
            frame = session.createDataFrame(rows, spark_schema(table))
            frame.write.mode("errorifexists").partitionBy("part").parquet(str(Path(out, table).resolve()))
        stats: list[dict[str, Any]] = tagged.filter(lambda pair: pair[0] == STATS).values().collect()
    finally:
        tagged.unpersist()
    return stats
