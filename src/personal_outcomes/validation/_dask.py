"""Checking files on a Dask cluster (``--dask SCHEDULER``), with the report of one process.

The ``--jobs`` machinery on a cluster. Each JSON Lines file is cut into byte ranges
at line ends, each a task, and every other file is checked whole (small files
together, in one task); the workers open the files themselves, by path, and check
them with the same code as one process. What comes
back is what ``--jobs`` workers send: a slice's counts, every string record_id with
its record number and line, and the records with issues (never their data); with a
tally (``summarise``, ``journeys``), what each record of a chunk gives the counts (counted
in the client, in order, once the run's duplicates are known), and the tally of each
file checked whole. The client takes the results in order, at most a window of tasks in
flight, and merges them into the run, which finds duplicate ids across slices and files.

A file checked whole comes back as segments, each ending at a fault of the file
itself (a comma where a record of a JSON array should start, say), so that the
fault is reported where one process reports it: between the records around it.

The settings (the frameworks' data, the date called today, the options) go to every
worker once; a worker keeps the engine it builds from them, by a digest of the
settings, for the tasks that follow. Standard input, anything that is not a regular
file (a pipe, say), and a file whose size reads 0 (a file of /proc, say) are checked in
the client, in their turn; the workers get the other files by their absolute paths.

Every failure to reach or use the cluster is a ClusterError, within about
``CONNECT_TIMEOUT`` seconds where Dask would wait without end: the client first asks
the scheduler who it is, in a thread of its own, and then asks every worker which
version of this package it has.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import datetime as dt
import gc
import hashlib
import logging
import multiprocessing
import os
import pickle
import pkgutil
import re
import signal
import stat
import threading
import types
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Final

import attrs
from attrs import frozen

from personal_outcomes._codes import DUPLICATE_RECORD_ID
from personal_outcomes._formats import READERS
from personal_outcomes._formats._raw import FILE_LEVEL, RawRecord
from personal_outcomes._version import __version__
from personal_outcomes.errors import ClusterError, MissingExtraError
from personal_outcomes.exports._profile import Profile
from personal_outcomes.frameworks import Registry
from personal_outcomes.validation import _parallel
from personal_outcomes.validation._parallel import (
    Accumulator,
    Chunk,
    as_duplicate,
    merge_chunk,
    read_chunk,
    scan_here,
    size_for_workers,
    usable_cores,
)
from personal_outcomes.validation._results import RecordResult
from personal_outcomes.validation._run import (
    PROFILE,
    STDIN,
    Engine,
    Run,
    Segment,
    Source,
    Sources,
    relative_place,
)

if TYPE_CHECKING:
    from distributed import Client, Future

#: Seconds to wait for a scheduler to answer, and for it to have a worker.
CONNECT_TIMEOUT: Final = 10
#: A task of a JSON Lines file is this many ``--jobs`` chunks (16 MiB): each task costs
#: the client about 10 ms (the scheduler runs there too, for ``local``).
_CHUNKS_PER_TASK: Final = 4
#: The engines a worker keeps (one per run's settings; the oldest goes first).
_KEPT: Final = 4

_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()

#: A chunk of a JSON Lines file: (path, source name, first byte, byte after the last).
_Range = tuple[str, str, int, int]


def local_workers(scheduler: str) -> int | None:
    """Return the workers of a local cluster (``local``, ``local:N``), None for an address.

    ``local`` has as many workers as this process may use processor cores. Spaces
    around ``scheduler`` are left out, and ``local`` is read in any case; a name with a
    control or invisible character (a newline, say) is refused, as is ``local:N`` whose
    N is not a whole number of at least 1 (a ClusterError).

    >>> local_workers("local:3"), local_workers(" LOCAL:2"), local_workers("tcp://10.0.0.5:8786")
    (3, 2, None)
    """
    scheduler = _checked(scheduler)
    name, colon, count = scheduler.partition(":")
    if not (name.isascii() and name.lower() == "local"):
        return None
    if not colon:
        return usable_cores()
    if count.isascii() and count.isdigit() and int(count) >= 1:
        return int(count)
    raise _cluster_error(scheduler, "local:N needs a whole number N >= 1")


def _checked(scheduler: str) -> str:
    """Return ``scheduler`` without the spaces around it; refuse an empty or unprintable one."""
    name = scheduler.strip(" ")
    if not name:
        raise _cluster_error(repr(name), "no address given")
    if not name.isprintable():
        reason = (
            "the address holds a control or invisible character, shown escaped: give the "
            "address alone"
        )
        raise _cluster_error(name, reason)
    return name


def _cluster_error(scheduler: str, reason: str) -> ClusterError:
    """Return the ClusterError of ``scheduler`` and ``reason``, each shown on one line."""
    return ClusterError(scheduler=_shown(scheduler), reason=_shown(reason))


def _shown(text: str) -> str:
    r"""Return ``text`` with its control and invisible characters escaped, as Python writes them.

    >>> print(_shown("tcp://host:8786\n\x1b[2J"))
    tcp://host:8786\n\x1b[2J
    """
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)


# ---- on a worker --------------------------------------------------------------------


@frozen(kw_only=True)
class _Settings:
    """What a worker needs to build the client's engine: data, never paths."""

    registry: Registry
    today: dt.date
    include_values: bool
    strict: bool
    quality: bool
    profile: Profile | None
    csv_dialect: Profile | None

    @classmethod
    def of(cls, engine: Engine) -> _Settings:
        """Return the settings of an engine, its date called today fixed (workers' clocks vary)."""
        return cls(
            registry=engine.registry,
            today=dt.date.fromisoformat(engine.checker.latest),
            include_values=engine.include_values,
            strict=engine.strict,
            quality=engine.quality,
            profile=engine.profile,
            csv_dialect=engine.csv_dialect,
        )

    def engine(self) -> Engine:
        """Build the engine."""
        return Engine(
            self.registry,
            today=self.today,
            include_values=self.include_values,
            strict=self.strict,
            quality=self.quality,
            profile=self.profile,
            csv_dialect=self.csv_dialect,
        )


