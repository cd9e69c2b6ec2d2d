"""Disclosure control: small counts are suppressed, and no suppressed count can be worked out."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from personal_outcomes.errors import DisclosureControlError, PersonalOutcomesError
from personal_outcomes.summaries._disclosure import Table, _recoverable, share, suppress

Key = Any
Groups = list[tuple[Key, list[Key]]]
ALL = "all"


# ---- helpers --------------------------------------------------------------------------


def grid_table(grid: Sequence[Sequence[int]]) -> tuple[dict[Key, int], Groups]:
    """A rows x columns table with its row totals, column totals and grand total.

    Keys are ``(row, column)`` with ``"all"`` for a total: a mix of ints and strings,
    which cannot be sorted, as real keys often cannot.
    """
    rows, columns = len(grid), len(grid[0])
    values: dict[Key, int] = {}
    for i in range(rows):
        for j in range(columns):
            values[i, j] = grid[i][j]
        values[i, ALL] = sum(grid[i])
    for j in range(columns):
        values[ALL, j] = sum(grid[i][j] for i in range(rows))
    values[ALL, ALL] = sum(map(sum, grid))
    groups: Groups = [((i, ALL), [(i, j) for j in range(columns)]) for i in [*range(rows), ALL]]
    groups += [((ALL, j), [(i, j) for i in range(rows)]) for j in [*range(columns), ALL]]
    return values, groups


def hidden(published: Mapping[Key, int | None]) -> set[Key]:
    return {key for key, value in published.items() if value is None}


def _reduce(vector: dict[int, Fraction], basis: list[tuple[int, dict[int, Fraction]]]) -> None:
    for pivot, row in basis:
        factor = vector.get(pivot)
        if factor:
            for column, value in row.items():
                vector[column] = vector.get(column, Fraction(0)) - factor * value
                if not vector[column]:
                    del vector[column]


def in_row_space(rows: list[dict[int, Fraction]], columns: list[int]) -> set[int]:
    """Reference: the columns whose unit vector is a combination of the rows (exact)."""
    basis: list[tuple[int, dict[int, Fraction]]] = []
    for source in rows:
        vector = dict(source)
        _reduce(vector, basis)
        if vector:
            pivot = min(vector)
            scale = vector[pivot]
            basis.append((pivot, {c: v / scale for c, v in vector.items()}))
    found = set()
    for column in columns:
        unit = {column: Fraction(1)}
        _reduce(unit, basis)
        if not unit:
            found.add(column)
    return found


def recoverable(published: Mapping[Key, int | None], groups: Groups) -> set[Key]:
    """The suppressed cells that the published cells and totals give away.

    The suppressed cells are the unknowns; each group gives one equation (its suppressed
    members, less its total if that is suppressed, equal a known number). A cell can be
    worked out exactly when its unit vector is in the row space of the equations.
    """
    unknown = [key for key, value in published.items() if value is None]
    index = {key: i for i, key in enumerate(unknown)}
    rows = []
    for total, members in groups:
        row: dict[int, Fraction] = {}
        for member in members:
            if member in index:
                row[index[member]] = Fraction(1)
        if total in index:
            row[index[total]] = Fraction(-1)
        if row:
            rows.append(row)
    return {unknown[i] for i in in_row_space(rows, list(range(len(unknown))))}


def lone_groups(published: Mapping[Key, int | None], groups: Groups) -> list[Key]:
    """The totals of the groups with exactly one suppressed cell (members and total)."""
    return [
        total
        for total, members in groups
        if sum(published[key] is None for key in [total, *members]) == 1
    ]


def check(
    values: Mapping[Key, int], groups: Groups, below: int | None, zeros: bool
) -> dict[Key, int | None]:
    """Suppress, then check every guarantee; return the published values."""
    published = suppress(values, groups, below=below, zeros=zeros)
    assert list(published) == list(values)
    # (1) every published cell is its input
    assert all(published[key] in (None, values[key]) for key in values)
    if not below:
        assert published == values
        return published
    # (2) every count from 1 to below-1 is suppressed, and zeros with zeros=True
    assert all(published[key] is None for key in values if 0 < values[key] < below)
    assert all(published[key] is None for key in values if zeros and values[key] == 0)
    # with zeros shown, only non-zero counts are ever suppressed
    assert zeros or all(values[key] for key in hidden(published))
    # (3) no group has exactly one suppressed cell
    assert lone_groups(published, groups) == []
    # (4) no suppressed cell can be worked out from the published cells and totals
    assert recoverable(published, groups) == set()
    return published


# ---- worked by hand ---------------------------------------------------------------------


def test_a_small_count_and_the_smallest_other_count_of_its_row() -> None:
    values = {"met": 3, "not-met": 10, "unrated": 12, "reviewed": 25}
    groups: Groups = [("reviewed", ["met", "not-met", "unrated"])]
    assert check(values, groups, below=5, zeros=False) == {
        "met": None,
        "not-met": None,
        "unrated": 12,
        "reviewed": 25,
    }


def test_a_cascade_across_a_row_and_the_columns() -> None:
    # 2 is small; its row gives up the 10; their columns give up 30 and 40.
    values, groups = grid_table([[2, 10, 20], [30, 40, 50]])
    published = check(values, groups, below=5, zeros=False)
    assert hidden(published) == {(0, 0), (0, 1), (1, 0), (1, 1)}


def test_zeros_are_shown_unless_asked_and_never_chosen_as_the_second_cell() -> None:
    values = {"a": 0, "b": 3, "c": 9, "d": 20, "all": 32}
    groups: Groups = [("all", ["a", "b", "c", "d"])]
    assert hidden(check(values, groups, below=5, zeros=False)) == {"b", "c"}
    assert hidden(check(values, groups, below=5, zeros=True)) == {"a", "b"}


def test_small_totals_are_suppressed_and_protected_like_any_count() -> None:
    # Row 0 and its total are small; the column of row totals then needs a second
    # cell, which takes row 1's total, so row 1 needs another cell, and so on.
    values, groups = grid_table([[1, 2], [10, 20], [30, 40]])
    published = check(values, groups, below=5, zeros=False)
    assert hidden(published) == {(0, 0), (0, 1), (0, ALL), (1, 0), (1, 1), (1, ALL)}
    assert hidden(check({"a": 0, "b": 3, "all": 3}, [("all", ["a", "b"])], 5, False)) == {
        "b",
        "all",
    }


def test_a_group_with_no_other_non_zero_member_gives_up_its_total() -> None:
    # x is small; group s gives up a; group t (a + b, b = 0) has no other non-zero
    # member, so its total t is suppressed.
    values = {"a": 7, "b": 0, "t": 7, "x": 2, "s": 9}
    groups: Groups = [("s", ["a", "x"]), ("t", ["a", "b"])]
    assert check(values, groups, below=5, zeros=False) == {
        "a": None,
        "b": 0,
        "t": None,
        "x": None,
        "s": 9,
    }
    # The same in a table: column 0 is 6 and 0, so its total goes.
    values, groups = grid_table([[6, 2, 20], [0, 9, 30]])
    published = check(values, groups, below=5, zeros=False)
    assert (ALL, 0) in hidden(published)
    assert published[1, 0] == 0


def test_ties_go_to_a_member_then_to_the_cell_the_groups_name_first() -> None:
    values = {"small": 1, "p": 8, "q": 8, "all": 17}
    assert hidden(suppress(values, [("all", ["small", "q", "p"])], below=3)) == {"small", "q"}
    assert hidden(suppress(values, [("all", ["small", "p", "q"])], below=3)) == {"small", "p"}
    # A member and the total tie (the other members are suppressed zeros): the member goes.
    values = {"zero": 0, "m": 7, "all": 7}
    assert hidden(suppress(values, [("all", ["zero", "m"])], below=3, zeros=True)) == {
        "zero",
        "m",
    }


def test_a_cell_linking_two_protected_blocks_is_protected_too() -> None:
    # Each small count is in a row and a column with another one, yet (1, 2) can be
    # worked out: rows 0 and 1 less columns 0 and 1 leave it alone. The engine notices
    # and suppresses one more cell so that it cannot.
    grid = [[1, 2, 50, 60, 70], [2, 1, 3, 80, 90], [50, 60, 1, 2, 70], [80, 90, 2, 1, 60]]
    values, groups = grid_table(grid)
    primary = {key for key, value in values.items() if 0 < value < 5}
    published = check(values, groups, below=5, zeros=False)
    assert hidden(published) == primary | {(0, 2)}


def test_a_count_in_no_group_is_only_suppressed_for_being_small() -> None:
    values = {"persons": 3, "mentions": 40, "more-persons": 12}
    assert suppress(values, [], below=5) == {"persons": None, "mentions": 40, "more-persons": 12}


def test_a_cell_the_shape_alone_pins_to_zero_is_left_as_it_is() -> None:
    # t = a + b and t = a: b is 0 whatever the counts, and nothing can hide that.
    values = {"a": 5, "b": 0, "t": 5}
    groups: Groups = [("t", ["a", "b"]), ("t", ["a"])]
    published = suppress(values, groups, below=3, zeros=True)
    assert hidden(published) == {"a", "b", "t"}
    assert recoverable(published, groups) == {"b"}
    assert hidden(suppress(values, groups, below=3)) == set()


def test_a_pinned_cell_whose_own_groups_are_all_hidden_reaches_further() -> None:
    # After step 2, (1, 0) = 2 can still be worked out: row 2 gives (2, 0) + (2, 2) = 6,
    # the framework row gives (all, 0) + (all, 2) = 8, column 2 gives (2, 2) = (all, 2),
    # so (all, 0) - (2, 0) = 2, which is (1, 0) by column 0. Every other cell of row 1
    # and column 0 is suppressed or zero, so the engine takes the smallest cell of a
    # linked group: the 58 of row 2.
    values, groups = grid_table([[0, 31, 0], [2, 8, 0], [3, 58, 3]])
    published = check(values, groups, below=10, zeros=False)
    assert hidden(published) == {
        (0, 1), (0, ALL), (1, 0), (1, 1), (1, ALL), (2, 0), (2, 1), (2, 2), (ALL, 0), (ALL, 2),
    }  # fmt: skip


# ---- boundaries -------------------------------------------------------------------------


@pytest.mark.parametrize("below", [1, 2, 3, 5, 10])
def test_the_threshold_is_exclusive(below: int) -> None:
    values = {"under": below - 1, "at": below, "over": below + 1}
    published = suppress(values, [], below=below)
    assert published == {"under": None if below > 1 else 0, "at": below, "over": below + 1}


@pytest.mark.parametrize("below", [None, 0])
def test_none_or_zero_turns_suppression_off(below: int | None) -> None:
    values, groups = grid_table([[0, 1], [2, 3]])
    for zeros in (False, True):
        published = suppress(values, groups, below=below, zeros=zeros)
        assert published == values
        assert published is not values


def test_a_threshold_of_one_suppresses_only_zeros_and_only_if_asked() -> None:
    values, groups = grid_table([[0, 1], [2, 3]])
    assert suppress(values, groups, below=1) == values
    published = check(values, groups, below=1, zeros=True)
    assert published[0, 0] is None
    assert published[0, 1] is None  # the smallest other cell of row 0


def test_suppression_is_off_by_default_in_a_table() -> None:
    with pytest.raises(TypeError):
        suppress({"a": 1})  # type: ignore[call-arg]
    assert suppress({"a": 1}, below=None) == {"a": 1}


# ---- checking the input ----------------------------------------------------------------


@pytest.mark.parametrize("below", [-1, True, 2.5, "5"])
def test_a_bad_threshold_is_refused(below: object) -> None:
    with pytest.raises(DisclosureControlError, match="threshold") as caught:
        suppress({"a": 1}, below=below)  # type: ignore[arg-type]
    assert caught.value.group is None


@pytest.mark.parametrize(
    ("values", "groups", "problem", "group", "key"),
    [
        ({"a": -1}, [], "a count is negative", None, "a"),
        ({"a": 1.0}, [], "a count is not a whole number", None, "a"),
        ({"a": True}, [], "a count is not a whole number", None, "a"),
        ({"a": 1}, [("t", ["a"])], "names a key that has no count", 0, "t"),
        ({"a": 1, "t": 1}, [("t", ["a"]), ("t", ["b"])], "names a key that has no count", 1, "b"),
        ({"a": 1, "t": 2}, [("t", ["a"])], "has members that do not add up", 0, "t"),
        ({"t": 0}, [("t", [])], "has no members", 0, "t"),
        ({"a": 0, "t": 0}, [("t", ["a", "t"])], "has its total among its members", 0, "t"),
        ({"a": 1, "t": 2}, [("t", ["a", "a"])], "names a member twice", 0, "t"),
    ],
)
def test_bad_tables_are_refused_with_the_place_but_not_the_key_or_counts(
    values: dict[Key, object], groups: Groups, problem: str, group: int | None, key: Key
) -> None:
    with pytest.raises(DisclosureControlError) as caught:
        suppress(values, groups, below=5)  # type: ignore[arg-type]
    error = caught.value
    assert isinstance(error, PersonalOutcomesError)
    assert (error.problem, error.group, error.key) == (error.problem, group, key)
    assert problem in str(error)
    assert str(error).startswith("cannot apply disclosure control: ")
    assert ("group 0 " in str(error)) == (group == 0)
    assert "'" not in str(error)
    # checked even when suppression is off
    with pytest.raises(DisclosureControlError):
        suppress(values, groups, below=None)  # type: ignore[arg-type]


# ---- the Table --------------------------------------------------------------------------


def test_a_table_is_checked_once_and_keeps_its_own_copy() -> None:
    values = {"a": 2, "b": 7, "c": 9, "all": 18}
    groups: Groups = [("all", ["a", "b", "c"])]
    table = Table(values, groups)
    values["a"] = 100
    groups[0][1].append("x")
    assert table.values == {"a": 2, "b": 7, "c": 9, "all": 18}
    assert table.groups == (("all", ("a", "b", "c")),)
    assert table.suppress(below=3) == {"a": None, "b": None, "c": 9, "all": 18}
    assert table.suppress(below=2) == {"a": 2, "b": 7, "c": 9, "all": 18}
    assert table == Table({"a": 2, "b": 7, "c": 9, "all": 18}, [("all", ("a", "b", "c"))])
    assert Table({"a": 1}).groups == ()
    with pytest.raises(DisclosureControlError):
        Table({"a": 1}, [("a", list[str]())])


# ---- properties -----------------------------------------------------------------------

COUNTS = st.one_of(st.integers(0, 6), st.integers(0, 60))
THRESHOLDS = st.sampled_from([None, 0, 1, 2, 3, 5, 10])


@st.composite
def grids(draw: st.DrawFn) -> list[list[int]]:
    rows = draw(st.integers(1, 5))
    columns = draw(st.integers(1, 5))
    return [[draw(COUNTS) for _ in range(columns)] for _ in range(rows)]


@given(grid=grids(), below=THRESHOLDS, zeros=st.booleans())
def test_grid_tables_are_protected(grid: list[list[int]], below: int | None, zeros: bool) -> None:
    values, groups = grid_table(grid)
    check(values, groups, below, zeros)


@st.composite
def summary_tables(draw: st.DrawFn) -> tuple[dict[Key, int], Groups]:
    """A summary's shape: outcome rows add up to category rows and those to the framework
    row, column by column; levels and unrated add up to reviewed, row by row; persons is
    in no group."""
    levels = [f"level-{i}" for i in range(draw(st.integers(1, 4)))]
    additive = ["mentions", *levels, "unrated", "reviewed"]
    categories = draw(st.lists(st.integers(1, 4), min_size=1, max_size=4))
    values: dict[Key, int] = {}
    groups: Groups = []
    framework = ("framework",)
    category_rows = []
    for c, size in enumerate(categories):
        category = ("category", c)
        outcomes = [("outcome", c, o) for o in range(size)]
        for outcome in outcomes:
            for column in ["mentions", *levels, "unrated"]:
                values[outcome, column] = draw(COUNTS)
            values[outcome, "persons"] = draw(COUNTS)
        for column in additive:
            if column == "reviewed":
                continue
            values[category, column] = sum(values[o, column] for o in outcomes)
        values[category, "persons"] = draw(COUNTS)
        row: tuple[Any, ...]
        for row in [*outcomes, category]:
            values[row, "reviewed"] = sum(values[row, level] for level in [*levels, "unrated"])
        for column in additive:
            groups.append(((category, column), [(o, column) for o in outcomes]))
        category_rows.append(category)
    for column in additive:
        values[framework, column] = sum(values[c, column] for c in category_rows)
        groups.append(((framework, column), [(c, column) for c in category_rows]))
    values[framework, "persons"] = draw(COUNTS)
    for row in sorted({key[0] for key in values}, key=repr):
        groups.append(((row, "reviewed"), [(row, level) for level in [*levels, "unrated"]]))
    return values, groups


@given(table=summary_tables(), below=THRESHOLDS, zeros=st.booleans())
def test_summary_tables_are_protected(
    table: tuple[dict[Key, int], Groups], below: int | None, zeros: bool
) -> None:
    values, groups = table
    published = check(values, groups, below, zeros)
    for key, value in values.items():
        if key[1] == "persons":
            assert (published[key] is None) == bool(
                below and (0 < value < below or (zeros and not value))
            )


@st.composite
def additive_tables(draw: st.DrawFn) -> tuple[dict[Key, int], Groups]:
    """Any shape of totals: each new total adds up some earlier counts or totals."""
    values: dict[Key, int] = {f"c{i}": draw(COUNTS) for i in range(draw(st.integers(1, 8)))}
    groups: Groups = []
    for t in range(draw(st.integers(0, 6))):
        members = draw(st.lists(st.sampled_from(sorted(values)), min_size=1, unique=True))
        values[f"t{t}"] = sum(values[member] for member in members)
        groups.append((f"t{t}", members))
    return values, groups


@given(table=additive_tables(), below=THRESHOLDS, zeros=st.booleans())
def test_any_shape_of_totals_is_protected(
    table: tuple[dict[Key, int], Groups], below: int | None, zeros: bool
) -> None:
    # Every count here could be positive at once, so no cell is pinned by the shape alone.
    values, groups = table
    check(values, groups, below, zeros)


@given(grid=grids(), below=THRESHOLDS, zeros=st.booleans(), seed=st.integers(0, 2**32))
def test_the_order_of_the_keys_does_not_matter(
    grid: list[list[int]], below: int | None, zeros: bool, seed: int
) -> None:
    values, groups = grid_table(grid)
    keys = list(values)
    random.Random(seed).shuffle(keys)  # noqa: S311 (not for secrets)
    shuffled = {key: values[key] for key in keys}
    assert suppress(shuffled, groups, below=below, zeros=zeros) == suppress(
        values, groups, below=below, zeros=zeros
    )


EQUATIONS = st.lists(
    st.dictionaries(st.integers(0, 7), st.sampled_from([-2, -1, 1, 1, 1, 3]), min_size=1),
    max_size=8,
)


@given(equations=EQUATIONS)
def test_the_elimination_agrees_with_a_plain_one(equations: list[dict[int, int]]) -> None:
    rows = [{c: Fraction(v) for c, v in row.items()} for row in equations]
    assert _recoverable(equations) == sorted(in_row_space(rows, list(range(8))))


def test_the_elimination_on_known_systems() -> None:
    # x + y, x - y: both fixed (the rows are reduced by 2 on the way).
    assert _recoverable([{0: 1, 1: 1}, {0: 1, 1: -1}]) == [0, 1]
    # a repeated equation adds nothing; x + y + z and y alone fix y only.
    assert _recoverable([{0: 1, 1: 1, 2: 1}, {0: 1, 1: 1, 2: 1}, {1: 1}]) == [1]
    # Putting the second row in its place takes c out of the first one.
    assert _recoverable([{0: 1, 1: 1, 2: 1}, {0: 1, 1: 2, 2: 2}]) == [0]
    # A chain x0 + x1, x2 + x3, x1 + x3: the third row's pivot puts x3 into the first.
    assert _recoverable([{0: 1, 1: 1}, {2: 1, 3: 1}, {1: 1, 3: 1}]) == []
    assert _recoverable([]) == []


# ---- shares ---------------------------------------------------------------------------


def test_a_share_is_a_percentage_rounded_half_up() -> None:
    assert share(1, 3) == 33.3
    assert share(2, 3) == 66.7
    assert share(1, 8) == 12.5
    assert share(1, 8, digits=0) == 13.0
    assert share(1, 400, digits=1) == 0.3
    assert share(1, 3, digits=3) == 33.333
    assert share(5, 5) == 100.0
    assert share(0, 5) == 0.0


def test_a_share_of_a_suppressed_count_or_denominator_is_suppressed() -> None:
    values = {"met": 3, "not-met": 10, "unrated": 12, "reviewed": 25}
    published = suppress(values, [("reviewed", ["met", "not-met", "unrated"])], below=5)
    shares = {key: share(published[key], published["reviewed"]) for key in values}
    assert shares == {"met": None, "not-met": None, "unrated": 48.0, "reviewed": 100.0}
    assert share(3, None) is None
    assert share(None, None) is None
    assert share(0, 0) is None


@pytest.mark.parametrize(
    ("count", "denominator", "digits", "problem"),
    [
        (-1, 5, 1, "0 or more"),
        (1, -5, 1, "0 or more"),
        (1.5, 5, 1, "whole numbers"),
        (1, True, 1, "whole numbers"),
        (6, 5, 1, "larger than its denominator"),
        (1, 0, 1, "larger than its denominator"),
        (1, 5, -1, "'digits'"),
        (1, 5, 1.0, "'digits'"),
    ],
)
def test_a_bad_share_is_refused(
    count: object, denominator: object, digits: object, problem: str
) -> None:
    with pytest.raises(DisclosureControlError, match=problem):
        share(count, denominator, digits=digits)  # type: ignore[arg-type]
