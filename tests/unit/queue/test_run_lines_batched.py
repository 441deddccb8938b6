"""A batch's run lines reach each handler exactly as one ``logger.handle`` per record would deliver them,
but a plain stream handler gets them in one write and one flush; the command line's time stamps read as
the standard formatter's."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from shopops.cli.base import LOG_FORMAT, LineFormatter
from shopops.queue.log_lines import handle_all


class CountingStream(io.StringIO):
    """A text stream that counts its writes and flushes."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0
        self.flushes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)

    def flush(self) -> None:
        self.flushes += 1
        super().flush()


class Collect(logging.Handler):
    """Not a plain stream handler: it gets each record on its own."""

    def __init__(self, level: int = logging.NOTSET) -> None:
        super().__init__(level)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class DropOdd(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().endswith(("1", "3", "5", "7", "9"))


def records(logger: logging.Logger, count: int) -> list[logging.LogRecord]:
    levels = [logging.INFO, logging.WARNING, logging.DEBUG]
    return [
        logger.makeRecord(logger.name, levels[i % 3], __file__, 0, f"run {i}", (), None, "write") for i in range(count)
    ]


@pytest.fixture
def tree() -> Iterator[tuple[logging.Logger, dict[str, object]]]:
    """parent <- child, handlers on both, filters on the child logger and on one handler."""
    parent = logging.getLogger("test_run_lines_parent")
    child = logging.getLogger("test_run_lines_parent.runs")
    stream = CountingStream()
    plain = logging.StreamHandler(stream)
    plain.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    plain.setLevel(logging.INFO)
    plain.addFilter(DropOdd())
    warnings = Collect(logging.WARNING)
    on_parent = Collect()
    child.addHandler(plain)
    child.addHandler(warnings)
    parent.addHandler(on_parent)
    yield child, {"stream": stream, "warnings": warnings, "parent": on_parent, "plain": plain}
    child.handlers.clear()
    parent.handlers.clear()
    child.filters.clear()
    child.propagate = True


def delivered(parts: dict[str, object]) -> tuple[str, list[str], list[str]]:
    stream, warnings, parent = parts["stream"], parts["warnings"], parts["parent"]
    assert isinstance(stream, CountingStream) and isinstance(warnings, Collect) and isinstance(parent, Collect)
    return stream.getvalue(), list(warnings.messages), list(parent.messages)


def reset(parts: dict[str, object]) -> None:
    stream, warnings, parent = parts["stream"], parts["warnings"], parts["parent"]
    assert isinstance(stream, CountingStream) and isinstance(warnings, Collect) and isinstance(parent, Collect)
    stream.seek(0)
    stream.truncate()
    stream.writes = stream.flushes = 0
    warnings.messages.clear()
    parent.messages.clear()


def test_same_delivery_as_one_handle_per_record(tree: tuple[logging.Logger, dict[str, object]]) -> None:
    logger, parts = tree
    logger.addFilter(lambda record: record.getMessage() != "run 4")
    batch = records(logger, 12)
    for record in batch:
        logger.handle(record)
    one_by_one = delivered(parts)
    reset(parts)
    handle_all(logger, batch)
    assert delivered(parts) == one_by_one
    text, warnings, parent = one_by_one
    name = "test_run_lines_parent.runs"
    assert text.splitlines() == [f"INFO {name}: run 0", f"INFO {name}: run 6", f"WARNING {name}: run 10"]
    assert warnings == ["run 1", "run 7", "run 10"]  # run 4 is filtered out by the logger
    assert len(parent) == 11


def test_one_write_and_one_flush_per_batch(tree: tuple[logging.Logger, dict[str, object]]) -> None:
    logger, parts = tree
    handle_all(logger, records(logger, 60))
    stream = parts["stream"]
    assert isinstance(stream, CountingStream)
    assert (stream.writes, stream.flushes) == (1, 1)
    assert len(stream.getvalue().splitlines()) == 20  # even, and not DEBUG (every third from 2)
    reset(parts)
    handle_all(logger, [])
    assert (stream.writes, stream.flushes) == (0, 0)


def test_propagation_stops_and_a_disabled_logger_writes_nothing(
    tree: tuple[logging.Logger, dict[str, object]],
) -> None:
    logger, parts = tree
    logger.propagate = False
    handle_all(logger, records(logger, 6))
    assert delivered(parts)[2] == []
    reset(parts)
    logger.disabled = True
    try:
        handle_all(logger, records(logger, 6))
    finally:
        logger.disabled = False
    assert delivered(parts) == ("", [], [])


def test_no_handler_anywhere_goes_to_the_last_resort(monkeypatch: pytest.MonkeyPatch) -> None:
    lonely = logging.getLogger("test_run_lines_lonely")
    lonely.propagate = False
    last = Collect(logging.WARNING)
    monkeypatch.setattr(logging, "lastResort", last)
    handle_all(lonely, records(lonely, 6))
    assert last.messages == ["run 1", "run 4"]


def test_the_command_lines_time_stamps_read_as_the_standard_formatters() -> None:
    ours, standard = LineFormatter(LOG_FORMAT), logging.Formatter(LOG_FORMAT)
    logger = logging.getLogger("test_run_lines_stamps")
    start = 1_790_000_000.0
    for offset in (0.0, 0.001, 0.5, 0.999, 1.0, 1.25, 61.5, 3600.75, 0.25):  # across seconds, and back
        record = logger.makeRecord(logger.name, logging.INFO, __file__, 0, "line", (), None)
        record.created = start + offset
        record.msecs = int((record.created - int(record.created)) * 1000) + 0.0
        assert ours.format(record) == standard.format(record)
    with_datefmt = logging.Formatter(LOG_FORMAT, "%H:%M")
    assert LineFormatter(LOG_FORMAT, "%H:%M").format(record) == with_datefmt.format(record)
