"""The record_id index: exact in both tiers, whatever the hashes, and the same report every way.

The index keeps the first ids in a dict (the head) and the rest in compact buckets (the
tail). These tests shrink the head to a few ids and the buckets' load to two, so that the
switch between the tiers and the doubling of the buckets happen within a few records,
and replace the hash to force collisions: the index must answer exactly as a plain dict,
and ``validate`` must report what it reports with the head alone.
"""

from __future__ import annotations

import io
import json
import multiprocessing.pool
import struct
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factories import TODAY, TODAY_ARG, outcome_record, record
from personal_outcomes import validate_files
from personal_outcomes._cli import _validate, run
from personal_outcomes.validation import _index, _parallel
from personal_outcomes.validation._index import IdIndex

#: Ids of every awkward kind: non-ASCII, a lone surrogate, control characters, empty and
#: blank, 100 characters, and two spellings of "é" that are different strings.
AWKWARD = [
    "r-1",
    "r-01",
    "",
    " ",
    "\x00",
    "é",
    "e\u0301",
    "\ud800",
    "🙂",
    "a" * 100,
    "a" * 99 + "b",
    "x" * 254,  # the longest id whose length fits its byte
    "x" * 255,
    "é" * 200,  # 400 bytes
]
#: Hash functions that collide: all ids on one tag, tags equal but the rest not, three tags.
HASHES: dict[str, Callable[[str], int]] = {
    "python": hash,
    "constant": lambda key: 7,
    "same tag": lambda key: len(key) << 32,
    "three": lambda key: len(key) % 3,
}


def _shrink(patch: pytest.MonkeyPatch, head_size: int = 4, load: int = 2, batch: int = 2) -> None:
    """A small head; buckets that double at ``load`` ids each; ids packed ``batch`` at a time."""
    patch.setattr(_index, "HEAD_SIZE", head_size)
    patch.setattr(_index, "LOAD", load)
    patch.setattr(_index, "BATCH", batch)
    patch.setattr(_index, "STRIDE", 3)


@pytest.fixture
def small(monkeypatch: pytest.MonkeyPatch) -> None:
    """A head of four ids, buckets that double at two ids each, ids packed two at a time."""
    _shrink(monkeypatch)


def _index_with(hashing: Callable[[str], int], head_size: int, batch: int = 1) -> IdIndex:
    """An index with this hash and head, packing ids ``batch`` at a time."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_index, "id_hash", hashing)
        patch.setattr(_index, "HEAD_SIZE", head_size)
        patch.setattr(_index, "BATCH", batch)
        return IdIndex()


# ---- the index alone ----------------------------------------------------------------

KEYS = st.one_of(st.sampled_from(AWKWARD), st.text(max_size=100))
Step = tuple[str, list[str]]
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("first"), st.lists(KEYS, min_size=1, max_size=1)),
        st.tuples(st.just("merge"), st.lists(KEYS, max_size=12)),
    ),
    max_size=40,
)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    steps=STEPS,
    head_size=st.integers(0, 6),
    load=st.sampled_from([1, 2, 64]),
    batch=st.sampled_from([1, 2, 3, 4096]),
    stride=st.sampled_from([1, 2, 5, 64]),
    hashing=st.sampled_from(sorted(HASHES)),
)
def test_the_index_answers_as_a_dict(
    *, steps: list[Step], head_size: int, load: int, batch: int, stride: int, hashing: str
) -> None:
    """For any ids, added one by one or a slice at a time, the answers of a dict."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_index, "LOAD", load)
        patch.setattr(_index, "STRIDE", stride)
        index = _index_with(HASHES[hashing], head_size, batch)
        model: dict[str, int] = {}
        place = 0
        for kind, keys in steps:
            if kind == "first":
                place += 1
                expected = model.setdefault(keys[0], place)
                assert index.first(keys[0], place) == (None if expected == place else expected)
            else:
                firsts: dict[str, int] = {}
                for key in keys:
                    place += 1
                    firsts.setdefault(key, place)
                earlier = {key: model[key] for key in firsts if key in model}
                assert index.merge(firsts) == earlier
                model.update({key: at for key, at in firsts.items() if key not in earlier})
            assert len(index) == len(model)
            assert len(index.head) == min(head_size, len(model))
        # Every id answers with its first place, and adds nothing.
        for key, at in model.items():
            assert index.first(key, -1) == at
        assert len(index) == len(model)


