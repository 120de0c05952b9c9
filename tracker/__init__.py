"""tracker: theo dõi nhiệm vụ được giao tại văn bản chỉ đạo.

`create_app` only wires things up: it binds the extensions, registers blueprints, CLI
commands, error handlers and template helpers. It starts no thread and creates no table
(`flask --app wsgi db upgrade` does that; the scheduler is its own process).
"""

from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_object: object | str | None = None) -> Flask:
    """Build the application; `config_object` defaults to `config.Config`."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "tracker" / "static"),
        instance_path=str(ROOT / "instance"),
    )
    if config_object is None:
        import os

        config_object = os.environ.get("TRACKER_CONFIG", "config.Config")
    app.config.from_object(config_object)
    check_secret_key(app)
    if app.config.get("PROXY_FIX_X_FOR"):
        # behind a reverse proxy: take the client's address from the proxy's X-Forwarded-For,
        # or the per-address login throttle would see one address for everybody
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"])

    ensure_folders(app)
    register_extensions(app)
    register_blueprints(app)
    register_commands(app)

    from tracker import errors, web

    errors.init_app(app)
    web.init_app(app)
    return app


def ensure_folders(app: Flask) -> None:
    """Create the folders a first run writes to: the SQLite database's folder and the upload
    folder. `instance/` is git-ignored, so a fresh clone has none, and SQLite cannot create
    the folder of its file ("unable to open database file")."""
    from sqlalchemy.engine import make_url

    folders = [Path(app.config["UPLOAD_DIR"])] if app.config.get("UPLOAD_DIR") else []
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        if not url.database.startswith("file:"):
            folders.append(Path(url.database).parent)
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)


def check_secret_key(app: Flask) -> None:
    """Refuse to start a production config with the default, the example or a short SECRET_KEY.

    Sessions, remember-me cookies, CSRF tokens and password-reset links are signed with it:
    with the default, anyone who read the source could forge a login.
    """
    if not app.config.get("REQUIRE_STRONG_SECRET_KEY"):
        return
    from config import DEFAULT_SECRET_KEY

    key = app.config.get("SECRET_KEY") or ""
    if key == DEFAULT_SECRET_KEY or key.startswith("change-me") or len(key) < 32:
        raise RuntimeError(
            "SECRET_KEY is the development default or shorter than 32 characters: set a long "
            'random value in the environment (python -c "import secrets; '
            'print(secrets.token_urlsafe(48))").'
        )


def register_extensions(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from tracker import (
        audit,  # noqa: F401  (installs the audit listener)
        models,  # noqa: F401  (every model known to db.metadata)
    )
    from tracker.extensions import babel, csrf, db, login_manager, mail, migrate, ping_after_idle
    from tracker.i18n import select_locale

    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            ping_after_idle(engine, app.config.get("DATABASE_PING_AFTER_IDLE_SECONDS", 10))
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    mail.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Vui lòng đăng nhập để tiếp tục.")
    login_manager.localize_callback = str  # flash the text, not the lazy string
    login_manager.login_message_category = "warning"
    login_manager.session_protection = "strong"


def register_blueprints(app: Flask) -> None:
    from tracker.acceptance.views import bp as acceptance_bp
    from tracker.agencies.views import bp as agencies_bp
    from tracker.api.pages import bp as account_bp
    from tracker.api.views import bp as api_bp
    from tracker.audit.views import bp as audit_bp
    from tracker.auth.views import bp as auth_bp
    from tracker.comments.views import bp as comments_bp
    from tracker.deadlines.views import bp as deadlines_bp
    from tracker.directives.views import bp as directives_bp
    from tracker.extraction.views import bp as extraction_bp
    from tracker.feeds.views import bp as feeds_bp
    from tracker.files.signing_views import bp as signing_bp
    from tracker.files.views import bp as files_bp
    from tracker.inbox.views import bp as inbox_bp
    from tracker.indexes.views import bp as indexes_bp
    from tracker.letters.views import bp as letters_bp
    from tracker.main.views import bp as main_bp
    from tracker.notifications.views import bp as notifications_bp
    from tracker.public.views import bp as public_bp
    from tracker.reminders.views import bp as reminders_bp
    from tracker.reports.views import bp as reports_bp
    from tracker.subassign.views import bp as subassign_bp
    from tracker.targets.views import bp as targets_bp
    from tracker.tasks.views import bp as tasks_bp
    from tracker.webhooks.views import bp as webhooks_bp

    blueprints = (
        main_bp,
        auth_bp,
        agencies_bp,
        directives_bp,
        extraction_bp,
        inbox_bp,
        tasks_bp,
        comments_bp,
        targets_bp,
        indexes_bp,
        subassign_bp,
        public_bp,
        files_bp,
        signing_bp,
        reminders_bp,
        deadlines_bp,
        acceptance_bp,
        reports_bp,
        notifications_bp,
        webhooks_bp,
        feeds_bp,
        letters_bp,
        audit_bp,
    )
    for bp in blueprints:
        app.register_blueprint(bp)
    # the API authenticates by bearer token only, never by the session cookie, so a browser
    # cannot be made to write through it: CSRF tokens have nothing to protect there
    from tracker.extensions import csrf

    csrf.exempt(api_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(account_bp)


def register_commands(app: Flask) -> None:
    from tracker.agencies.cli import agencies_cli
    from tracker.api.cli import token_cli
    from tracker.auth.cli import users_cli
    from tracker.deadlines.cli import periods_cli
    from tracker.demo.cli import demo_cli
    from tracker.extraction.cli import directives_cli
    from tracker.inbox.cli import inbox_cli
    from tracker.maintenance.cli import backup_command
    from tracker.reminders.cli import outbox_cli, reminders_cli, scheduler_cli
    from tracker.reports.cli import report_command
    from tracker.tasks.cli import tasks_cli
    from tracker.webhooks.cli import webhooks_cli

    for group in (
        agencies_cli,
        users_cli,
        demo_cli,
        tasks_cli,
        periods_cli,
        directives_cli,
        backup_command,
        report_command,
    ):
        app.cli.add_command(group)
    users_cli.add_command(token_cli)
    for group in (scheduler_cli, reminders_cli, outbox_cli, webhooks_cli, inbox_cli):
        app.cli.add_command(group)