def _engine(key: str, settings: _Settings) -> Engine:
    """Return this worker's engine for the settings whose digest is ``key``."""
    with _engines_lock:
        engine = _engines.get(key)
        if engine is None:
            engine = settings.engine()
            while len(_engines) >= _KEPT:
                del _engines[next(iter(_engines))]
            _engines[key] = engine
    return engine


def _chunk_task(
    key: str,
    settings: _Settings,
    chunk: _Range,
    tally: Accumulator | None,
    duplicates: frozenset[int],
) -> Chunk | OSError:
    """Check one chunk of a JSON Lines file (see ``read_chunk``); a read failure is returned.

    With ``tally`` (empty), the chunk holds what each record gives the counts, which the
    client counts once it knows the run's duplicates. ``duplicates`` is not used: the
    tasks of files checked whole take it.
    """
    del duplicates
    try:
        return read_chunk(chunk, tally, engine=_engine(key, settings))
    except OSError as err:
        return err


@frozen(kw_only=True)
class _Whole:
    """A file checked whole: its segments, and why it could not be read (to its end)."""

    segments: tuple[Segment, ...]
    error: OSError | None = None
    tally: Accumulator | None = None


def _files_task(
    key: str,
    settings: _Settings,
    sources: tuple[Source, ...],
    tally: Accumulator | None,
    duplicates: frozenset[int],
) -> tuple[_Whole, ...]:
    """Check whole files; with ``tally``, count each one's records into an empty copy.

    ``duplicates`` (record numbers) are counted as duplicates: for one file counted again.
    """
    engine = _engine(key, settings)
    return tuple(
        _check_whole(engine, source, None if tally is None else tally.empty(), duplicates)
        for source in sources
    )


def _check_whole(
    engine: Engine, source: Source, tally: Accumulator | None, duplicates: frozenset[int]
) -> _Whole:
    try:
        handle = Path(source.path).open("rb")  # noqa: SIM115 (closed below)
    except OSError as err:
        return _Whole(segments=(), error=err, tally=tally)
    with handle:
        return _check_file(engine, handle, source, tally, duplicates)


class _Segments:
    """The segments of one file being checked, cut after each fault of the file itself."""

    def __init__(self, name: str) -> None:
        """Start the file's first segment."""
        self.name = name
        self.segments: list[Segment] = []
        self.results: list[RecordResult] = []
        self.keys: list[str] = []
        self.places: list[int] = []
        self.first = self.records = 0
        self.stopped = False

    def record(self, key: object, index: int, line: int | None) -> None:
        """Count a record, and its id if it is a string."""
        self.records += 1
        if type(key) is str:
            self.keys.append(key)
            self.places.append(relative_place(index - self.first, line))

    def cut(self) -> None:
        """End the current segment."""
        self.segments.append(
            Segment(
                source=self.name,
                records=self.records - self.first,
                lines=0,
                results=tuple(self.results),
                keys=tuple(self.keys),
                places=tuple(self.places),
                continued=bool(self.segments),
                complete=not self.stopped,
            )
        )
        self.results.clear()
        self.keys.clear()
        self.places.clear()
        self.first, self.stopped = self.records, False