@pytest.mark.parametrize("batch", [1, 2, 4096])
def test_the_switch_from_the_head_to_the_tail(batch: int) -> None:
    """The fifth id goes to the tail; ids of either tier are found after the switch."""
    index = _index_with(hash, 4, batch)
    assert [index.first(f"r-{n}", n) for n in range(6)] == [None] * 6
    assert index.head == {"r-0": 0, "r-1": 1, "r-2": 2, "r-3": 3}
    assert len(index) == 6
    assert [index.first(f"r-{n}", 10 + n) for n in range(7)] == [0, 1, 2, 3, 4, 5, None]
    assert index.first("r-6", 20) == 16


@pytest.mark.parametrize("batch", [1, 5])
def test_places_of_any_size_are_kept_whole_in_the_tail(batch: int) -> None:
    """Halves of up to 32 bits are kept in the places; larger ones whole, apart."""
    halves = [0, 1, (1 << 32) - 2, (1 << 32) - 1, 1 << 32, (1 << 40) - 1]
    places = [(high << 40) | low for high in halves for low in halves]
    places += [(1 << 80) - 1, 1 << 80, 1 << 100]
    index = _index_with(hash, 0, batch)
    for number, place in enumerate(places):
        assert index.first(f"id-{number}", place) is None
    assert index.first("last", 0) is None  # all of them packed
    assert [index.first(f"id-{number}", 1) for number in range(len(places))] == places


def test_colliding_tags_are_told_apart_by_the_ids_themselves() -> None:
    """Every id on one tag: each is still found, and none is taken for another."""
    index = _index_with(HASHES["constant"], 0)
    for number, key in enumerate(AWKWARD):
        assert index.first(key, number) is None
    for number, key in enumerate(AWKWARD):
        assert index.first(key, 100) == number
    # An id that is a prefix, or an extension, of a stored one is another id.
    assert index.first("a" * 101, 200) is None
    assert index.first("a" * 98, 201) is None
    assert index.first("a" * 101, 300) == 200


def test_a_tag_found_across_two_words_is_not_a_match() -> None:
    """The tag's bytes may occur straddling two words; only a whole tag counts."""
    first_tag = 0x0102_0304
    word = struct.pack("=II", 0, first_tag)  # the first id's word: its number, its tag
    straddling = struct.unpack("=I", word[2:6])[0]  # its bytes 2 to 5
    tags = {"first": first_tag, "second": straddling, "other": 0x7777_7777, "more": 0x6666_6666}
    index = _index_with(lambda key: tags[key], 0)  # each id packed when the next comes
    assert index.first("first", 1) is None
    assert index.first("other", 2) is None
    assert index.first("second", 3) is None  # found at byte 2 of the first word only
    assert index.first("more", 4) is None
    assert (index.first("second", 5), index.first("first", 5)) == (3, 1)


@pytest.mark.usefixtures("small")
def test_doubling_keeps_every_id() -> None:
    """Buckets of two ids double over and over; every id stays where it was."""
    index = IdIndex()
    keys = [f"id-{n}" for n in range(300)]
    assert [index.first(key, n) for n, key in enumerate(keys)] == [None] * 300
    assert [index.first(key, -1) for key in keys] == list(range(300))


