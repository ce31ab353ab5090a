"""Partition planning: contiguous partitions in input order, balanced by estimated work, the
largest started first, none over the record cap (pure functions: no Spark, no model)."""

from __future__ import annotations

import random

from blocwatch.scale.inputs import RecordRef
from blocwatch.scale.plan import (
    RECORDS_PER_PARTITION,
    largest_first,
    partition_cost,
    plan_partitions,
    record_cost,
)


def refs_of(sizes: list[int]) -> list[RecordRef]:
    return [RecordRef("warc", "/archive.warc.gz", offset=i * 100, size=s) for i, s in enumerate(sizes)]


def varied(count: int, seed: int = 7) -> list[RecordRef]:
    """Record sizes spread like a news archive's: mostly 2-8 KB, a few up to 60 KB."""
    rng = random.Random(seed)
    return refs_of([int(rng.lognormvariate(8.5, 0.7)) for _ in range(count)])


def flat(parts: list[list[RecordRef]]) -> list[RecordRef]:
    return [r for p in parts for r in p]


def test_every_ref_once_in_input_order_whatever_the_plan() -> None:
    refs = varied(249)
    for cores, asked in ((1, None), (2, None), (4, None), (2, 3), (2, 8), (2, 40), (2, 1000)):
        parts = plan_partitions(refs, cores, asked)
        assert flat(parts) == refs, (cores, asked)
        assert all(parts), "no empty partition"
    assert plan_partitions([], 2) == [[]]  # nothing to do is still one (empty) partition
    assert len(plan_partitions(refs_of([10, 10]), 2, 8)) == 2  # never more partitions than records


def test_asked_partitions_are_balanced_by_size_not_by_count() -> None:
    # A few big records at the start: cutting by count would put most of the work first.
    refs = refs_of([60_000] * 10 + [2_000] * 230)
    parts = plan_partitions(refs, 2, 8)
    assert len(parts) == 8
    costs = [partition_cost(p) for p in parts]
    share = sum(costs) / 8
    biggest = max(record_cost(r) for r in refs)
    # Each partition is its share to within one record (the cut falls between records).
    assert all(abs(c - share) <= biggest for c in costs), costs
    assert len(parts[0]) < len(parts[-1])  # the big records' partitions hold fewer of them


def test_default_plan_shrinks_towards_the_end_and_starts_the_biggest() -> None:
    refs = varied(249)
    parts = plan_partitions(refs, 2)
    costs = [partition_cost(p) for p in parts]
    total = sum(costs)
    # Factoring on two cores: the first round holds about half the work, the last partitions
    # are small (about 1/64 each), so the cores finish close together.
    assert 0.4 * total <= costs[0] + costs[1] <= 0.6 * total
    assert max(costs[-4:]) <= total / 32
    assert 8 <= len(parts) <= 16  # few tasks: each costs a scheduling round trip
    order = largest_first(parts)
    assert sorted(order) == list(range(len(parts)))
    assert [costs[k] for k in order] == sorted(costs, reverse=True)
    # One core: still a shrinking plan, with fewer partitions.
    assert len(plan_partitions(refs, 1)) < len(parts)


def test_largest_first_keeps_input_order_between_equals() -> None:
    parts = [refs_of([5]), refs_of([9]), refs_of([5]), refs_of([9])]
    assert largest_first(parts) == [1, 3, 0, 2]


def test_no_partition_exceeds_the_record_cap() -> None:
    refs = refs_of([3_000] * 10_000)
    parts = plan_partitions(refs, 2)
    assert flat(parts) == refs
    assert max(len(p) for p in parts) <= RECORDS_PER_PARTITION
    assert len(plan_partitions(refs, 2, 3)) == 42  # 3 asked, each cut into 14 capped pieces


def test_unknown_sizes_are_balanced_by_count() -> None:
    refs = [RecordRef("file", f"/in/{i}.html") for i in range(40)]  # size 0: unknown
    sizes = [len(p) for p in plan_partitions(refs, 2, 4)]
    assert sizes == [10, 10, 10, 10]
