"""The address absolute links (emails) start with, when no TRACKER_BASE_URL is configured."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, request

#: the setting that remembers the address the web app was last reached at (see `base_url`)
SERVED_URL_SETTING = "served_base_url"
#: the address `make run` serves by default: the last resort of a fresh install
FALLBACK_BASE_URL = "http://127.0.0.1:5000"


def base_url() -> str:
    """The address links in emails start with, without a trailing slash.

    TRACKER_BASE_URL when it is set (production: the public name behind the proxy). Otherwise
    the address the app is served at, so that `make run PORT=8080 HOST=0.0.0.0` sends working
    links without any setting: during a request (a web action that queues an email) the host
    the browser used; outside one (the scheduler, `reminders run`, `demo load`) the address
    `make run` serves, remembered by `demo load --served-url` (`remember_served_url`), and
    otherwise http://127.0.0.1:5000. A login does not write it: reading pages changes no data.
    """
    configured = (current_app.config.get("TRACKER_BASE_URL") or "").strip()
    if configured:
        return configured.rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    from tracker.settings import get_setting

    return (get_setting(SERVED_URL_SETTING) or FALLBACK_BASE_URL).rstrip("/")


def remember_served_url(url: str) -> None:
    """Remember the address the app was reached at, for emails composed outside a request
    (the caller commits). Only the address is kept: scheme, host and port."""
    from tracker.settings import get_setting, set_setting

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return
    value = f"{parts.scheme}://{parts.netloc}"
    if get_setting(SERVED_URL_SETTING) != value:
        set_setting(SERVED_URL_SETTING, value)
