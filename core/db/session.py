"""Engine per application and one session per application context."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import Flask, current_app, g, has_app_context, request
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from werkzeug.local import LocalProxy


class DatabaseUnavailable(RuntimeError):
    """The configured database cannot be reached; the message is one line for the user."""


def make_engine(url: str) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and serialised writers."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"timeout": 30})
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - trivial wiring
        # Let SQLAlchemy emit BEGIN itself (pysqlite's implicit BEGIN is deferred and lazy).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # pragma: no cover - trivial wiring
        # One writer at a time: a writing transaction takes the write lock when it starts, so
        # two clerks taking the last kilos of a lot are serialised instead of failing halfway.
        # Reads (GET requests) begin DEFERRED and never wait for writers (WAL).
        conn.exec_driver_sql(f"BEGIN {_sqlite_begin.get()}")


#: How SQLite transactions begin in this context: IMMEDIATE (may write), DEFERRED (reads).
_sqlite_begin: ContextVar[str] = ContextVar("sqlite_begin", default="IMMEDIATE")


def read_only_get_requests(app: Flask) -> None:
    """GET/HEAD/OPTIONS requests only read: their SQLite transactions start DEFERRED."""

    @app.before_request
    def _begin_mode():
        mode = "DEFERRED" if request.method in ("GET", "HEAD", "OPTIONS") else "IMMEDIATE"
        _sqlite_begin.set(mode)

    @app.teardown_request
    def _reset_begin_mode(_exc=None):
        _sqlite_begin.set("IMMEDIATE")


class Database:
    """Binds an engine to each Flask app; ``db.session`` is the context's session."""

    def init_app(self, app: Flask, engine: Engine | None = None) -> None:
        if engine is None:
            engine = make_engine(app.config["DATABASE_URL"])
        app.extensions["foodbank.db"] = engine
        app.teardown_appcontext(self._close_session)

    @property
    def engine(self) -> Engine:
        return current_app.extensions["foodbank.db"]

    def get_session(self) -> Session:
        if "_foodbank_session" not in g:
            g._foodbank_session = Session(bind=self.engine, expire_on_commit=False)
        return g._foodbank_session

    @staticmethod
    def _close_session(_exc=None) -> None:
        session = g.pop("_foodbank_session", None)
        if session is not None:
            session.close()

    def reset_session(self) -> None:
        """Close the current session (tests use this to see what really reached the database)."""
        if has_app_context():
            self._close_session()


db = Database()
session: Session = LocalProxy(db.get_session)  # type: ignore[assignment]
db.session = session  # type: ignore[attr-defined]


@contextmanager
def transaction() -> Iterator[Session]:
    """One business operation: commit on success, roll back everything on any error."""
    s = db.get_session()
    try:
        yield s
        s.commit()
    except BaseException:
        s.rollback()
        raise
