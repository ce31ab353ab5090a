"""Re-processing started from the web (``POST /api/reprocess``, the Reprocess form): one job at a time.

Re-analysing every stored article takes minutes on a large store, far longer than a request
should wait, so a request only *starts* a job: :meth:`ReprocessJobs.start` runs
:func:`blocwatch.reprocess.reprocess` — the very function behind ``blocwatch reprocess`` — in a
background thread and returns at once with the job's id; ``GET /api/reprocess/{id}`` reports
its progress and, when it is done, its summary.  At most one job runs at a time (a second
request gets 409 while one runs): two runs over the same articles would only do the work twice.

The job analyses in the server process itself (``workers = 1``): forking analysis workers out
of a threaded web server is not safe, and the site keeps serving while the job runs.  The spaCy
pipeline is the process-wide cached one (:func:`blocwatch.nlp.pipeline.pipeline_for_settings`), loaded
by the job on first use.  Explicit ids are capped at :data:`MAX_IDS` per request; no ids means
every stored article.  Finished jobs are remembered (the last :data:`KEEP_JOBS`) until the
server stops; a job still running when the server stops is abandoned mid-way, which is safe
because every article is saved in its own transaction.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from blocwatch.settings import Settings
from blocwatch.store import Store

__all__ = ["KEEP_JOBS", "MAX_IDS", "JobRunning", "ReprocessJobs"]

MAX_IDS = 10_000
KEEP_JOBS = 20


class JobRunning(RuntimeError):
    """Another re-processing job has not finished yet."""

    def __init__(self, job: dict[str, Any]) -> None:
        super().__init__(f"re-processing job {job['id']} is still running")
        self.job = job


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class ReprocessJobs:
    """The re-processing jobs of one app (``app.state.reprocess_jobs``)."""

    def __init__(self, settings: Settings, store: Store) -> None:
        # Analysis in this process only: see the module docstring.
        self.settings = settings.model_copy(update={"workers": 1})
        self.store = store
        self._jobs: dict[int, dict[str, Any]] = {}
        self._threads: dict[int, threading.Thread] = {}
        self._lock = threading.Lock()
        self._next_id = 1

    def start(self, ids: Sequence[str] | None) -> dict[str, Any]:
        """Start re-processing ``ids`` (every article when None); raises :class:`JobRunning`."""
        if ids is not None and len(ids) > MAX_IDS:
            raise ValueError(f"at most {MAX_IDS} article ids per request, got {len(ids)}")
        with self._lock:
            running = [j for j in self._jobs.values() if j["status"] in ("queued", "running")]
            if running:
                raise JobRunning(dict(running[0]))
            job_id, self._next_id = self._next_id, self._next_id + 1
            job: dict[str, Any] = {
                "id": job_id, "status": "queued", "requested": list(ids) if ids is not None else None,
                "started_at": _now(), "finished_at": None, "processed": 0, "summary": None, "error": None,
            }  # fmt: skip
            self._jobs[job_id] = job
            for old in sorted(self._jobs)[:-KEEP_JOBS]:
                del self._jobs[old]
                self._threads.pop(old, None)
            thread = threading.Thread(
                target=self._run, args=(job_id,), name=f"reprocess-{job_id}", daemon=True
            )
            self._threads[job_id] = thread
            snapshot = dict(job)
        thread.start()
        return snapshot

    def get(self, job_id: int) -> dict[str, Any] | None:
        with self._lock:
            job = self._jobs.get(job_id)
            return dict(job) if job is not None else None

    def list(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(self._jobs[k]) for k in sorted(self._jobs, reverse=True)]

    def wait(self, job_id: int, timeout: float | None = None) -> dict[str, Any] | None:
        """Block until job ``job_id`` has finished (for tests and shutdown); returns it."""
        thread = self._threads.get(job_id)
        if thread is not None:
            thread.join(timeout)
        return self.get(job_id)

    def _update(self, job_id: int, **changes: Any) -> None:
        with self._lock:
            if job_id in self._jobs:
                self._jobs[job_id].update(changes)

    def _advance(self, job_id: int) -> None:
        with self._lock:
            if job_id in self._jobs:
                self._jobs[job_id]["processed"] += 1

    def _run(self, job_id: int) -> None:
        from blocwatch.nlp.pipeline import pipeline_for_settings
        from blocwatch.reprocess import reprocess

        job = self.get(job_id)
        assert job is not None
        self._update(job_id, status="running")
        s = self.settings
        try:
            pipeline = pipeline_for_settings(s)
            summary = reprocess(s, self.store, pipeline, job["requested"],
                                on_item=lambda _id: self._advance(job_id))  # fmt: skip
        except Exception as exc:  # reported on the job, never lost in a thread
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            self._update(job_id, status="failed", error=detail, finished_at=_now())
            return
        self._update(job_id, status="done", finished_at=_now(), summary={
            "done": summary.done, "changed": summary.changed, "failed": summary.failed,
            "missing": summary.missing, "errors": summary.errors[:100], "line": summary.line(),
        })  # fmt: skip
