"""The knowledge base as the ``blocwatch actors`` commands see it: phrase resolution over JSON
lines and a plain description of one entry.  Library functions, so the CLI stays thin.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from blocwatch.knowledge.base import KnowledgeBase
from blocwatch.knowledge.builtin import load_knowledge_base

__all__ = ["describe", "resolve_lines"]


def _date(value: Any) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None


def resolve_lines(lines: Iterable[str], extra: Sequence[Path] = ()) -> Iterator[dict[str, Any]]:
    """``{"id","text","date"?}`` per line -> ``{"id","actor"}``; bad lines -> ``{"id","error"}``."""
    kb = load_knowledge_base(tuple(extra))
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        record_id: Any = None
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("a record must be a JSON object")
            record_id = record.get("id")
            text = record.get("text")
            if not isinstance(text, str) or not text.strip():
                raise ValueError('"text" is missing or empty')
            actor = kb.lookup(text, _date(record.get("date")))
        except ValueError as exc:
            yield {"id": record_id, "error": f"line {number}: {exc}"}
            continue
        contract = actor.contract() if actor else None
        if contract is not None:
            contract.pop("members", None)
        yield {"id": record_id, "actor": contract}


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v not in ("", (), None)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def describe(kb: KnowledgeBase, actor_id: str, on: date | None = None) -> dict[str, Any] | None:
    """Everything the knowledge base holds about one actor, JSON-ready; ``None`` if unknown."""
    entry = kb.get(actor_id)
    if entry is None:
        return None
    out: dict[str, Any] = _plain(entry)
    out["actor"] = entry.actor(on).contract()
    out["blocs"] = kb.blocs_of(actor_id, on)
    return out
