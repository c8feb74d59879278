"""The rows of a file, parsed, in batches: read and parsed in a second process while this one
writes the batch before, so that on two cores the parsing (pure Python, about half of an
import's time) and the database's work run side by side.

The second process is forked: it inherits the layout, the settings and the parsing tables as
they are, needs no Django set-up and never touches the database connection it inherits. A
batch crosses a pipe, which holds at most the one batch being sent (memory stays flat); the
child stops when the pipe breaks, so it never outlives an import that was killed. Small
files (CANCUOC_IMPORT_FORK_FROM_ROWS), and systems without fork, are parsed in this process,
in the same order: both ways run the same :func:`_batches`.

In the writing process a thread takes the next batch off the pipe and unpickles it while the
writer waits for the database to commit the one before (checking its foreign keys, row by
row): the writer's own work on a batch then starts at once, and the reader is free sooner to
parse the one after.
"""

import gc
import multiprocessing
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from multiprocessing.connection import Connection
from pathlib import Path

from django.conf import settings

from .parsing import ParsedRow, row_parse
from .places import Places
from .readers import FileFacts, FileLayout, SourceRow, file_rows

WAIT_SECONDS = 5.0
POLL_SECONDS = 0.2  # how soon the receiving thread sees that the writer stopped


class ReaderDied(RuntimeError):
    """The reading process ended without saying why (killed, out of memory)."""


def parsed_batches(
    path: Path,
    facts: FileFacts,
    layout: FileLayout,
    *,
    after: tuple[int, int],
    batch_size: int,
    today: date,
    places: Places | None = None,
) -> Iterator[list[ParsedRow]]:
    """Batches of ``batch_size`` parsed rows (the last one shorter), in file order, of the
    rows after ``after`` = (sheet index, row number): those an earlier run committed.
    ``places``: where persons live when a row gives no unit code (places.py)."""
    arguments = (path, facts, layout, after, batch_size, today, places)
    # Below CANCUOC_IMPORT_FORK_FROM_ROWS a second process costs more than it saves.
    forked = layout.estimated_rows >= settings.CANCUOC_IMPORT_FORK_FROM_ROWS
    if not forked or "fork" not in multiprocessing.get_all_start_methods():
        yield from _batches(*arguments)
        return
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_produce, args=(sender, receiver, *arguments), daemon=True)
    child.start()
    sender.close()  # the child holds the only sending end: its exit ends the pipe
    received: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()
    taker = threading.Thread(
        target=_receive, args=(receiver, child, received, stop), name="import-receiver", daemon=True
    )
    taker.start()
    try:
        while True:
            try:
                kind, payload = received.get(timeout=WAIT_SECONDS)
            except queue.Empty:
                if not taker.is_alive():
                    raise ReaderDied("the receiving thread ended without a word") from None
                continue
            if kind == "error":
                raise payload
            if kind == "done":
                return
            yield payload
    finally:
        stop.set()
        taker.join()  # before the pipe closes: the thread may be reading from it
        receiver.close()  # a child still sending gets a broken pipe and stops
        child.join(WAIT_SECONDS)
        if child.is_alive():
            child.terminate()
            child.join()


def _batches(
    path: Path,
    facts: FileFacts,
    layout: FileLayout,
    after: tuple[int, int],
    batch_size: int,
    today: date,
    places: Places | None,
) -> Iterator[list[ParsedRow]]:
    batch: list[ParsedRow] = []
    for row in file_rows(path, facts, layout):
        if (row.sheet.index, row.number) <= after:
            continue  # committed by an earlier run of this job
        batch.append(row_parse(row, today=today, places=places))
        if len(batch) == batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


def _receive(receiver: Connection, child, received: queue.Queue, stop: threading.Event) -> None:
    """In a thread of the writing process: each message of the reader, unpickled, into
    ``received`` (which holds one), until "done", an error, or ``stop``."""
    try:
        while not stop.is_set():
            if not receiver.poll(POLL_SECONDS):
                if not child.is_alive():
                    raise ReaderDied(f"the reading process ended with code {child.exitcode}")
                continue
            try:
                with _collector_off():
                    message = receiver.recv()
            except EOFError:
                raise ReaderDied(f"the reading process ended with code {child.exitcode}") from None
            _hand_over(received, message, stop)
            if message[0] != "batch":
                return
    except Exception as error:
        _hand_over(received, ("error", error), stop)


def _hand_over(received: queue.Queue, message: tuple, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            received.put(message, timeout=POLL_SECONDS)
            return
        except queue.Full:
            continue


@contextmanager
def _collector_off() -> Iterator[None]:
    """Unpickling a batch makes a hundred thousand objects, none of them garbage: with the
    collector on, its passes over everything took eight times the unpickling itself."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _produce(sender: Connection, receiver: Connection, *arguments) -> None:
    """In the child: send every batch, then "done"; or the error that stopped the reading."""
    receiver.close()  # the writer's end, inherited: held here, it would keep the pipe open
    gc.freeze()  # what the child inherited is never garbage: the collector need not walk it
    try:
        for batch in _batches(*arguments):
            for parsed in batch:  # the cells by field are parsed: the writer needs the row
                row = parsed.row
                parsed.row = SourceRow(row.sheet, row.number, row.raw, {})
            sender.send(("batch", batch))
        sender.send(("done", None))
    except (BrokenPipeError, ConnectionResetError):
        return  # the writer stopped: nobody to send to
    except Exception as error:
        try:
            sender.send(("error", error))
        except (BrokenPipeError, ConnectionResetError):
            return
        except Exception:  # an error that does not pickle: send what it said
            sender.send(("error", RuntimeError(f"{type(error).__name__}: {error}")))
    finally:
        sender.close()
