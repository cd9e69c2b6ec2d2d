r"""The record_id index of a run: every id and where it was first seen, in little memory.

Finding duplicate ids across a whole run means holding every id seen so far. A dict
from each id (a ``str``) to its place costs about 120 bytes an id: 1.2 GB for ten
million. :class:`IdIndex` keeps the first :data:`HEAD_SIZE` ids in such a dict, its
*head* (C speed; a run of up to 100,000 records never leaves it), and every later id
in a *tail* that holds no Python object per id: about 30 bytes each for ids of ten
characters (``benchmarks/index_memory.py`` measures it):

- ``buckets``: ``bytearray``\ s of 8-byte words, each the id's number in the tail and
  the low 32 bits of its hash (its *tag*). The bucket is chosen by the tag's lowest
  bits. When the tail holds :data:`LOAD` ids a bucket on average, the buckets double,
  each split in two by the tag's next bit (a stepped slice picks the byte holding it
  from every word, ``translate`` makes it 0 or 1, ``compress`` keeps each side: C-level
  passes). A lookup is one ``bytearray.find`` of the tag in one bucket of some 50
  words, a match counting only where it is aligned to a word.
- ``highs`` and ``lows``: 8 bytes an id: its place, in two halves of 32 bits (the
  record's number and its line, as the run packs them; a place that does not fit is
  kept whole in ``far``).
- ``text``: the ids end to end, encoded in UTF-8 (lone surrogates passed through, so
  that the encoding is one to one), with one byte an id for its length (255: see
  ``long``) and, every :data:`STRIDE` ids, where the next one starts (``marks``).

A tag that matches only names a candidate: its id is compared with the key, so no
collision of hashes (of tags or of whole hashes) ever makes a false duplicate or
hides a real one; it only costs that comparison. The hash is Python's ``hash`` of the
``str``, which the head's dict lookup has already computed and cached on the string.
It differs from process to process (``PYTHONHASHSEED``), which is why no part of an
index ever leaves the process that built it: worker processes send ids, the parent
indexes them.

Adding a new id costs a ``find``, a word added to its bucket and two list appends
(some six times a dict's work); its text, length and place are packed :data:`BATCH`
ids at a time, by C-level maps and joins. Places are ints that the caller packs and
unpacks.

Weighed and left: a sorted array (a bisect in Python per record, and insertion is
dear); an open-addressing table of entry numbers probed in Python (a probe loop per
lookup, a Python rehash of every entry at each doubling, the hashes kept apart: more
time and memory); a Bloom filter before the buckets (measured: no faster, since a new
id's bucket is touched to add it anyway); new ids gathered in a dict and added to the
buckets in batches (measured slower: each bucket is then touched twice); ``bytes``
for buckets (half again as much resident memory, from the churn); 64-bit hashes alone
(not exact); numpy (not a dependency of the core).
"""

from __future__ import annotations

import struct
import sys
from array import array
from collections.abc import Callable
from itertools import accumulate, compress, islice, repeat
from operator import and_, rshift
from typing import Final

#: How many ids the head, a plain dict, holds before the tail takes the rest.
HEAD_SIZE: Final = 100_000
#: How many ids a bucket holds on average before the buckets double.
LOAD: Final = 64
#: The most ids the tail can hold: an id's number fills half a word.
TAIL_SIZE: Final = 1 << 32
#: How many new ids wait, in lists, to be packed into the tail's text at once.
BATCH: Final = 4096
#: Every STRIDE ids, the tail notes where the next id's text starts.
STRIDE: Final = 64

#: The hash of an id (tests replace it to force collisions).
id_hash: Callable[[str], int] = hash

_TAG: Final = 0xFFFF_FFFF
_WORD: Final = struct.Struct("=II").pack  # an id's number, then its tag
_NEEDLE: Final = struct.Struct("=I").pack  # a tag, as it is in a word
_NUMBER: Final = struct.Struct("=I").unpack_from
_TAG_AT: Final = 4  # where a word's tag starts among its bytes
_LONG: Final = 255  # the length byte of an id of 255 bytes or more
#: A place is kept as two halves of 32 bits, split where the run splits it (the record's
#: number, 40 bits up, and its line); a place that does not fit is kept whole in ``far``.
_HALF: Final = 40
_LOW: Final = (1 << _HALF) - 1
_FAR: Final = 0xFFFF_FFFF  # the high half of a place kept in ``far``


def _split_tables(*, value: int) -> tuple[bytes, ...]:
    """For each bit of a byte, a table turning a byte into 1 where that bit is ``value``."""
    return tuple(bytes(int((byte >> bit) & 1 == value) for byte in range(256)) for bit in range(8))


