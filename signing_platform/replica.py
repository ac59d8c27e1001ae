"""Reads of the heavy read-only pages from a streaming replica (DATABASE_REPLICA_URL), everything else from the
primary.

A view opts in with @reads_from_replica: while it runs, reads go to the "replica" database when one is configured —
except inside a transaction, which always reads the primary so that a request sees its own writes. Writes always go
to the primary. Without a replica nothing changes.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.db import connections
from django.db.models import QuerySet

REPLICA = "replica"
_reading_from_replica: ContextVar[bool] = ContextVar("reading_from_replica", default=False)


def reads_from_replica(view):
    """Mark a read-only view whose queries may run on the replica (slightly stale data is acceptable there)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        with reading_from_replica():
            return view(request, *args, **kwargs)

    return wrapped


@contextmanager
def reading_from_replica():
    """The same for a block of code outside a view (an export's rows, written by the worker or streamed)."""
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


def read_on_replica(build):
    """What `build()` returns, its queries run where a replica read goes; a queryset it returns is bound there now,
    so that evaluating it later (a lazy iterator consumed after the view has returned) still reads there."""
    with reading_from_replica():
        rows = build()
        return rows.using(rows.db) if isinstance(rows, QuerySet) else rows


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if (
            _reading_from_replica.get()
            and REPLICA in connections.settings
            and not connections["default"].in_atomic_block
        ):
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
