"""Reads that may be a second behind go to a PostgreSQL streaming replica (issue 17).

A province that outgrows one server adds a hot standby (PostgreSQL's own streaming replication,
`pg_basebackup -R`) and points `DATABASE_REPLICA_URL` at it. The pages whose data may lag the
primary by a second — dashboards, reports, exports, the API's lists — are marked with
`@replica_reads`; in such a GET request every SELECT the session runs goes to the replica. Every
other page, every write (flushes, INSERT/UPDATE/DELETE, even inside a marked request) and every
page a user lands on after a write (the task page after "hoàn thành") stays on the primary, so a
user always reads their own writes. Without `DATABASE_REPLICA_URL` nothing changes.

The routing lives in the session's `get_bind`, the hook SQLAlchemy and Flask-SQLAlchemy provide
for choosing an engine per statement; the replica is an ordinary Flask-SQLAlchemy bind
(`SQLALCHEMY_BINDS["replica"]`) that no model is mapped to, so `db.create_all` and the
migrations never touch it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import g, has_request_context, request
from flask_sqlalchemy.session import Session

#: the Flask-SQLAlchemy bind key of the replica (`SQLALCHEMY_BINDS`)
REPLICA_BIND = "replica"

F = TypeVar("F", bound=Callable[..., Any])


def replica_reads(view: F) -> F:
    """Mark a read-only page whose data may be a second behind: its SELECTs go to the replica.

    Only GET and HEAD requests are routed; a POST to the same view reads the primary.
    """

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if request.method in ("GET", "HEAD"):
            g.replica_reads = True
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _wants_replica() -> bool:
    return has_request_context() and bool(g.get("replica_reads"))


def _is_read(clause: Any) -> bool:
    """A SELECT (ORM or Core, a UNION included); text() and DML never go to the replica."""
    return isinstance(clause, sa.sql.Executable) and bool(getattr(clause, "is_select", False))


class RoutingSession(Session):
    """Flask-SQLAlchemy's session, sending a marked request's SELECTs to the replica."""

    def get_bind(
        self,
        mapper: Any | None = None,
        clause: Any | None = None,
        bind: sa.engine.Engine | sa.engine.Connection | None = None,
        **kwargs: Any,
    ) -> sa.engine.Engine | sa.engine.Connection:
        if (
            bind is None
            and not self._flushing
            and _wants_replica()
            and _is_read(clause)
            and REPLICA_BIND in self._db.engines
        ):
            return self._db.engines[REPLICA_BIND]
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)