def test_merging_a_slice_fills_the_head_and_then_the_tail() -> None:
    index = _index_with(hash, 4)
    assert index.merge({"a": 1, "b": 2}) == {}
    assert index.head == {"a": 1, "b": 2}
    # Two ids seen before; of the three new ones, two fill the head, one goes to the tail.
    assert index.merge({"a": 10, "c": 11, "b": 12, "d": 13, "e": 14}) == {"a": 1, "b": 2}
    assert index.head == {"a": 1, "b": 2, "c": 11, "d": 13}
    assert len(index) == 5
    # With the head full, ids are looked up in both tiers.
    assert index.merge({"e": 20, "f": 21, "d": 22}) == {"e": 14, "d": 13}
    assert index.merge({"f": 30}) == {"f": 21}
    assert len(index) == 6
    # A slice that fits the head, with nothing seen before, goes in whole.
    fresh = _index_with(hash, 4)
    assert fresh.merge({"x": 1, "y": 2, "z": 3, "w": 4}) == {}
    assert (fresh.head, len(fresh)) == ({"x": 1, "y": 2, "z": 3, "w": 4}, 4)


def test_a_full_tail_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tail holds at most TAIL_SIZE ids; one more is refused, and nothing changes."""
    monkeypatch.setattr(_index, "LOAD", 2)
    monkeypatch.setattr(_index, "TAIL_SIZE", 5)
    index = _index_with(hash, 2)
    for number in range(7):  # two in the head, five in the tail
        assert index.first(f"r-{number}", number) is None
    with pytest.raises(OverflowError) as raised:
        index.first("r-7", 7)
    assert str(raised.value) == (
        "a run cannot hold more than 7 record ids; check the files in several runs"
    )
    # It holds what it held, and still answers.
    assert (len(index), index.first("r-6", 9), index.first("r-3", 9)) == (7, 6, 3)
    with pytest.raises(OverflowError):
        index.first("r-7", 7)


# ---- validate, with a small head ----------------------------------------------------


def cli(*arguments: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(arguments), out, err)
    return code, out.getvalue(), err.getvalue()


def _jsonl(*items: object) -> str:
    return "".join(json.dumps(item) + "\n" for item in items)


def _files(folder: Path) -> list[str]:
    """Three files (the first and a middle one empty) with duplicates in and across tiers."""
    unknown = outcome_record(outcome="seeing-peple")
    unknown["record_id"] = "r-5"
    first = _jsonl(*(record(record_id=f"r-{n}") for n in (1, 2, 3, 4, 5)))
    first += _jsonl(
        record(record_id="r-1"),  # first used in the head, here in the tail's time
        unknown,  # a record with an error of its own, whose id the tail holds
        record(record_id="r-6"),
    )
    second = "\n" + _jsonl(
        record(record_id="r-6"),  # across files, in the tail
        record(record_id="r-2"),  # across files, in the head
        record(record_id="é"),
        record(record_id=7),  # not a string: no id to index
        record(record_id="é"),
    )
    names = []
    for name, text in [("a.jsonl", ""), ("b.jsonl", first), ("c.jsonl", ""), ("d.jsonl", second)]:
        path = folder / name
        path.write_text(text, encoding="utf-8")
        names.append(str(path))
    return names


def _message(number: int, name: str, line: int) -> str:
    return (
        f"this record_id was already used by record {number} of {name}, line {line}; "
        "every record needs its own id"
    )


@pytest.mark.usefixtures("small")
def test_duplicates_in_and_across_the_tiers_are_placed_exactly(tmp_path: Path) -> None:
    names = _files(tmp_path)
    b, d = names[1], names[3]
    code, out, err = cli("validate", TODAY_ARG, *names)
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        f"{b}:6: /record_id: duplicate-record-id: {_message(0, b, 1)}",
        (
            f"{b}:7: /outcomes/0/outcome: unknown-outcome: not an outcome id of framework "
            "'adults' 1.1.0; did you mean 'seeing-people'?"
        ),
        f"{b}:7: /record_id: duplicate-record-id: {_message(4, b, 5)}",
        f"{d}:2: /record_id: duplicate-record-id: {_message(7, b, 8)}",
        f"{d}:3: /record_id: duplicate-record-id: {_message(1, b, 2)}",
        f"{d}:5: /record_id: schema: must be text, not a number",
        f"{d}:6: /record_id: duplicate-record-id: {_message(2, d, 4)}",
        "13 records: 7 valid, 6 invalid (7 errors, 0 warnings)",
    ]


OPTIONS: list[list[str]] = [[], ["--format", "json"]]


def _reports(names: list[str]) -> Iterator[tuple[int, str, str]]:
    for options in OPTIONS:
        yield cli("validate", TODAY_ARG, *options, *names)


@pytest.fixture
def threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """--jobs 2 with threads for workers, on chunks of a few records."""

    def pool(jobs: int, settings: tuple[object, ...]) -> multiprocessing.pool.Pool:
        return multiprocessing.pool.ThreadPool(
            jobs, initializer=_parallel._start_worker, initargs=(settings,)
        )

    monkeypatch.setattr(_parallel, "make_pool", pool)
    monkeypatch.setattr(_parallel, "usable_cores", lambda: 4)
    monkeypatch.setattr(_validate, "usable_cores", lambda: 4)
    monkeypatch.setattr(_parallel, "CHUNK_BYTES", 400)


@pytest.mark.usefixtures("threads")
@pytest.mark.parametrize("hashing", sorted(HASHES))
def test_every_way_of_running_gives_the_head_s_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hashing: str
) -> None:
    """A small head, colliding hashes, --jobs 2: the report of a dict alone, byte for byte."""
    names = _files(tmp_path)
    expected = list(_reports(names))  # every id in the head
    api = validate_files(names, today=TODAY)
    _shrink(monkeypatch)
    monkeypatch.setattr(_index, "id_hash", HASHES[hashing])
    assert list(_reports(names)) == expected
    assert validate_files(names, today=TODAY) == api
    jobs = [
        cli("validate", TODAY_ARG, "--jobs", "2", *o, *names) for o in ([], ["--format", "json"])
    ]
    assert jobs == expected
    report = json.loads(expected[1][1])
    assert [issue["code"] for issue in report["issues"]].count("duplicate-record-id") == 5


ID_POOL = st.sampled_from(["r-1", "r-2", "r-3", "é", "", "a" * 100])


@st.composite
def record_files(draw: st.DrawFn) -> list[list[object]]:
    """One to three files of records with few ids: duplicates near, far and across files."""
    files: list[list[object]] = []
    for _ in range(draw(st.integers(1, 3))):
        items: list[object] = []
        for _ in range(draw(st.integers(0, 12))):
            key = draw(st.one_of(ID_POOL, st.from_regex(r"r-[0-9]{1,3}", fullmatch=True)))
            bad = draw(st.booleans())
            item = outcome_record(outcome="no-such") if bad else record()
            item["record_id"] = key
            items.append(item)
        files.append(items)
    return files


@pytest.mark.usefixtures("threads")
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    files=record_files(),
    head_size=st.integers(0, 5),
    batch=st.integers(1, 3),
    hashing=st.sampled_from(sorted(HASHES)),
)
def test_any_files_any_head_the_same_report(
    tmp_path_factory: pytest.TempPathFactory,
    files: list[list[object]],
    head_size: int,
    batch: int,
    hashing: str,
) -> None:
    folder = tmp_path_factory.mktemp("files")
    names = []
    for number, items in enumerate(files):
        path = folder / f"{number}.jsonl"
        path.write_text(_jsonl(*items), encoding="utf-8")
        names.append(str(path))
    expected = list(_reports(names))
    with pytest.MonkeyPatch.context() as patch:
        _shrink(patch, head_size=head_size, batch=batch)
        patch.setattr(_index, "id_hash", HASHES[hashing])
        assert list(_reports(names)) == expected
        assert cli("validate", TODAY_ARG, "--jobs", "2", *names) == expected[0]
