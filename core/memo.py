"""Reads a long run repeats, answered once per run.

A billing batch prices, taxes and invoices hundreds of subscriptions; most of what it reads for
one (the price versions of a plan, a VAT rate, the seller's details, an exchange rate) is what it
reads for the next, and what it reads per account (billing details, flags) can be read for the
whole batch in one query. A reader declared `@memoised(key=…)` is asked once per key inside a
`run_memo()` block and remembers the answer until the block ends; `reader.prime({key: value})`
hands it answers read in bulk beforehand. Outside a block (every request, every other job) it
reads the database each time, as if it were not declared.

Only for data the run itself does not change and that may be read at the start of the run: a
staff edit made while a batch runs applies from the next batch, as it would if it had been made a
second later. The memo belongs to the context (contextvars): a thread pool's threads do not see
it and read the database.
"""

from collections.abc import Callable, Hashable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, TypeVar

_memo: ContextVar[dict[Any, dict[Hashable, Any]] | None] = ContextVar("kontoportal_run_memo", default=None)

F = TypeVar("F", bound=Callable[..., Any])


@contextmanager
def run_memo() -> Iterator[None]:
    """Remember the answers of every memoised reader until the block ends."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def memo_active() -> bool:
    return _memo.get() is not None


def memoised(*, key: Callable[..., Hashable]) -> Callable[[F], F]:
    """Declare a reader whose answer depends only on `key(*args, **kwargs)` while a run lasts."""

    def declare(reader: F) -> F:
        @wraps(reader)
        def read(*args: Any, **kwargs: Any) -> Any:
            store = _memo.get()
            if store is None:
                return reader(*args, **kwargs)
            answers = store.setdefault(read, {})
            k = key(*args, **kwargs)
            try:
                return answers[k]
            except KeyError:
                answers[k] = answer = reader(*args, **kwargs)
                return answer

        def prime(answers: Mapping[Hashable, Any]) -> None:
            """Answers read in bulk: used by the reader inside the current run only."""
            store = _memo.get()
            if store is not None:
                store.setdefault(read, {}).update(answers)

        read.prime = prime  # type: ignore[attr-defined]
        return read  # type: ignore[return-value]

    return declare
