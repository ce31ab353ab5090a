"""The blocwatch web site and JSON API (FastAPI + Jinja2 + htmx); see :mod:`blocwatch.web.app`.

``create_app`` is imported lazily so that the pure helpers (e.g. :mod:`blocwatch.web.layout`)
can be used without loading FastAPI and the store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from blocwatch.web.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from blocwatch.web.app import create_app

        return create_app
    raise AttributeError(f"module 'blocwatch.web' has no attribute {name!r}")
