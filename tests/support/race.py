"""Writes raced in threads at the same moment (bar R3): the one harness of the concurrency
tests. Each write runs in its own thread and database connection after a barrier."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from functools import partial
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


def race_calls(
    service: Callable[..., Any], calls: Sequence[dict[str, Any]], **common: Any
) -> tuple[list[int], list[dict[str, list[str]]], list[str]]:
    """``service(**common, **call)`` for each of ``calls``, all at once: ``race``'s answer,
    the refusals as their messages by field alone."""
    won, refused, crashed = race([partial(service, **common, **call) for call in calls])
    return won, [errors for _n, errors in refused], crashed


def assert_one_won(
    won: list[int],
    refused: list[dict[str, list[str]]],
    crashed: list[str],
    *,
    writes: int,
    field: str,
    says: str,
    where: str,
) -> None:
    """Of ``writes`` clashing writes raced at once, exactly one went through and every other
    was refused on ``field`` alone, its message containing ``says``; none crashed."""
    assert crashed == [], f"{where}: {crashed}"
    assert len(won) == 1, f"{where}: {len(won)} won"
    assert len(refused) == writes - 1, where
    for errors in refused:
        assert set(errors) == {field}, f"{where}: {errors}"
        assert says in errors[field][0], f"{where}: {errors}"
