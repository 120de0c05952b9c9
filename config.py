"""Configuration from the environment, with safe defaults for a first run.

Every setting can be overridden by an environment variable of the same name (see
`.env.example`). `TestingConfig` is what the test suite uses.
"""

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("TRACKER_INSTANCE_DIR", BASE_DIR / "instance"))


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _database_url(url: str) -> str:
    """Let plain `postgresql://` URLs use psycopg 3, the driver this project installs."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


#: the development secret: `create_app` refuses to start a production config that still has it
DEFAULT_SECRET_KEY = "dev-only-change-me"


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
    #: ProductionConfig sets it: no start with the default or a short SECRET_KEY
    REQUIRE_STRONG_SECRET_KEY = False
    SQLALCHEMY_DATABASE_URI = _database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'tracker.sqlite'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    #: a pooled connection idle this long is pinged before use (tracker.extensions.
    #: ping_after_idle); SQLAlchemy's pool_pre_ping pinged before every request (issue 17)
    DATABASE_PING_AFTER_IDLE_SECONDS = _int("DATABASE_PING_AFTER_IDLE_SECONDS", 10)
    #: a PostgreSQL streaming replica for the reads that may be a second behind (dashboards,
    #: reports, exports, the API's lists; see tracker/replica.py); unset: everything on the primary
    SQLALCHEMY_BINDS = (
        {"replica": _database_url(os.environ["DATABASE_REPLICA_URL"])}
        if os.environ.get("DATABASE_REPLICA_URL")
        else {}
    )
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    #: hard limit of a request body; a larger upload gets a Vietnamese 413 page
    MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH", 60 * 1024 * 1024)
    #: per-attachment limit, checked by the forms so that typed input is kept
    ATTACHMENT_MAX_BYTES = _int("ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)

    TRACKER_TIMEZONE = os.environ.get("TRACKER_TIMEZONE", "Asia/Ho_Chi_Minh")
    #: pin the clock (ISO datetime with offset); empty means the real time
    TRACKER_NOW = os.environ.get("TRACKER_NOW") or None
    TRACKER_PROVINCE = os.environ.get("TRACKER_PROVINCE", "tỉnh Hòa Bình")
    #: issue 16: an agency's completion waits for the office's acceptance unless the office
    #: turns it off (setting `acceptance_required`); this is the default before it decides
    ACCEPTANCE_REQUIRED_DEFAULT = True
    #: absolute links in emails; empty means the address the app is served at (see
    #: tracker.reminders.emails.base_url)
    TRACKER_BASE_URL = os.environ.get("TRACKER_BASE_URL", "")
    TRACKER_OFFICE_EMAIL = os.environ.get("TRACKER_OFFICE_EMAIL", "vanphong@tinh.gov.vn")
    TRACKER_PAGE_SIZE = _int("TRACKER_PAGE_SIZE", 25)
    #: daily reminder sweep time, local time HH:MM
    TRACKER_REMINDER_TIME = os.environ.get("TRACKER_REMINDER_TIME", "07:30")
    #: delivery attempts before an outbox email is marked failed (with back-off up to 6 hours)
    TRACKER_OUTBOX_MAX_ATTEMPTS = _int("TRACKER_OUTBOX_MAX_ATTEMPTS", 20)
    #: seconds between two runs of the scheduler's outbox sender
    TRACKER_OUTBOX_INTERVAL_SECONDS = _int("TRACKER_OUTBOX_INTERVAL_SECONDS", 60)
    #: the folder the document system exports directives into (Văn bản đến); empty: the
    #: scheduler does not watch any folder (`flask --app wsgi inbox import DIR` still works)
    TRACKER_INBOX_DIR = os.environ.get("TRACKER_INBOX_DIR", "")
    #: seconds between two imports of that folder by the scheduler
    TRACKER_INBOX_INTERVAL_SECONDS = _int("TRACKER_INBOX_INTERVAL_SECONDS", 300)

    BABEL_DEFAULT_LOCALE = os.environ.get("BABEL_DEFAULT_LOCALE", "vi")
    BABEL_DEFAULT_TIMEZONE = TRACKER_TIMEZONE
    #: the catalogs live in the package (tracker/translations), so `pip install .` ships them;
    #: Flask-Babel resolves a relative path against the app's root, the tracker package
    BABEL_TRANSLATION_DIRECTORIES = os.environ.get("BABEL_TRANSLATION_DIRECTORIES", "translations")
    LANGUAGES = ("vi", "en")

    # Mail: with no MAIL_SERVER nothing is delivered; emails stay readable in the outbox.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "tracker@tinh.gov.vn")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_SAMESITE = "Lax"
    #: "Ghi nhớ đăng nhập" lasts 30 days (Flask-Login's default is a year)
    REMEMBER_COOKIE_DURATION = timedelta(days=_int("REMEMBER_COOKIE_DAYS", 30))
    #: a session unused this long, or open this long, ends on the server (office setting
    #: "Phiên đăng nhập" overrides; see tracker/auth/sessions.py)
    SESSION_IDLE_MINUTES = _int("SESSION_IDLE_MINUTES", 120)
    SESSION_MAX_HOURS = _int("SESSION_MAX_HOURS", 12)
    #: Strict-Transport-Security max-age; 0 sends none (plain HTTP in development)
    HSTS_SECONDS = _int("HSTS_SECONDS", 0)
    #: password reset links by email expire after this many minutes
    PASSWORD_RESET_MINUTES = _int("PASSWORD_RESET_MINUTES", 60)
    WTF_CSRF_TIME_LIMIT = None
    #: failed logins of one account before the account pauses for LOGIN_LOCK_MINUTES
    LOGIN_MAX_FAILURES = _int("LOGIN_MAX_FAILURES", 5)
    #: requests per personal API token and minute, in each worker process (then 429)
    API_RATE_LIMIT_PER_MINUTE = _int("API_RATE_LIMIT_PER_MINUTE", 600)
    LOGIN_LOCK_MINUTES = _int("LOGIN_LOCK_MINUTES", 15)
    #: refused logins from one client address (any emails) within the window before that
    #: address is refused (HTTP 429); counted in the database, shared by all workers. Behind a
    #: proxy this needs PROXY_FIX_X_FOR, or every client shares the proxy's address.
    LOGIN_MAX_FAILURES_PER_ADDRESS = _int("LOGIN_MAX_FAILURES_PER_ADDRESS", 20)
    LOGIN_ADDRESS_WINDOW_MINUTES = _int("LOGIN_ADDRESS_WINDOW_MINUTES", 15)
    #: number of reverse proxies in front of the app whose X-Forwarded-For is trusted
    #: (werkzeug's ProxyFix); 0 trusts none, so a client cannot choose its own address
    PROXY_FIX_X_FOR = _int("PROXY_FIX_X_FOR", 0)


class ProductionConfig(Config):
    REQUIRE_STRONG_SECRET_KEY = True
    HSTS_SECONDS = _int("HSTS_SECONDS", 365 * 24 * 3600)
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    #: the documented deployment: gunicorn on 127.0.0.1 behind one nginx that appends the
    #: client's address to X-Forwarded-For (README, "Production")
    PROXY_FIX_X_FOR = _int("PROXY_FIX_X_FOR", 1)


class TestingConfig(Config):
    TESTING = True
    SQLALCHEMY_BINDS: dict[str, str] = {}  # a test that wants a replica sets its own
    SECRET_KEY = "testing"
    SQLALCHEMY_DATABASE_URI = _database_url(
        os.environ.get("TEST_DATABASE_URL", "sqlite:///:memory:")
    )
    WTF_CSRF_ENABLED = False
    #: a cheap hash keeps the suite fast; production uses werkzeug's scrypt default
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    #: reachable in a few requests; the default (20) would make the tests slow to write
    LOGIN_MAX_FAILURES_PER_ADDRESS = 10
    MAIL_SERVER = ""
    TRACKER_BASE_URL = "http://tracker.test"
    SERVER_NAME = None
