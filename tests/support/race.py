"""Writes raced in threads at the same moment (bar R3): the one harness of the concurrency
tests. Each write runs in its own thread and database connection after a barrier."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import translation


def race(
    writes: Sequence[Callable[[], Any]],
) -> tuple[list[int], list[tuple[int, dict[str, list[str]]]], list[str]]:
    """Run every write at once: ``(won, refused, crashed)``. ``won`` holds the indexes of
    the writes that went through, ``refused`` each refused index with the service's
    messages by field (in English, for the asserts), ``crashed`` any other error (a
    database error is the failure these tests look for)."""
    barrier = threading.Barrier(len(writes))
    won: list[int] = []
    refused: list[tuple[int, dict[str, list[str]]]] = []
    crashed: list[str] = []

    def worker(n: int, write: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            write()
            won.append(n)
        except ValidationError as error:
            with translation.override("en"):
                refused.append((n, error.message_dict))
        except Exception as error:  # noqa: BLE001 - any other error is the failure we look for
            crashed.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=item) for item in enumerate(writes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return won, refused, crashed
