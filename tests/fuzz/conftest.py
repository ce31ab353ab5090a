"""Fuzz tests marked ``slow`` run only when asked for: ``pytest -m slow`` (or any ``-m``
expression naming ``slow``), so a plain ``pytest`` stays a CI-sized run."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _slow_only_when_asked(request: pytest.FixtureRequest) -> None:
    if request.node.get_closest_marker("slow") and "slow" not in (request.config.option.markexpr or ""):
        pytest.skip("slow fuzz run: select it with -m slow")
