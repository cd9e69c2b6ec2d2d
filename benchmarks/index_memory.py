"""Measure the record_id index: bytes per id, and the time of each insert and lookup.

    python benchmarks/index_memory.py                      # 1,000,000 ids
    python benchmarks/index_memory.py --records 10000000   # ten million (about a minute)

Ids of the generator's shape (``r-00000000``), each created as a run reads it, are
added the way ``Engine.run_records`` adds them: the head (a dict) while it has room,
then ``IdIndex.tail_first``. The contender is the plain dict the run kept before
(``dict.get``, then a store). Memory is what ``tracemalloc`` counts once the ids are
in: the whole index, and per id beyond the first 100,000 (the goal: at most 40 bytes).
Times are CPU time per id, the making of the id itself subtracted: first every id is
added (all new), then looked up again (all known, as a duplicate is).
"""

from __future__ import annotations

import argparse
import gc
import time
import tracemalloc
from collections.abc import Callable

from personal_outcomes.validation._index import HEAD_SIZE, IdIndex

#: The goal: bytes per id beyond the first HEAD_SIZE.
GOAL_BYTES = 40.0
_SHIFT = 1 << 40


def _index_adder() -> tuple[object, Callable[[str, int], object]]:
    """Return an empty index and a function adding one id, as the run's inner loop does."""
    index = IdIndex()
    head, head_size, tail_first = index.head, index.head_size, index.tail_first

    def add(key: str, place: int) -> object:
        first = head.get(key)
        if first is None:
            if len(head) < head_size:
                head[key] = place
            else:
                first = tail_first(key, place)
        return first

    return index, add


def _dict_adder() -> tuple[object, Callable[[str, int], object]]:
    """Return an empty dict and a function adding one id, as the run did before the index."""
    seen: dict[str, int] = {}

    def add(key: str, place: int) -> object:
        first = seen.get(key)
        if first is None:
            seen[key] = place
        return first

    return seen, add


ADDERS = {"dict": _dict_adder, "index": _index_adder}


def memory(kind: str, records: int) -> tuple[float, float]:
    """Return the bytes the structure holds with ``records`` ids, and per id beyond the head."""
    gc.collect()
    tracemalloc.start()
    structure, add = ADDERS[kind]()
    at_head = 0
    for number in range(records):
        if number == HEAD_SIZE:
            at_head = tracemalloc.get_traced_memory()[0]
        add(f"r-{number:08d}", number * _SHIFT + number + 1)
    size = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del structure, add
    beyond = (size - at_head) / (records - HEAD_SIZE) if records > HEAD_SIZE else 0.0
    return size, beyond


def _loop(records: int) -> float:
    """CPU seconds of making the ids alone."""
    start = time.process_time()
    for number in range(records):
        f"r-{number:08d}"
    return time.process_time() - start


def timing(kind: str, records: int) -> tuple[float, float, float]:
    """Return CPU ns per id: adding in the head's part, beyond it, and looking all up."""
    gc.collect()
    structure, add = ADDERS[kind]()
    first_part = min(records, HEAD_SIZE)
    start = time.process_time()
    for number in range(first_part):
        add(f"r-{number:08d}", number * _SHIFT + number + 1)
    head_time = time.process_time() - start
    start = time.process_time()
    for number in range(first_part, records):
        add(f"r-{number:08d}", number * _SHIFT + number + 1)
    tail_time = time.process_time() - start
    start = time.process_time()
    for number in range(records):
        add(f"r-{number:08d}", 0)
    lookup_time = time.process_time() - start
    del structure, add
    head_loop = _loop(first_part)
    tail_loop = _loop(records - first_part)
    rest = max(records - first_part, 1)
    return (
        (head_time - head_loop) / first_part * 1e9,
        (tail_time - tail_loop) / rest * 1e9,
        (lookup_time - head_loop - tail_loop) / records * 1e9,
    )


def main() -> None:
    """Measure both at each size asked for; print a table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--records", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--repeats", type=int, default=3, help="timings: the best of N")
    args = parser.parse_args()
    print(
        f"{'ids':>12} {'kind':>6} {'MiB':>8} {'B/id':>6} {'B/id >100k':>10} "
        f"{'ns add <100k':>12} {'ns add >100k':>12} {'ns lookup':>10}"
    )
    for records in args.records:
        for kind in ADDERS:
            size, beyond = memory(kind, records)
            times = [timing(kind, records) for _ in range(args.repeats)]
            best = [min(column) for column in zip(*times, strict=True)]
            print(
                f"{records:>12,} {kind:>6} {size / 2**20:>8.1f} {size / records:>6.1f} "
                f"{beyond:>10.1f} {best[0]:>12.0f} {best[1]:>12.0f} {best[2]:>10.0f}"
            )
            if kind == "index" and records > HEAD_SIZE:
                verdict = "met" if beyond <= GOAL_BYTES else "NOT met"
                print(f"{'':>12} at most {GOAL_BYTES:.0f} bytes an id beyond the head: {verdict}")


if __name__ == "__main__":
    main()
