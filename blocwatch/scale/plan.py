"""Partition planning: record refs cut into contiguous partitions of balanced work, run largest first.

A backfill's wall time on N cores is the time of its busiest core, so the planner balances
*work*, not record counts.  The work of a record is estimated from its size
(:attr:`blocwatch.scale.inputs.RecordRef.size`, read from the WARC headers or the file system,
no body read): analysis time is close to linear in it (on the Guardian Syria sample, 1.4 KB
to 59 KB a record, correlation 0.93; a partition of 31 records cut by count ranged from 5 to
10 s of work), plus :data:`RECORD_COST` for the fixed cost of a record.

Partitions stay contiguous and numbered in input order (``part=<k>``: the loader's order),
but are *scheduled* largest first (:func:`largest_first`), because Spark and the process pool
start tasks in the order given: the longest-processing-time-first rule, which keeps the last
task on one core from running long after the other cores went idle.

Without an explicit count, the sizes follow *factoring* (Hummel, Schonberg and Flynn, 1992):
rounds of one partition per core, each round sharing half the work still unplanned, down to a
floor of ``1 / (FLOOR_SHARE x cores)`` of the work.  The big early partitions keep the number
of tasks (and their start-up gaps) small; the small late ones absorb the error of the size
estimate, so the cores finish within about one small partition of each other.  No partition
holds more than :data:`RECORDS_PER_PARTITION` records (the loader reads one at a time).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from blocwatch.scale.inputs import RecordRef

__all__ = ["FLOOR_SHARE", "RECORDS_PER_PARTITION", "RECORD_COST", "largest_first", "partition_cost",
           "plan_partitions"]  # fmt: skip

RECORDS_PER_PARTITION = 250
# The fixed work of one record (opening it, extraction, a spaCy doc), in bytes of content (small:
# on the Guardian sample a linear fit of time on size has an intercept near zero), so that
# a record of no size is not free, and whole-file refs of unknown size are balanced by count.
RECORD_COST = 1_000
# The smallest planned partition is 1/(FLOOR_SHARE x cores) of the work: on two cores, 1/64,
# about 0.7 s of the 45 s Guardian backfill, which bounds how long one core waits for the other
# at the end (with 1/32 the measured idle tail was 0.4-1.5 s); each extra task costs ~0.1 s.
FLOOR_SHARE = 32


def record_cost(ref: RecordRef) -> int:
    return max(0, ref.size) + RECORD_COST


def partition_cost(refs: Sequence[RecordRef]) -> int:
    """The estimated work of a partition, in bytes (see the module docstring)."""
    return sum(record_cost(r) for r in refs)


def plan_partitions(
    refs: Sequence[RecordRef], parallelism: int, partitions: int | None = None
) -> list[list[RecordRef]]:
    """``refs`` cut into contiguous partitions, in input order, balanced by estimated work.

    ``partitions`` asks for that many partitions of equal work (fewer when there are fewer
    records, or one record outweighs a share); without it the sizes follow factoring for
    ``parallelism`` cores.  Every ref is in exactly one partition, the order kept across them;
    no refs give one empty partition."""
    if not refs:
        return [[]]
    costs = [record_cost(r) for r in refs]
    total = sum(costs)
    if partitions:
        count = max(1, min(partitions, len(refs)))
        shares = [total / count] * count
    else:
        shares = factoring_shares(total, max(1, parallelism))
    parts = _cut(refs, costs, shares)
    return [piece for part in parts for piece in _capped(part)]


def factoring_shares(total: float, cores: int) -> list[float]:
    """The work of each partition, largest first: rounds of ``cores`` partitions, each round
    sharing half the work left, none under ``total / (FLOOR_SHARE * cores)``."""
    floor = total / (FLOOR_SHARE * cores)
    shares: list[float] = []
    left = total
    while left > floor * 1e-6:
        share = max(floor, left / (2 * cores))
        for _ in range(cores):
            take = min(share, left)
            if take <= floor * 1e-6:
                break
            shares.append(take)
            left -= take
    return shares


def _cut(refs: Sequence[RecordRef], costs: list[int], shares: list[float]) -> list[list[RecordRef]]:
    """Each record goes to the partition whose share holds the middle of its cost, so a cut
    falls between records nearest to the planned boundary; a partition left empty (one record
    outweighing its share) is dropped."""
    bounds, acc = [], 0.0
    for share in shares:
        acc += share
        bounds.append(acc)
    bounds[-1] = math.inf  # rounding must not leave the last record out
    parts: list[list[RecordRef]] = [[] for _ in shares]
    k, done = 0, 0.0
    for ref, cost in zip(refs, costs, strict=True):
        middle = done + cost / 2
        while middle > bounds[k]:
            k += 1
        parts[k].append(ref)
        done += cost
    return [p for p in parts if p]


def _capped(part: list[RecordRef]) -> list[list[RecordRef]]:
    """``part`` split into nearly equal contiguous pieces of at most RECORDS_PER_PARTITION."""
    pieces = math.ceil(len(part) / RECORDS_PER_PARTITION)
    size, extra = divmod(len(part), pieces)
    out, start = [], 0
    for i in range(pieces):
        end = start + size + (1 if i < extra else 0)
        out.append(part[start:end])
        start = end
    return out


def largest_first(parts: Sequence[Sequence[RecordRef]]) -> list[int]:
    """The partitions' indexes in the order to start them: most estimated work first (ties in
    input order)."""
    return sorted(range(len(parts)), key=lambda k: -partition_cost(parts[k]))