def _check_file(
    engine: Engine,
    handle: BinaryIO,
    source: Source,
    tally: Accumulator | None,
    duplicates: frozenset[int],
) -> _Whole:
    """Check a file as ``Engine.run_records`` does, into segments cut after each file fault.

    Results are numbered in the file (as placed, see ``Engine.absorb_placed``); the
    places of the ids, from the start of their segment. Lines are the file's own.
    """
    name = source.label
    reader = engine.export_reader if source.format == PROFILE else READERS[source.format]
    if source.format == "csv" and engine.csv_reader is not None:
        reader = engine.csv_reader
    assert reader is not None  # noqa: S101 (a profile's sources come with a profile)
    found = _Segments(name)
    error: OSError | None = None
    try:
        for raw in reader(handle, name):
            data = raw.data
            if not raw.problems and engine.quick(data):  # clean: only its id can be wrong
                if tally is not None:
                    _count_clean(engine, tally, raw, name, duplicates)
                found.record(data["record_id"], raw.index, raw.line)  # type: ignore[index]
                continue
            found.stopped = found.stopped or any(problem.stops for problem in raw.problems)
            if raw.index == FILE_LEVEL:  # the file's own fault: the end of a segment
                result = engine.file_fault(raw, name)
                found.results.append(result)
                found.cut()
            else:
                result = engine.full(raw, name)
                if result.issues:
                    found.results.append(attrs.evolve(result, data=None))  # no data leaves
                key = data.get("record_id") if type(data) is dict else None
                found.record(key, raw.index, raw.line)
            if tally is not None:
                tally.add(as_duplicate(engine, result) if raw.index in duplicates else result)
    except OSError as err:  # the file opened, but reading it failed part way
        error = err
    found.cut()
    return _Whole(segments=tuple(found.segments), error=error, tally=tally)


def _count_clean(
    engine: Engine, tally: Accumulator, raw: RawRecord, name: str, duplicates: frozenset[int]
) -> None:
    """Count a clean record, as a duplicate if its number is in ``duplicates``."""
    if raw.index in duplicates:
        clean = RecordResult(source=name, index=raw.index, line=raw.line, record_id=None, issues=())
        tally.add(as_duplicate(engine, clean))
    else:
        tally.add_clean(raw.data)


# ---- on the client --------------------------------------------------------------------


#: The Dask setting of how a local cluster starts its worker processes.
_START_METHOD: Final = "distributed.worker.multiprocessing-method"


def _local_start_method() -> str:
    """Return how to start a local cluster's workers: from a fork server where there is one.

    A fork server imports Dask once and forks each worker from that clean process, which
    is safe with threads (unlike a plain fork); Dask's default, spawn, starts every
    worker from nothing, seconds slower.
    """
    methods = multiprocessing.get_all_start_methods()
    return "forkserver" if "forkserver" in methods else "spawn"


@contextlib.contextmanager
def connect(dask: object) -> Iterator[tuple[Client, str]]:
    """Connect to the cluster ``dask`` names; yield its client and its name for messages.

    ``dask`` is a scheduler address, ``local`` or ``local:N`` (a cluster of N worker
    processes on this machine, started and stopped here), or a ``distributed.Client``
    (used as it is, and left open). Raises :class:`~personal_outcomes.errors.ClusterError`
    when the cluster cannot be reached, :class:`~personal_outcomes.errors.MissingExtraError`
    when Dask is not installed.
    """
    # A Ctrl-C that stops an import can be swallowed, and leave the module half made.
    with _interrupts_held():
        try:  # an optional extra, imported when asked for
            import distributed  # noqa: PLC0415
            from dask import config as dask_config  # noqa: PLC0415
        except ImportError as err:
            raise MissingExtraError(
                purpose="Dask clusters", package="dask.distributed", extra="dask"
            ) from err
    if isinstance(dask, distributed.Client):
        yield dask, str(getattr(dask.scheduler, "address", "the client given"))
        return
    if not isinstance(dask, str):
        message = "dask= takes a scheduler address, 'local', 'local:N' or a distributed.Client"
        raise TypeError(message)
    dask = _checked(dask)
    workers = local_workers(dask)
    if workers is None:
        with _remote(distributed, dask) as client:
            yield client, dask
    else:
        with _local(distributed, dask_config, dask, workers) as client:
            yield client, dask