_BIT_SET: Final = _split_tables(value=1)
_BIT_CLEAR: Final = _split_tables(value=0)


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
        "_batch",
        "_buckets",
        "_count",
        "_far",
        "_grow_at",
        "_hash",
        "_highs",
        "_lengths",
        "_long",
        "_lows",
        "_marks",
        "_mask",
        "_new_ids",
        "_new_places",
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
        self._grow_at = min(LOAD, TAIL_SIZE)
        self._count = 0  # ids in the tail, the latest ones among them not yet packed
        self._new_ids: list[str] = []  # in their buckets, not yet in the text
        self._new_places: list[int] = []
        self._batch = BATCH
        self._highs = array("I")  # the places, in two halves
        self._lows = array("I")
        self._far: dict[int, int] = {}  # the places that do not fit in two halves
        self._lengths = bytearray()
        self._long: dict[int, int] = {}  # the lengths of ids of 255 bytes or more
        self._marks = array("Q")
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
        needle = _NEEDLE(tag)
        at = bucket.find(needle)
        if at >= 0:
            found = self._found(bucket, needle, at, key)
            if found is not None:
                return found
        # A new id, the path of almost every record: written out, with no further call.
        number = self._count
        if number == self._grow_at:
            self._grow()  # (or raise, the tail being full)
            bucket = self._buckets[tag & self._mask]
        bucket += _WORD(number, tag)
        self._count = number + 1
        new = self._new_ids
        new.append(key)
        self._new_places.append(place)
        if len(new) >= self._batch:
            self._pack()
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
                self.tail_first(key, place)
            return earlier
        for key, place in firsts.items():
            if key not in earlier:
                found = self.tail_first(key, place)
                if found is not None:
                    earlier[key] = found
        return earlier

    def _found(self, bucket: bytearray, needle: bytes, at: int, key: str) -> int | None:
        """Return the place of ``key`` among the bucket's words whose tag is ``needle``.

        ``at`` is the first place of the needle's bytes in the bucket, perhaps
        across two words.
        """
        while at >= 0:
            if at & 7 == _TAG_AT:
                found = self._same(_NUMBER(bucket, at - _TAG_AT)[0], key)
                if found is not None:
                    return found
            at = bucket.find(needle, at + 1)
        return None

    def _same(self, number: int, key: str) -> int | None:
        """Return the place of the tail's id ``number`` if that id is ``key``."""
        packed = self._count - len(self._new_ids)
        if number >= packed:  # not yet packed
            if self._new_ids[number - packed] != key:
                return None
            return self._new_places[number - packed]
        long = self._long
        mark = number // STRIDE
        start = self._marks[mark] + sum(self._lengths[mark * STRIDE : number])
        if long:  # ids of 255 bytes or more among those before it: their whole lengths
            start += sum(long.get(j, _LONG) - _LONG for j in range(mark * STRIDE, number))
        end = start + long.get(number, self._lengths[number])
        if self._text[start:end] != _encode(key):
            return None
        high = self._highs[number]
        return self._far[number] if high == _FAR else (high << _HALF) | self._lows[number]

    def _pack(self) -> None:
        """Write the latest ids into the text, lengths, marks and places: C-level passes."""
        ids = self._new_ids
        first = self._count - len(ids)  # the number of the first of them
        joined = "".join(ids)
        if joined.isascii():
            text = joined.encode("ascii")
            lengths = list(map(len, ids))
        else:
            encoded = list(map(_encode, ids))
            text = b"".join(encoded)
            lengths = list(map(len, encoded))
        starts = accumulate(lengths, initial=len(self._text))
        self._marks.extend(islice(starts, -first % STRIDE, len(ids), STRIDE))
        if max(lengths) >= _LONG:
            self._long.update(
                (first + at, length) for at, length in enumerate(lengths) if length >= _LONG
            )
            lengths = list(map(min, lengths, repeat(_LONG)))
        self._lengths += bytes(lengths)
        places = self._new_places
        highs = list(map(rshift, places, repeat(_HALF)))
        done = len(self._highs)
        if max(highs) < _FAR:
            try:
                self._highs.extend(highs)
                self._lows.extend(map(and_, places, repeat(_LOW)))
            except OverflowError:  # a half below 0 or over 32 bits
                del self._highs[done:], self._lows[done:]
        if len(self._highs) == done:  # a place too large for two halves: each on its own
            self._place_each(first, places)
        self._text += text
        ids.clear()
        places.clear()

    def _place_each(self, first: int, places: list[int]) -> None:
        """Add places in halves where they fit, and whole in ``far`` where they do not."""
        for at, place in enumerate(places, start=first):
            high, low = place >> _HALF, place & _LOW
            if 0 <= high < _FAR and low <= _FAR:
                self._highs.append(high)
                self._lows.append(low)
            else:
                self._far[at] = place
                self._highs.append(_FAR)
                self._lows.append(0)

    def _grow(self) -> None:
        """Double the buckets, splitting each by the next bit of its words' tags."""
        if self._count >= TAIL_SIZE:
            raise OverflowError(
                f"a run cannot hold more than {self.head_size + TAIL_SIZE:,} record ids; "
                "check the files in several runs"
            )
        bit = self._mask.bit_length()  # the tag's bit that splits the buckets
        byte = bit // 8 if sys.byteorder == "little" else 3 - bit // 8
        at = _TAG_AT + byte  # its byte in a word
        low, high = _BIT_CLEAR[bit % 8], _BIT_SET[bit % 8]
        buckets = self._buckets
        highs: list[bytearray] = []
        for number, bucket in enumerate(buckets):
            flags = bucket[at::8]
            words = memoryview(bucket).cast("Q")  # 8 bytes at a time, as they are
            buckets[number] = bytearray(array("Q", compress(words, flags.translate(low))))
            highs.append(bytearray(array("Q", compress(words, flags.translate(high)))))
        buckets += highs
        self._mask = len(buckets) - 1
        self._grow_at = min(len(buckets) * LOAD, TAIL_SIZE)
