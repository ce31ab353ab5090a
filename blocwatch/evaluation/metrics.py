"""Precision, recall and F1 counters and the report every evaluation returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["PRF", "Report"]


@dataclass(slots=True)
class PRF:
    """Counts of true positives, false positives and false negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: set[Any], predicted: set[Any]) -> None:
        self.tp += len(gold & predicted)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass(slots=True)
class Report:
    """One evaluation's result: an overall score, per-category scores and run facts."""

    task: str
    data: str
    overall: PRF
    categories: dict[str, PRF] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "task": self.task,
            "data": self.data,
            "overall": self.overall.as_dict(),
            "categories": {k: v.as_dict() for k, v in sorted(self.categories.items())},
            **self.facts,
        }

    def table(self) -> str:
        rows = [f"{self.task} on {self.data}", f"{'':12} {'P':>7} {'R':>7} {'F1':>7} {'n':>7}"]
        items = [("overall", self.overall), *sorted(self.categories.items())]
        for name, prf in items:
            rows.append(
                f"{name:12} {prf.precision:7.3f} {prf.recall:7.3f} {prf.f1:7.3f} {prf.tp + prf.fn:7d}"
            )
        for key, value in self.facts.items():
            rows.append(f"{key}: {value}")
        return "\n".join(rows)
