"""Flask extensions, created unbound here and bound in `create_app`."""

import time

from flask_babel import Babel
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event, exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

from tracker.replica import RoutingSession

#: stable constraint names, so that migrations work the same on SQLite and PostgreSQL
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


#: the session routes a marked page's SELECTs to the replica when one is configured
db = SQLAlchemy(model_class=Base, session_options={"class_": RoutingSession})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
mail = Mail()
babel = Babel()


#: how long a SQLite connection waits for another one's write lock before "database is locked"
SQLITE_BUSY_TIMEOUT_MS = 15_000


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """Set up every SQLite connection: foreign keys, WAL, a busy timeout (issue 14).

    - `foreign_keys`: enforce foreign keys and cascades, as PostgreSQL does;
    - `journal_mode=WAL`: readers never wait for a writer (during an 80 s import every page
      answered 500 "database is locked" in the default rollback journal); persistent in the
      file, set again harmlessly by each connection;
    - `busy_timeout`: a writer waits up to 15 s for another writer instead of 5 s;
    - `synchronous=NORMAL`: the usual pairing with WAL (durable at checkpoints, never corrupt).
    """
    import sqlite3

    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


@event.listens_for(Engine, "connect")
def _postgresql_no_jit(dbapi_connection, connection_record) -> None:
    """Turn PostgreSQL's JIT compiler off for the app's connections (issue 7).

    The report queries carry correlated subqueries whose estimated cost is far above
    `jit_above_cost`, so PostgreSQL JIT-compiled them on every request: 3.9 s of compilation for
    a 0.3 s query at 100k tasks (EXPLAIN ANALYZE, docs/benchmarks.md). A web app's short queries
    never repay the compilation; this is the usual setting for OLTP workloads.
    """
    if not type(dbapi_connection).__module__.startswith("psycopg"):
        return
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    dbapi_connection.execute("SET jit = off")
    dbapi_connection.autocommit = autocommit


#: `connection_record.info` key: when the connection was last returned to the pool (or opened)
_RETURNED_AT = "tracker.returned_at"


def ping_after_idle(engine: Engine, seconds: float) -> None:
    """Check a pooled connection before use only when it has been idle `seconds` or more.

    SQLAlchemy's `pool_pre_ping` pings on every checkout: one more round trip on every request
    (issue 17: 8 round trips for a light page, under load each one a wait for the CPU). A
    connection that answered a request a few seconds ago is alive unless PostgreSQL restarted
    in between; one idle longer may have been cut by a restart, a firewall or
    `idle_session_timeout`, and is pinged as before. A dead one found by the ping is replaced
    without an error (and every older connection of the pool with it), exactly as pre-ping
    does; after a restart inside the window, the one request per worker that meets a dead
    connection gets an error page, and the pool is renewed for the next.
    """

    @event.listens_for(engine, "connect")
    def _opened(dbapi_connection, record) -> None:
        record.info[_RETURNED_AT] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _returned(dbapi_connection, record) -> None:
        record.info[_RETURNED_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, proxy) -> None:
        returned = record.info.get(_RETURNED_AT)
        if returned is not None and time.monotonic() - returned < seconds:
            return
        dialect = engine.dialect
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, None):
                raise exc.InvalidatePoolError() from error  # the pool reconnects
            raise
