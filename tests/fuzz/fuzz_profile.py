"""The fuzzing profile shared by every property in ``tests/fuzz``.

Each property is one plain ``check(...)`` function turned into two tests by :func:`properties`:

* ``test_<name>`` -- the CI run: ``BLOCWATCH_FUZZ_EXAMPLES`` examples (default 100), so the
  whole fuzz suite stays well under a minute;
* ``test_<name>_slow`` -- marked ``slow`` and run only when asked (``pytest -m slow``):
  ``BLOCWATCH_FUZZ_SLOW_EXAMPLES`` examples (default 1,000), which over the readers in this
  folder is more than 10,000 cases in all.

"Terminates quickly" is the hypothesis ``deadline`` (per example, generous for the first calls
that load trafilatura or spaCy-free parsers).  The example database is kept in
``.hypothesis/`` as usual, so a failure found once is replayed first on the next run.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis.strategies import SearchStrategy

FAST_EXAMPLES = int(os.environ.get("BLOCWATCH_FUZZ_EXAMPLES", "100"))
SLOW_EXAMPLES = int(os.environ.get("BLOCWATCH_FUZZ_SLOW_EXAMPLES", "1000"))
DEADLINE = timedelta(seconds=float(os.environ.get("BLOCWATCH_FUZZ_DEADLINE", "5")))
_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]


def profile(examples: int) -> settings:
    return settings(max_examples=examples, deadline=DEADLINE, suppress_health_check=_HEALTH, print_blob=True)


def properties(
    check: Callable[..., None], *strategies: SearchStrategy[Any]
) -> tuple[Callable[..., None], Callable[..., None]]:
    """``(fast test, slow test)`` of the property ``check`` over ``strategies``."""
    fast = profile(FAST_EXAMPLES)(given(*strategies)(check))
    slow = pytest.mark.slow(profile(SLOW_EXAMPLES)(given(*strategies)(check)))
    return fast, slow
