"""Error pages in Vietnamese: nobody should meet a bare 500 or an English 404."""

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import BadRequest

from tracker.api.problems import from_http_exception
from tracker.extensions import db


def init_app(app: Flask) -> None:
    @app.errorhandler(400)
    def bad_request(error):
        # a reason given by the app (abort(400, description=...)), not werkzeug's English one
        description = getattr(error, "description", None)
        message = description if description != BadRequest.description else None
        return render_template("errors/400.html", error=error, message=message), 400

    @app.errorhandler(StaleDataError)
    def changed_meanwhile(error):
        """Someone else saved the same task first (optimistic locking, `Task.version`)."""
        db.session.rollback()
        return render_template("errors/409.html"), 409

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_template("errors/400.html", error=error, csrf=True), 400

    @app.errorhandler(403)
    def forbidden(error):
        return render_template("errors/403.html"), 403

    @app.errorhandler(404)
    def not_found(error):
        if request.path.startswith("/api/"):  # no route matched under the API: problem+json
            return from_http_exception(error)
        return render_template("errors/404.html", path=request.path), 404

    @app.errorhandler(405)
    def method_not_allowed(error):
        # a reload after a form POST, or a link to an address that only takes forms: say so in
        # the site's language and offer the page the form belongs to (tracker.web.page_url);
        # the API answers in problem+json
        if request.path.startswith("/api/"):
            return from_http_exception(error)
        response = render_template("errors/405.html")
        return response, 405, {"Allow": ", ".join(error.valid_methods or [])}

    @app.errorhandler(413)
    def too_large(error):
        if request.path.startswith("/api/"):
            return from_http_exception(error)
        limit_mb = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
        return render_template("errors/413.html", limit_mb=limit_mb), 413

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        if request.path.startswith("/api/"):
            return from_http_exception(error)
        return render_template("errors/500.html"), 500
