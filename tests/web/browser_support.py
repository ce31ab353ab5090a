"""Shared by the browser tests: a real uvicorn on a free loopback port, and headless Chromium.

``serve(app)`` runs the app in a thread until the ``with`` block ends; ``chromium_page()``
yields a fresh page and the list of console errors and warnings it logged (a test asserts it
stays empty: assets load and scripts run under the site's Content-Security-Policy).
``artifact_path(name)`` is where a screenshot goes: ``$BLOCWATCH_TEST_ARTIFACTS`` or
``<repo>/artifacts/screenshots`` (git-ignored), the same on SQLite and PostgreSQL runs.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

ARTIFACTS_ENV = "BLOCWATCH_TEST_ARTIFACTS"
DEFAULT_ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


def artifact_path(name: str) -> Path:
    """Where the test artifact ``name`` (a screenshot) is saved; the directory is created."""
    directory = Path(os.environ.get(ARTIFACTS_ENV) or DEFAULT_ARTIFACTS)
    directory.mkdir(parents=True, exist_ok=True)
    return directory / name


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """The base URL of ``app`` served by uvicorn on 127.0.0.1, for the duration of the block."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def chromium_page() -> Iterator[tuple[Any, list[str]]]:
    """A page in headless Debian Chromium and its console errors/warnings; skips without it."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            console: list[str] = []
            page.on("console", lambda m: console.append(m.text) if m.type in ("error", "warning") else None)
            yield page, console
        finally:
            browser.close()