@contextlib.contextmanager
def _local(
    distributed: types.ModuleType, dask_config: types.ModuleType, name: str, workers: int
) -> Iterator[Client]:
    """Yield a client of a cluster of ``workers`` processes started here; stopped at the end.

    A terminal sends Ctrl-C (SIGINT) to every process of the command: the workers ignore
    it, and the cluster is stopped here without a word from them (see
    :func:`_start_fork_server`). One while the cluster starts or stops is held back until
    it has (see :func:`_interrupts_held`).
    """
    stack = contextlib.ExitStack()
    try:
        failure = None
        with _interrupts_held():
            try:  # Dask's calls only
                method = _local_start_method()
                stack.enter_context(dask_config.set({_START_METHOD: method}))
                if method == "forkserver" and _in_main_thread():
                    _start_fork_server()
                cluster = distributed.LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    # No dashboard; the scheduler's own web server on any free port of
                    # this machine only (its default port may be taken by another run).
                    scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                    silence_logs=logging.CRITICAL,
                )
                stack.enter_context(cluster)
                client = stack.enter_context(distributed.Client(cluster, set_as_default=False))
            except Exception as err:  # whatever Dask raises: said in the message
                failure = _named(err)
        if failure is not None:
            raise _cluster_error(name, failure)
        yield client
    finally:
        with _interrupts_held():
            stack.close()


def _in_main_thread() -> bool:
    """Say whether this is the main thread, the one that handles signals."""
    return threading.current_thread() is threading.main_thread()


def _start_fork_server() -> None:
    """Start the fork server of the workers, if not yet running, with SIGINT blocked.

    The server and its worker processes inherit that, and so never see a Ctrl-C sent to
    every process of the command, as a terminal does: they would die at once, each with
    a traceback, and the server too while it imports Dask, with a traceback of its own.
    Blocked here in this thread only, while the server starts: this process's other
    threads (a maths library's, say) take a Ctrl-C meanwhile, for Python's handler,
    which ignoring it would lose. Dask chooses the modules the server imports first, as
    when it starts the server itself.
    """
    from multiprocessing import forkserver, resource_tracker  # noqa: PLC0415 (POSIX only)

    from distributed.utils import get_mp_context  # noqa: PLC0415 (the optional extra)

    get_mp_context()  # type: ignore[no-untyped-call]  # sets the modules the server imports
    # Started by the fork server otherwise, which would then unblock SIGINT here: the
    # tracker blocks it while it starts, and ignores it.
    resource_tracker.ensure_running()
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        forkserver.ensure_running()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold back a Ctrl-C (SIGINT) until the block ends, then raise KeyboardInterrupt.

    A local cluster interrupted while it starts or stops is left half made, and Dask
    says so at exit, at length. A second Ctrl-C raises at once. Only in the main thread,
    and only in place of Python's own handler (not of one the program has set).
    """
    if not _in_main_thread() or signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield
        return
    held: list[int] = []

    def hold(number: int, frame: types.FrameType | None) -> None:
        del frame
        if held:
            raise KeyboardInterrupt
        held.append(number)

    signal.signal(signal.SIGINT, hold)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if held:
        raise KeyboardInterrupt


def _named(err: BaseException) -> str:
    """Return an exception's type and message, for a reason."""
    return f"{type(err).__name__}: {err}" if str(err) else type(err).__name__


