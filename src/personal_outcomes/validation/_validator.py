"""The public face of validation: :class:`Validator` and three functions."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator, Mapping
from typing import BinaryIO, Final

from personal_outcomes._codes import PARSE_ERROR
from personal_outcomes._formats import READERS
from personal_outcomes._formats._raw import RawProblem, RawRecord
from personal_outcomes._record_format import KEY_LIKE
from personal_outcomes.exports._profile import Profile
from personal_outcomes.frameworks import Registry, bundled
from personal_outcomes.records import OutcomesRecord
from personal_outcomes.validation._dask import scan_dask
from personal_outcomes.validation._results import Issue, RecordResult, Report
from personal_outcomes.validation._run import Engine, Run, format_for

_NOT_UNICODE: Final = (
    "this text is not valid Unicode (it holds a lone surrogate), which no file format can "
    "carry; correct it"
)
_DEEPEST: Final = 64  # deeper parts are the checker's (it reports the structure)


def _not_unicode(data: object) -> tuple[str | int, ...] | None:
    """Return where the first text with a lone surrogate is (a key: its mapping), if any.

    A key is named in the path only when it looks like a key, as everywhere else.
    """
    stack: list[tuple[tuple[str | int, ...], object]] = [((), data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if not value.isascii() and _surrogate(value):
                return path
        elif len(path) < _DEEPEST and isinstance(value, Mapping):
            items = list(value.items())
            for key, item in reversed(items):
                if isinstance(key, str) and not key.isascii() and _surrogate(key):
                    return path
                named = isinstance(key, str) and KEY_LIKE.fullmatch(key) is not None
                stack.append(((*path, key) if named else path, item))
        elif len(path) < _DEEPEST and isinstance(value, list | tuple):
            stack.extend(((*path, i), item) for i, item in reversed(list(enumerate(value))))
    return None


def _surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class Validator:
    """Checks records against the frameworks of a registry.

    Build one and reuse it: it prepares each framework once. ``today`` (default:
    the current date in UTC+14, the latest anywhere on Earth) is the last date
    that is not in the future. ``include_values`` adds each offending value to
    its issue, for local debugging only: the values are personal data.
    ``strict`` makes every warning but the recording-quality hints count as an
    error for :attr:`RecordResult.valid` and the report's counts (the issues keep
    their severity); ``quality`` adds those hints (``quality-*`` warnings). With
    ``profile`` (:func:`~personal_outcomes.exports.load_profile`), every file or
    stream is an export read through that import profile.

    >>> from personal_outcomes import Validator
    >>> Validator()
    <Validator: 3 frameworks>
    """

    def __init__(
        self,
        registry: Registry | None = None,
        *,
        today: dt.date | None = None,
        include_values: bool = False,
        strict: bool = False,
        quality: bool = False,
        profile: Profile | None = None,
    ) -> None:
        """Prepare the checks for ``registry`` (default: the bundled frameworks)."""
        self._engine = Engine(
            registry if registry is not None else bundled(),
            today=today,
            include_values=include_values,
            strict=strict,
            quality=quality,
            profile=profile,
        )

    @property
    def registry(self) -> Registry:
        """The frameworks records are checked against."""
        return self._engine.registry

    @property
    def today(self) -> dt.date | None:
        """The last date that is not in the future (``None``: today in UTC+14)."""
        return self._engine.today

    @property
    def include_values(self) -> bool:
        """Whether issues carry the offending values."""
        return self._engine.include_values

    @property
    def strict(self) -> bool:
        """Whether warnings (but the quality hints) make a record invalid."""
        return self._engine.strict

    @property
    def quality(self) -> bool:
        """Whether the recording-quality hints are reported."""
        return self._engine.quality

    @property
    def profile(self) -> Profile | None:
        """The import profile every file is read through, if any."""
        return self._engine.profile

    def __repr__(self) -> str:
        """Say how many frameworks the validator knows."""
        count = len(self.registry)
        return f"<Validator: {count} framework{'s' if count != 1 else ''}>"

    def validate_record(
        self, record: Mapping[str, object] | OutcomesRecord, *, source: str = "<record>"
    ) -> RecordResult:
        """Check one record (plain data or a typed record) and return its result."""
        data: object = record
        if isinstance(record, OutcomesRecord):
            data = record.to_data()
        elif isinstance(record, Mapping):
            data = dict(record)
        broken = _not_unicode(data)
        if broken is not None:  # no file format can carry it: a parse-error, as in a file
            problem = RawProblem(path=broken, code=PARSE_ERROR, message=_NOT_UNICODE)
            raw = RawRecord(index=0, line=None, column=None, data=None, problems=(problem,))
        else:
            raw = RawRecord(index=0, line=None, column=None, data=data)
        return self._engine.check_raw(raw, source)

    def iter_stream(
        self, stream: BinaryIO, *, source: str, input_format: str | None = None
    ) -> Iterator[RecordResult]:
        """Check every record of a binary stream, lazily, yielding one result per record.

        JSON Lines and CSV are read a record at a time; a JSON document or a
        YAML stream is read into memory as text first.

        A fault of the stream itself, in no record (it is empty, or not UTF-8
        at all, say), gives a result with ``index`` ``None`` and no record is
        counted for it. Record ids are compared across the records of this
        stream only; use :meth:`iter_validate` to compare them across several files.
        """
        reader = self._engine.export_reader or READERS[format_for(source, input_format)]
        yield from self._engine.run_records(reader(stream, source), source, Run(), every=True)

    def iter_validate(
        self,
        sources: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
        *,
        input_format: str | None = None,
        stdin: BinaryIO | None = None,
    ) -> Iterator[RecordResult]:
        """Check every record of several files (``-`` is standard input), lazily.

        Yields one result per record, in order. A ``record_id`` seen before in
        the same run is a ``duplicate-record-id`` error. A file that cannot be
        opened gives one result with an ``unreadable-file`` issue and ``index``
        ``None``; the others are still read. A fault of a file itself, in no
        record (an empty file, a CSV header with faults and no rows, text after
        a JSON array), is likewise a result with ``index`` ``None``. Raises
        :class:`~personal_outcomes.errors.UnknownFormatError` before reading
        anything when a source's format cannot be told.
        """
        run = Run()
        yield from self._engine.scan(
            sources, input_format=input_format, stdin=stdin, every=True, run=run
        )

    def validate_files(
        self,
        sources: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
        *,
        input_format: str | None = None,
        max_issues: int | None = None,
        stdin: BinaryIO | None = None,
        dask: object = None,
    ) -> Report:
        """Check files and return the summary report; at most ``max_issues`` issues kept.

        With ``dask``, the files are checked on a Dask cluster, and the report is
        exactly the one this process would make: ``dask`` is a scheduler address
        (``"tcp://HOST:8786"``), ``"local"`` or ``"local:N"`` for a cluster of N worker
        processes on this machine (``local``: one per usable core), started and stopped
        here, or a ``distributed.Client``, used as it is. The workers read the files by
        their paths. This needs the ``dask`` extra (``pip install
        'personal-outcomes[dask]'``), else
        :class:`~personal_outcomes.errors.MissingExtraError` is raised; a cluster that
        cannot be reached, or that fails, raises
        :class:`~personal_outcomes.errors.ClusterError`.
        """
        run = Run()
        issues: list[Issue] = []
        truncated = False
        if dask is None:
            scan = self._engine.scan(sources, input_format=input_format, stdin=stdin, run=run)
        else:
            scan = scan_dask(
                self._engine, sources, dask=dask, run=run, input_format=input_format, stdin=stdin
            )
        for result in scan:
            room = len(result.issues) if max_issues is None else max_issues - len(issues)
            if room < len(result.issues):
                truncated = True
            issues.extend(result.issues[: max(room, 0)])
        return run.report(tuple(issues), truncated=truncated)


def validate_record(
    record: Mapping[str, object] | OutcomesRecord,
    registry: Registry | None = None,
    *,
    today: dt.date | None = None,
    include_values: bool = False,
    strict: bool = False,
    quality: bool = False,
) -> RecordResult:
    """Check one record; for many, build a :class:`Validator` once and reuse it."""
    validator = Validator(
        registry, today=today, include_values=include_values, strict=strict, quality=quality
    )
    return validator.validate_record(record)


def iter_validate(
    sources: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    registry: Registry | None = None,
    *,
    input_format: str | None = None,
    today: dt.date | None = None,
    include_values: bool = False,
    strict: bool = False,
    quality: bool = False,
) -> Iterator[RecordResult]:
    """Check every record of some files lazily, yielding one result per record."""
    validator = Validator(
        registry, today=today, include_values=include_values, strict=strict, quality=quality
    )
    return validator.iter_validate(sources, input_format=input_format)


def validate_files(
    sources: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    registry: Registry | None = None,
    *,
    input_format: str | None = None,
    today: dt.date | None = None,
    include_values: bool = False,
    max_issues: int | None = None,
    strict: bool = False,
    quality: bool = False,
    dask: object = None,
) -> Report:
    """Check files and return a :class:`Report` with exact counts (see ``dask`` there)."""
    validator = Validator(
        registry, today=today, include_values=include_values, strict=strict, quality=quality
    )
    return validator.validate_files(
        sources, input_format=input_format, max_issues=max_issues, dask=dask
    )
