"""``blocwatch serve --workers N``: N uvicorn worker processes serve the same site and store."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from blocwatch.store import Store
from blocwatch.web.cache import CACHE_HEADER

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _descendants(pid: int) -> set[int]:
    found: set[int] = set()
    todo = [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            children = (task / "children").read_text().split() if (task / "children").exists() else []
            for child in map(int, children):
                if child not in found:
                    found.add(child)
                    todo.append(child)
    return found


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
    except OSError:
        return ""


@pytest.mark.slow
def test_two_workers_serve_the_store(backend_url: str) -> None:
    if not Path("/proc/self/task").exists():
        pytest.skip("needs /proc to count the worker processes")
    Store(backend_url).close()  # migrated once here, as `serve` does before starting its workers
    port = _free_port()
    env = dict(os.environ, BLOCWATCH_RATE_LIMIT_PER_MINUTE="0")
    server = subprocess.Popen(
        [sys.executable, "-m", "blocwatch.cli", "serve", "--port", str(port), "--workers", "2",
         "--database-url", backend_url],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        workers: set[int] = set()
        while time.monotonic() < deadline:
            assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
            except httpx.HTTPError:
                health = None
            # uvicorn spawns its workers with multiprocessing (its resource tracker is no worker).
            workers = {p for p in _descendants(server.pid) if "spawn_main" in _cmdline(p)}
            if health is not None and health.status_code == 200 and len(workers) >= 2:
                break
            time.sleep(0.5)
        assert health is not None and health.json()["status"] == "ok"
        assert len(workers) >= 2, workers
        # Settings given as flags reach the workers: they serve this store, pages and all.
        home = httpx.get(f"http://127.0.0.1:{port}/.json", timeout=30)
        assert home.status_code == 200 and home.json()["total_articles"] == 0
        assert home.headers[CACHE_HEADER] in ("hit", "miss")
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
