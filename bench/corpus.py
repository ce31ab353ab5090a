"""Texts the benchmarks run on, read at run time from ../shared (never copied into the repo)."""

from __future__ import annotations

from pathlib import Path

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
BBC_POLITICS = SHARED / "corpus" / "bbc-news" / "bbc" / "politics"


def bbc_politics(limit: int) -> list[str]:
    """The first ``limit`` BBC politics articles; exits with a clear message without ../shared."""
    if not BBC_POLITICS.exists():
        raise SystemExit(f"corpus not found at {BBC_POLITICS}")
    paths = sorted(BBC_POLITICS.glob("*.txt"))[:limit]
    return [p.read_text(encoding="utf-8", errors="replace") for p in paths]


GUARDIAN_SYRIA = SHARED / "corpus" / "guardian-syria" / "Guardian_SDF_sample.csv"


def guardian_syria(limit: int | None = None) -> list[tuple[str, str]]:
    """``(date, text)`` of the Guardian Syria sample (249 articles); exits clearly without it."""
    import csv

    if not GUARDIAN_SYRIA.exists():
        raise SystemExit(f"corpus not found at {GUARDIAN_SYRIA}")
    csv.field_size_limit(1 << 30)
    with GUARDIAN_SYRIA.open(encoding="utf-8", newline="") as handle:
        rows = [(r["date"], r["text"]) for r in csv.DictReader(handle) if r.get("text")]
    return rows[:limit] if limit else rows
