"""Flask extensions, created unbound here and bound in `create_app`."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
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