@contextlib.contextmanager
def _remote(distributed: types.ModuleType, address: str) -> Iterator[Client]:
    """Yield a client of the scheduler at ``address``, with a worker; closed at the end.

    A scheduler must answer within about ``CONNECT_TIMEOUT`` seconds (see
    :func:`_ask`), and have a worker within ``CONNECT_TIMEOUT`` more.
    """
    failure = _address_fault(address)
    if failure is None:
        try:  # Dask's own settings (TLS certificates, say), used by the client as well
            security = distributed.Security()
            arguments: dict[str, object] = security.get_connection_args("client")
        except Exception as err:  # whatever Dask raises: said in the message
            failure = f"Dask's security settings cannot be used: {_named(err)}"
    if failure is None:
        failure = _ask(address, arguments)
    if failure is not None:
        raise _cluster_error(address, failure)
    try:  # Dask's calls only
        client = distributed.Client(
            address, timeout=CONNECT_TIMEOUT, set_as_default=False, security=security
        )
    except Exception as err:  # whatever Dask raises: said in the message
        failure = str(err) or type(err).__name__
    if failure is not None:
        # A client that failed half-made closes when collected, with a wait of twenty
        # seconds and a traceback once its event loop is gone (at exit): collect it now.
        gc.collect()
        raise _cluster_error(address, failure)
    with client:
        try:
            client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
        except Exception as err:  # whatever Dask raises: said in the message
            failure = str(err) or type(err).__name__
        if failure is not None:
            raise _cluster_error(address, failure)
        yield client


#: The schemes whose addresses are HOST:PORT, each checked before it is tried.
_HOST_PORT: Final = frozenset({"tcp", "tls", "ws", "wss"})
#: The largest port number.
_LAST_PORT: Final = 65535
#: An address of the ``inproc`` scheme: HOST/PID/N, a server in this process.
_INPROC: Final = re.compile(r"[^/]+/[0-9]+/[0-9]+", re.ASCII)


def _address_fault(address: str) -> str | None:
    """Say what is wrong with the form of ``address``, before it is tried; None if nothing.

    A HOST:PORT address (``tcp://``, ``tls://``, ``ws://``, ``wss://``, or none) needs a
    host, and a port from 1 to 65535 (an IPv6 host in brackets); an ``inproc://`` address
    is HOST/PID/N. Other schemes are Dask's to judge.
    """
    from distributed.comm.addressing import parse_address  # noqa: PLC0415 (the optional extra)

    scheme, location = parse_address(address)  # no scheme: Dask's default, tcp
    if scheme == "inproc":
        inproc = (
            f"invalid address {address!r}: an inproc:// address is inproc://HOST/PID/N, "
            "of a scheduler in this Python process"
        )
        return None if _INPROC.fullmatch(location) else inproc
    if scheme in _HOST_PORT:
        return _host_port_fault(address, location)
    return None


def _host_port_fault(address: str, location: str) -> str | None:
    """Say what is wrong with ``location``, the HOST:PORT of ``address``; None if nothing."""
    if location.startswith("["):  # IPv6: [HOST]:PORT
        host, closed, tail = location[1:].partition("]")
        colon, port = tail[:1], tail[1:]
        misplaced = not closed or colon not in {"", ":"}
    else:
        host, colon, port = location.rpartition(":")
        misplaced = ":" in host
    if misplaced:
        return (
            f"invalid address {address!r}: an IPv6 host goes in brackets, before the port "
            "(tcp://[::1]:8786)"
        )
    if not (colon and port):
        return f"missing port number in address {address!r}"
    if not host:
        return f"missing host name in address {address!r}"
    if not (port.isascii() and port.isdigit() and 1 <= int(port) <= _LAST_PORT):
        return f"port {port!r} is not a whole number from 1 to {_LAST_PORT}"
    return None


#: Why a server that answered with something else than Dask's words cannot be used.
_NOT_DASK: Final = "something answers at this address, but not as a Dask scheduler"
#: How Dask's own messages start, of what it raises before a word is sent or read.
_BEFORE_A_WORD: Final = (
    "Timed out trying to connect to ",
    "unknown address scheme ",
    "inproc address ",
)
#: Seconds given to the first exchange with a scheduler beyond ``CONNECT_TIMEOUT``, which
#: Dask takes to try to connect: its own message for an address where nothing listens
#: comes first.
_SLACK: Final = 1.0


def _ask(address: str, arguments: dict[str, object]) -> str | None:
    """Ask the server at ``address`` who it is, as Dask does; return why it cannot be used.

    Before a client is made: Dask's client waits without end for the first words of a
    server that takes the connection but says nothing, and stops with an odd error at one
    that speaks another protocol (a web server, say). Here the whole exchange, in a
    thread of its own, is given ``CONNECT_TIMEOUT`` (and ``_SLACK``) seconds.
    """
    scheme = address.partition("://")[0] if "://" in address else "tcp"
    if scheme in {"tls", "wss"} and arguments.get("ssl_context") is None:
        return (
            f"a {scheme}:// address needs TLS certificates in Dask's configuration, under "
            "distributed.comm.tls, and none are set; this command takes no others"
        )
    answers: list[object] = []
    thread = threading.Thread(
        target=_identify,
        args=(address, arguments, answers),
        name="personal-outcomes: ask the scheduler",
        daemon=True,  # left behind if a name lookup hangs
    )
    thread.start()
    thread.join(CONNECT_TIMEOUT + 2 * _SLACK)
    answer = answers[0] if answers else TimeoutError()
    if isinstance(answer, BaseException):
        return _unanswered(scheme, answer)
    kind = answer.get("type") if isinstance(answer, dict) else None
    if kind in {"Worker", "Nanny"}:
        return f"this is the address of a Dask {kind.lower()}; give its scheduler's address"
    if not isinstance(kind, str):
        return _NOT_DASK
    return None


