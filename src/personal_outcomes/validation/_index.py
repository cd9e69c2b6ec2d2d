r"""The record_id index of a run: every id and where it was first seen, in little memory.

Finding duplicate ids across a whole run means holding every id seen so far. A dict
from each id (a ``str``) to its place costs about 120 bytes an id: 1.2 GB for ten
million. :class:`IdIndex` keeps the first :data:`HEAD_SIZE` ids in such a dict, its
*head* (C speed; a run of up to 100,000 records never leaves it), and every later id
in a *tail* that holds no Python object per id, about 37 bytes each for ids of ten
characters:

- ``buckets``: ``bytearray``\\ s of 8-byte words, each the low 32 bits of the id's hash
  (its *tag*) and the id's entry number in the tail. The bucket is chosen by the tag's
  lowest bits. When the tail holds :data:`LOAD` ids a bucket on average, the buckets
  double, each split in two by the tag's next bit, which its words carry (a pass over
  each bucket's words as an ``array``, with no Python object kept). A lookup is one
  ``bytearray.find`` of the tag in one bucket of some 50 words, a match counting only
  where it is aligned to a word.
- ``entries``: 15 bytes an entry: the place (80 bits) and where its id starts in
  ``text``.
- ``text``: the tail's ids end to end, encoded in UTF-8 (lone surrogates passed
  through, so that the encoding is one to one).

A tag that matches only names a candidate: its id is compared with the key byte for
byte, so no collision of hashes (of tags or of whole hashes) ever makes a false
duplicate or hides a real one; it only costs that comparison. The hash is Python's
``hash`` of the ``str``, which the head's dict lookup has already computed and cached
on the string. It differs from process to process (``PYTHONHASHSEED``), which is why
no part of an index ever leaves the process that built it: worker processes send ids,
the parent indexes them.

Places are ints that the caller packs and unpacks; the tail keeps 80 bits of them.

Weighed and left: a sorted array (a bisect in Python per record, and insertion is
dear); an open-addressing table of entry numbers probed in Python (a probe loop per
lookup, a Python rehash of every entry at each doubling, and the hashes kept apart:
more time and memory); a Bloom filter before the buckets (measured: no faster, since a
new id's bucket is touched to add it anyway); 64-bit hashes alone (not exact); numpy
(not a dependency of the core).
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Callable
from itertools import islice
from typing import Final

#: How many ids the head, a plain dict, holds before the tail takes the rest.
HEAD_SIZE: Final = 100_000
#: How many ids a bucket holds on average before the buckets double.
LOAD: Final = 64
#: The most ids the tail can hold: an entry number is the low half of a word.
TAIL_SIZE: Final = 1 << 32

#: The hash of an id (tests replace it to force collisions).
id_hash: Callable[[str], int] = hash

_TAG: Final = 0xFFFF_FFFF
#: Words are in the machine's byte order, to be read as an ``array("Q")`` when split.
_ORDER: Final = sys.byteorder
#: Where a word's tag (its high half) starts among its bytes; its entry number
#: starts at the other half (``at ^ 4``).
_TAG_AT: Final = 4 if _ORDER == "little" else 0
_PLACE: Final = 10  # bytes of a place
_ENTRY: Final = 15  # bytes of an entry: its place, then where its id starts in the text
_PLACE_BITS: Final = 8 * _PLACE


def _encode(key: str) -> bytes:
    return key.encode("utf-8", "surrogatepass")


class IdIndex:
    """Every record_id of a run, each with the place where it was first seen.

    :meth:`first` answers and adds: the place where an id was first seen, or None
    after noting it. The head, a dict, is public for the run's inner loop: it may
    read it, and add to it while it holds fewer than ``head_size`` ids (the tail
    is empty until then), and otherwise calls :meth:`tail_first`.
    """

    __slots__ = (
        "_buckets",
        "_count",
        "_entries",
        "_grow_at",
        "_hash",
        "_mask",
        "_text",
        "head",
        "head_size",
    )

    def __init__(self) -> None:
        """Start an empty index."""
        #: The first ids, each with its place.
        self.head: dict[str, int] = {}
        #: How many ids the head takes (:data:`HEAD_SIZE`).
        self.head_size = HEAD_SIZE
        self._hash = id_hash
        self._buckets = [bytearray()]
        self._mask = 0
        self._count = 0
        self._grow_at = min(LOAD, TAIL_SIZE)
        self._entries = bytearray()
        self._text = bytearray()

    def __len__(self) -> int:
        """Return how many ids the index holds."""
        return len(self.head) + self._count

    def first(self, key: str, place: int) -> int | None:
        """Return where ``key`` was first seen; if it was not, note it at ``place``."""
        head = self.head
        found = head.get(key)
        if found is not None:
            return found
        if len(head) < self.head_size:
            head[key] = place
            return None
        return self.tail_first(key, place)

    def tail_first(self, key: str, place: int) -> int | None:
        """Do what :meth:`first` does, for a key that the head, which is full, lacks."""
        tag = self._hash(key) & _TAG
        bucket = self._buckets[tag & self._mask]
        needle = tag.to_bytes(4, _ORDER)
        at = bucket.find(needle)
        while at >= 0:
            if at & 7 == _TAG_AT:
                found = self._same(int.from_bytes(bucket[at ^ 4 : (at ^ 4) + 4], _ORDER), key)
                if found is not None:
                    return found
            at = bucket.find(needle, at + 1)
        self._add(key, tag, place)
        return None

    def merge(self, firsts: dict[str, int]) -> dict[str, int]:
        """Add ids, each with the place it was first seen; return the places of known ones.

        The places returned are those where the index had seen the ids before. For
        the ids of a slice of input checked elsewhere: while the head has room, the
        work is done with set and dict operations in C.
        """
        head = self.head
        earlier = {key: head[key] for key in firsts.keys() & head.keys()}
        room = self.head_size - len(head)
        if room > 0:  # the tail is empty: every id the head lacks is new
            new = firsts if not earlier else {k: v for k, v in firsts.items() if k not in earlier}
            if len(new) <= room:
                head.update(new)
                return earlier
            rest = iter(new.items())
            head.update(islice(rest, room))
            for key, place in rest:
                self._add(key, self._hash(key) & _TAG, place)
            return earlier
        for key, place in firsts.items():
            if key not in earlier:
                found = self.tail_first(key, place)
                if found is not None:
                    earlier[key] = found
        return earlier

    def _same(self, number: int, key: str) -> int | None:
        """Return the place of the tail's entry ``number`` if its id is ``key``."""
        entries = self._entries
        at = number * _ENTRY
        start = int.from_bytes(entries[at + _PLACE : at + _ENTRY], "little")
        if number + 1 < self._count:
            end = int.from_bytes(entries[at + _ENTRY + _PLACE : at + 2 * _ENTRY], "little")
        else:
            end = len(self._text)
        if self._text[start:end] != _encode(key):
            return None
        return int.from_bytes(entries[at : at + _PLACE], "little")

    def _add(self, key: str, tag: int, place: int) -> None:
        number = self._count
        if number == self._grow_at:
            self._grow()
        self._buckets[tag & self._mask] += ((tag << 32) | number).to_bytes(8, _ORDER)
        text = self._text
        self._entries += ((len(text) << _PLACE_BITS) | place).to_bytes(_ENTRY, "little")
        text += _encode(key)
        self._count = number + 1

    def _grow(self) -> None:
        """Double the buckets, splitting each by the next bit of its words' tags."""
        if self._count >= TAIL_SIZE:
            raise OverflowError(
                f"a run can hold at most {self.head_size + TAIL_SIZE:,} record ids; "
                "check the files in several runs"
            )
        bit = (self._mask + 1) << 32
        buckets = self._buckets
        high: list[bytearray] = []
        for number, bucket in enumerate(buckets):
            words = memoryview(bucket).cast("Q")
            buckets[number] = bytearray(array("Q", [word for word in words if not word & bit]))
            high.append(bytearray(array("Q", [word for word in words if word & bit])))
        buckets += high
        self._mask = len(buckets) - 1
        self._grow_at = min(len(buckets) * LOAD, TAIL_SIZE)
