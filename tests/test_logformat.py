"""The log formatter that makes its time text once a second writes what the standard one
writes."""

from __future__ import annotations

import logging
import time
from unittest import mock

from incubator.logformat import Formatter

FORMAT = "%(asctime)s %(levelname)s security %(message)s"


def record(created: float, message: str = "api_token_used token_id=1") -> logging.LogRecord:
    line = logging.LogRecord("security", logging.INFO, __file__, 1, message, None, None)
    line.created = created
    line.msecs = (created - int(created)) * 1000
    return line


def test_each_line_reads_as_the_standard_formatters_across_seconds():
    ours, standard = Formatter(FORMAT), logging.Formatter(FORMAT)
    # within one second, across a second, back in time (a clock set back), and a year on
    moments = [1_765_000_000.001, 1_765_000_000.999, 1_765_000_001.5, 1_764_999_999.25]
    moments.append(1_765_000_000.001 + 365 * 86_400)
    for created in moments:
        assert ours.format(record(created)) == standard.format(record(created))


def test_the_time_text_is_made_once_a_second():
    """What it is for: ``strftime`` once for the lines of one second, again for the next."""
    ours = Formatter(FORMAT)
    with mock.patch("incubator.logformat.time.strftime", wraps=time.strftime) as strftime:
        for created in (1_765_000_000.001, 1_765_000_000.5, 1_765_000_000.999):
            ours.format(record(created))
        assert strftime.call_count == 1
        ours.format(record(1_765_000_001.0))
        assert strftime.call_count == 2


def test_a_date_format_of_its_own_goes_the_standard_way():
    ours = Formatter("%(asctime)s %(message)s", datefmt="%H:%M")
    standard = logging.Formatter("%(asctime)s %(message)s", datefmt="%H:%M")
    assert ours.format(record(1_765_000_000.5)) == standard.format(record(1_765_000_000.5))


def test_the_security_log_writes_through_it():
    streams = [
        handler
        for handler in logging.getLogger("security").handlers
        if type(handler) is logging.StreamHandler  # settings.LOGGING's console handler
    ]
    assert len(streams) == 1
    assert isinstance(streams[0].formatter, Formatter)
    assert streams[0].formatter._fmt == FORMAT