def _identify(address: str, arguments: dict[str, object], answers: list[object]) -> None:
    """Connect to ``address`` and ask for its identity; add the answer, or what was raised."""
    from distributed.comm.core import connect  # noqa: PLC0415 (the optional extra)

    async def identity() -> object:
        channel = await connect(  # type: ignore[no-untyped-call]
            address, timeout=CONNECT_TIMEOUT, deserialize=False, **arguments
        )
        try:
            await channel.write({"op": "identity", "reply": True})
            return await channel.read()
        finally:
            channel.abort()

    try:
        answers.append(asyncio.run(asyncio.wait_for(identity(), CONNECT_TIMEOUT + _SLACK)))
    except Exception as err:  # whatever Dask raises: see _unanswered
        answers.append(err)


def _unanswered(scheme: str, err: BaseException) -> str:
    """Say why a scheduler did not answer, from what Dask raised when asked.

    Short of a TLS setting and the form of the address (looked at before), what Dask
    raises before it sends a word is an OSError (nothing listens, in time), a
    ValueError (a scheme it does not know, an ``inproc://`` address of another
    process), or for ``ucx://`` the want of UCX: these are said in Dask's words.
    Anything else comes of the other end's answer, whose text is never passed on.
    """
    if isinstance(err, TimeoutError):  # nothing, or too little, came back in time
        return f"no answer as a Dask scheduler within {CONNECT_TIMEOUT:g} s"
    if scheme == "ucx" and not isinstance(err, OSError):
        return (
            "ucx:// addresses need Dask's UCX support (distributed-ucxx), which this "
            f"Python cannot use ({_named(err)})"
        )
    if isinstance(err, OSError | ValueError) and str(err).startswith(_BEFORE_A_WORD):
        return str(err)  # Dask's words, of an address checked before (see _address_fault)
    # Closed without a word, or words that are not Dask's: a length of exabytes (a
    # MemoryError, or numpy's ValueError), say. Their text is not passed on.
    return _NOT_DASK


@frozen(kw_only=True)
class _Job:
    """One source and how it is checked: here, in chunks (``chunks``), or whole."""

    source: Source
    here: bool = False
    chunks: tuple[_Range, ...] | None = None
    #: Set when the file could not even be cut into chunks.
    error: OSError | None = None
    size: int = 0


def _job(source: Source) -> _Job:
    if source.path == STDIN or source.error is not None:
        return _Job(source=source, here=True)
    try:
        status = os.stat(source.path)  # noqa: PTH116 (one call for the kind and the size)
    except OSError:
        return _Job(source=source, here=True)  # reported here, as by one process
    if not stat.S_ISREG(status.st_mode) or not status.st_size:
        # A pipe, say: read once, and only here. A file whose size reads 0 is empty, or
        # does not know its length (a file of /proc, say): read here, as one process does.
        return _Job(source=source, here=True)
    # The workers open the file by a path that is the same from any folder (not made
    # shorter: "link/.." is not always "."); the report names it as given.
    source = attrs.evolve(source, path=os.path.join(os.getcwd(), source.path))  # noqa: PTH109, PTH118
    if size_for_workers(source) is None:
        return _Job(source=source, size=status.st_size)
    try:
        cut = _parallel._chunks(
            source.path, status.st_size, _parallel.CHUNK_BYTES * _CHUNKS_PER_TASK
        )
        chunks = tuple((source.path, source.label, start, end) for start, end in cut)
    except OSError as err:
        return _Job(source=source, chunks=(), error=err)
    return _Job(source=source, chunks=chunks)


#: What a worker runs first, to say which personal-outcomes it has: a name in the
#: standard library, so that any worker can run it, with or without the package.
_VERSION_OF: Final = "personal_outcomes._version:__version__"


