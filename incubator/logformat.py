"""The log lines' formatter: the standard one, its time text made once a second."""

from __future__ import annotations

import logging
import time


class Formatter(logging.Formatter):
    """``logging.Formatter`` whose ``%(asctime)s`` (no ``datefmt``) is made once a second
    and reused with each line's milliseconds: the same text. The security log writes a line
    for every API token use, and ``time.localtime`` with ``strftime`` was about 10 µs of a
    10-row page's request in one process (bar P7). A handler formats under its lock, so one
    formatter is never used by two threads at once."""

    _second: int | None = None
    _text = ""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        if datefmt is not None:
            return super().formatTime(record, datefmt)
        second = int(record.created)
        if second != self._second:
            self._text = time.strftime(self.default_time_format, self.converter(record.created))
            self._second = second
        return self.default_msec_format % (self._text, record.msecs)