def _needs_package(err: BaseException) -> bool:
    """Say whether a worker failed for want of a module (it comes back as itself, or as text)."""
    text = str(err)
    return isinstance(err, ImportError) or "ModuleNotFoundError" in text or "ImportError" in text


class _Tasks:
    """The run's tasks, submitted in order, at most ``size`` in flight; taken in order.

    Each chunk of a JSON Lines file is a task; files checked whole are batched, in
    order, into tasks of at most about ``CHUNK_BYTES`` (a file larger is a task alone).
    Every call to the cluster is made in :meth:`calls`: what it raises is a ClusterError.
    """

    def __init__(
        self,
        client: Client,
        scheduler: str,
        engine: Engine,
        jobs: list[_Job],
        tally: Accumulator | None,
    ) -> None:
        """Check the workers, and send them the engine's settings; no task is submitted yet."""
        settings = _Settings.of(engine)
        self.client = client
        self.scheduler = scheduler
        self.key = hashlib.sha256(pickle.dumps(settings)).hexdigest()
        with self.calls("the workers could not be asked which personal-outcomes they have"):
            found = client.run(pkgutil.resolve_name, _VERSION_OF, on_error="return")
        for worker, version in sorted(found.items()):
            self._check(worker, version)
        # A worker without the package would fail to take the settings, or stall their
        # sharing out without end: the workers were checked first.
        with self.calls("the run's settings could not be sent to the workers"):
            self.settings = client.scatter(  # type: ignore[no-untyped-call]
                settings, broadcast=True, hash=False
            )
            threads = client.nthreads()  # type: ignore[no-untyped-call]
        self.size = max(4, 2 * sum(threads.values()))
        self.tally = tally
        self.pending: collections.deque[Future[object]] = collections.deque()
        self.files: collections.deque[_Whole] = collections.deque()
        self.waiting = self._all(jobs)

    def _check(self, worker: str, version: object) -> None:
        """Raise a ClusterError unless the worker has this personal-outcomes."""
        if version == __version__:
            return
        if isinstance(version, BaseException):
            found = f"cannot import personal_outcomes ({_named(version)})"
        else:
            found = f"has personal-outcomes {version}"
        reason = (
            f"the worker at {worker} {found}: install personal-outcomes[dask] {__version__} "
            "on every worker, the version of this command"
        )
        raise _cluster_error(self.scheduler, reason)

    @contextlib.contextmanager
    def calls(self, failed: str) -> Iterator[None]:
        """Make what a call to the cluster raises a ClusterError (``failed``: what failed).

        Only calls to Dask are made inside: their errors, and the errors of tasks on the
        workers, which come back as they were raised there, are of any kind.
        """
        try:
            yield
        except Exception as err:  # see above: said in the message
            if _needs_package(err):
                reason = (
                    f"{failed} on a worker that cannot import what it needs ({_named(err)}): "
                    f"install personal-outcomes[dask] {__version__} on every worker, the "
                    "version of this command"
                )
            else:
                reason = f"{failed}: {_named(err)}"
            raise _cluster_error(self.scheduler, reason) from err

    @staticmethod
    def _all(jobs: list[_Job]) -> Iterator[tuple[Callable[..., object], object]]:
        batch: list[Source] = []
        size = 0
        for job in jobs:
            if job.here or job.error is not None:
                continue
            if job.chunks is None and (not batch or size + job.size <= _parallel.CHUNK_BYTES):
                batch.append(job.source)
                size += job.size
                continue
            if batch:
                yield _files_task, tuple(batch)
            batch, size = [], 0
            if job.chunks is None:
                batch, size = [job.source], job.size
            else:
                for chunk in job.chunks:
                    yield _chunk_task, chunk
        if batch:
            yield _files_task, tuple(batch)

    def submit(
        self, task: Callable[..., object], what: object, duplicates: frozenset[int] = frozenset()
    ) -> Future[object]:
        """Submit one task, with the run's settings and an empty tally if counting."""
        empty = None if self.tally is None else self.tally.empty()
        with self.calls("a task could not be sent"):
            return self.client.submit(
                task, self.key, self.settings, what, empty, duplicates, pure=False
            )

    def take(self) -> object:
        """Return the result of the next task in order."""
        while len(self.pending) < self.size:
            waiting = next(self.waiting, None)
            if waiting is None:
                break
            self.pending.append(self.submit(*waiting))
        return self.result(self.pending.popleft())

    def take_file(self) -> _Whole:
        """Return the next file checked whole, in order."""
        if not self.files:
            self.files.extend(typing.cast("tuple[_Whole, ...]", self.take()))
        return self.files.popleft()

    def again(
        self, task: Callable[..., object], what: object, duplicates: frozenset[int]
    ) -> object:
        """Count a file again, ``duplicates`` excluded, out of turn; return the result."""
        return self.result(self.submit(task, what, duplicates))

    def result(self, future: Future[object]) -> object:
        """Wait for a task's result; a failure of the cluster is a ClusterError."""
        with self.calls("a task failed"):
            return future.result()

    def skip(self, count: int) -> None:
        """Pass over the next ``count`` tasks (the rest of a file that failed)."""
        for _ in range(count):
            if self.pending:
                future = self.pending.popleft()
                with self.calls("a task could not be cancelled"):
                    future.cancel()  # type: ignore[no-untyped-call]
            else:
                next(self.waiting)

    def close(self) -> None:
        """Cancel the tasks still in flight."""
        if self.pending:
            with self.calls("the tasks still running could not be cancelled"):
                self.client.cancel(list(self.pending))  # type: ignore[no-untyped-call]
        self.pending.clear()


def scan_dask(
    engine: Engine,
    sources: Sources,
    *,
    dask: object,
    run: Run,
    input_format: str | None = None,
    stdin: BinaryIO | None = None,
    tally: Accumulator | None = None,
) -> Iterator[RecordResult]:
    """Check files like :meth:`Engine.scan`, on the Dask cluster ``dask`` (see :func:`connect`).

    The results, the run's counts and ``tally`` are exactly those of one process.
    With ``tally``, every record is counted into it (see ``scan_parallel``).
    """
    plan = engine.plan(sources, input_format)
    run.skipped += plan.skipped
    jobs = [_job(source) for source in plan.sources]
    with connect(dask) as (client, scheduler):
        with _interrupts_held():  # settings half sent would fail noisily as the cluster stops
            tasks = _Tasks(client, scheduler, engine, jobs, tally)
        try:
            for job in jobs:
                if job.here:
                    yield from scan_here(engine, job.source, run, stdin=stdin, tally=tally)
                else:
                    run.position = None
                    yield from _merge(engine, job, tasks, run, tally)
        finally:
            tasks.close()


def _merge(
    engine: Engine, job: _Job, tasks: _Tasks, run: Run, tally: Accumulator | None
) -> Iterator[RecordResult]:
    """Add one file checked by the workers to the run; yield its records with issues."""
    name = job.source.label
    started = False
    chunks = job.chunks or ()
    taken = 0
    try:
        if job.error is not None:
            raise job.error
        if job.chunks is None:
            whole = tasks.take_file()
            started = bool(whole.segments)
            yield from _merge_whole(engine, job.source, whole, tasks=tasks, run=run, tally=tally)
            return
        for chunk in chunks:
            done = tasks.take()
            taken += 1
            if isinstance(done, OSError):
                raise done
            started = True
            yield from merge_chunk(
                engine, name, chunk[2], typing.cast("Chunk", done), run, tally=tally
            )
    except OSError as err:  # the file could not be read (to its end)
        tasks.skip(len(chunks) - taken)  # the rest of its chunks
        yield engine.unreadable(name, err, run, started=started)


def _merge_whole(
    engine: Engine,
    source: Source,
    whole: _Whole,
    *,
    tasks: _Tasks,
    run: Run,
    tally: Accumulator | None,
) -> Iterator[RecordResult]:
    """Add a file checked whole to the run (see :func:`_merge`)."""
    duplicates: list[int] = []
    for segment in whole.segments:
        for result in engine.absorb_placed(segment, run):
            if result.index is not None and any(
                issue.code == DUPLICATE_RECORD_ID for issue in result.issues
            ):
                duplicates.append(result.index)
            yield result
    if whole.error is not None:
        raise whole.error
    if tally is not None and whole.tally is not None:
        part = whole.tally
        if duplicates:  # count the file again, its duplicates excluded
            done = tasks.again(_files_task, (source,), frozenset(duplicates))
            again = typing.cast("tuple[_Whole, ...]", done)[0]
            if again.error is not None:
                raise again.error
            part = again.tally or part
        tally += part
    if run.on_progress is not None:
        run.on_progress(run)
