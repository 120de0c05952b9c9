"""Load test: gunicorn (deploy/gunicorn.conf.py) on loopback, 50 connections from `wrk`.

usage: python -m bench.load --database-url URL [--duration 30] [--connections 50] [--out docs/benchmarks.md]

Starts gunicorn on 127.0.0.1 with the production config (CSRF on, several gthread workers) and
the clock pinned to the province's "today", logs in real users through the login form (office
staff, a leader and 20 agency officers), then runs `wrk` (Debian: apt-get install -y wrk) with
a Lua script that cycles through a mix of pages, each request with its user's session cookie:
agency task lists and overdue lists, agency and office dashboards, task pages, a directive page
and a search. Any non-2xx answer (a lost session would be a 302) counts as an error. Prints
requests/s, latency percentiles and errors; with --out writes them into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import create_engine, text

from bench.common import REPO, machine, pinned_now
from bench.run import write_section
from config import _database_url

USER_AGENT = "tracker-bench/1.0"  # Flask-Login's strong session protection hashes it

LUA = r"""
local requests = %(requests)s
local counter = 0
request = function()
  counter = counter + 1
  local r = requests[(counter %% #requests) + 1]
  return wrk.format("GET", r[1], {["Cookie"] = r[2], ["User-Agent"] = "%(agent)s"})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH_JSON {\"requests\": %%d, \"duration_us\": %%d, \"bytes\": %%d, \"p50_us\": %%d, " ..
    "\"p90_us\": %%d, \"p99_us\": %%d, \"max_us\": %%d, \"connect\": %%d, \"read\": %%d, " ..
    "\"write\": %%d, \"status\": %%d, \"timeout\": %%d}\n",
    summary.requests, summary.duration, summary.bytes, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def login(base: str, email: str, password: str) -> str:
    """Log in through the form (with its CSRF token); return the Cookie header value."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    form = {"email": email, "password": password}
    if token:
        form["csrf_token"] = token.group(1)
    opener.open(f"{base}/login", data=urllib.parse.urlencode(form).encode()).read()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    if "session=" not in cookie:
        raise SystemExit(f"login as {email} failed")
    return cookie


def wait_for(base: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/login", timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer")


def page_mix(url: str, meta: dict, agencies: int) -> tuple[list[tuple[str, str]], list[int]]:
    """(email, path) pairs: mostly agency officers' pages, some office and leader pages."""
    engine = create_engine(_database_url(url))
    with engine.connect() as conn:
        busiest = [
            row[0]
            for row in conn.execute(
                text(
                    "SELECT lead_agency_id FROM task GROUP BY lead_agency_id "
                    "ORDER BY count(*) DESC LIMIT :n"
                ),
                {"n": agencies},
            )
        ]
        tasks = {
            a: conn.execute(
                text("SELECT max(id) FROM task WHERE lead_agency_id = :a"), {"a": a}
            ).scalar_one()
            for a in busiest
        }
        directive = conn.execute(
            text(
                "SELECT directive_id FROM task GROUP BY directive_id ORDER BY count(*) DESC LIMIT 1"
            )
        ).scalar_one()
    engine.dispose()
    mix: list[tuple[str, str]] = []
    for a in busiest:
        email = meta["agency_officer_email"].format(id=a)
        mix += [
            (email, "/tasks/"),
            (email, "/tasks/?status=open_overdue"),
            (email, f"/tasks/{tasks[a]}"),
            (email, "/dashboard"),
        ]
    office, leader = meta["office_email"], meta["leader_email"]
    mix += [
        (office, "/dashboard"),
        (office, "/tasks/?q=chuyen+doi+so"),
        (office, f"/directives/{directive}"),
        (leader, "/dashboard"),
        (leader, "/tasks/?status=open_overdue"),
    ]
    return mix, busiest


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--duration", type=int, default=30, help="seconds of load (bounded)")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--agencies", type=int, default=20, help="agency officers logged in")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(list(argv) if argv is not None else None)

    engine = create_engine(_database_url(args.database_url))
    with engine.connect() as conn:
        meta = conn.execute(text("SELECT value FROM setting WHERE key = 'bench.meta'")).scalar_one()
        version = conn.execute(text("SELECT version()")).scalar_one().split(" on ")[0]
    engine.dispose()
    meta = json.loads(meta) if isinstance(meta, str) else meta
    from datetime import date

    day = date.fromisoformat(meta["today"])
    base = f"http://127.0.0.1:{args.port}"
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "TRACKER_NOW": pinned_now(day).isoformat(),
        "TRACKER_BIND": f"127.0.0.1:{args.port}",
        "TRACKER_CONFIG": "config.ProductionConfig",
        "SESSION_COOKIE_SECURE": "0",  # plain http on loopback
        "SECRET_KEY": secrets.token_urlsafe(48),  # ProductionConfig wants 32+ characters
    }
    mix, _ = page_mix(args.database_url, meta, args.agencies)
    server = subprocess.Popen(
        [
            str(REPO / ".venv" / "bin" / "gunicorn"),
            "-c",
            str(REPO / "deploy" / "gunicorn.conf.py"),
            "--access-logfile",
            "/dev/null",
            "--error-logfile",
            str(REPO / "bench" / "results" / "gunicorn.log"),
            "wsgi:app",
        ],
        cwd=REPO,
        env=env,
        start_new_session=True,
    )
    try:
        wait_for(base)
        cookies = {email: login(base, email, meta["password"]) for email in {e for e, _ in mix}}
        # warm every worker a little: each page once per worker-ish
        for _ in range(2):
            for email, path in mix:
                req = urllib.request.Request(
                    base + path, headers={"Cookie": cookies[email], "User-Agent": USER_AGENT}
                )
                urllib.request.urlopen(req, timeout=60).read()
        lua_requests = (
            "{" + ", ".join(f'{{"{path}", "{cookies[email]}"}}' for email, path in mix) + "}"
        )
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
            f.write(LUA % {"requests": lua_requests, "agent": USER_AGENT})
            script = f.name
        output = subprocess.run(
            [
                "wrk",
                f"-t{args.threads}",
                f"-c{args.connections}",
                f"-d{args.duration}s",
                "--timeout",
                "10s",
                "--latency",
                "-s",
                script,
                base,
            ],
            capture_output=True,
            text=True,
            timeout=args.duration + 60,
        ).stdout
        os.unlink(script)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    print(output)
    stats = json.loads(output.split("BENCH_JSON", 1)[1].strip().splitlines()[0])
    seconds = stats["duration_us"] / 1e6
    rps = stats["requests"] / seconds
    errors = sum(stats[k] for k in ("connect", "read", "write", "status", "timeout"))
    workers = os.environ.get("TRACKER_WORKERS", f"{os.cpu_count() or 1}")
    threads = os.environ.get("TRACKER_THREADS", "8")
    met = rps >= 100 and stats["p99_us"] < 1e6 and errors == 0
    summary = (
        f"{rps:.0f} requests/s · p50 {stats['p50_us'] / 1000:.0f} ms · p90 "
        f"{stats['p90_us'] / 1000:.0f} ms · p99 {stats['p99_us'] / 1000:.0f} ms · max "
        f"{stats['max_us'] / 1000:.0f} ms · {stats['requests']:,} requests · {errors} errors "
        f"(non-2xx {stats['status']}, timeouts {stats['timeout']}) — target ≥ 100 req/s, "
        f"p99 < 1 s, 0 errors: {'✅ met' if met else '❌ missed'}"
    )
    print(summary)
    if args.out:
        info = machine()
        body = "\n".join(
            [
                f"### Load: gunicorn {workers} workers × {threads} threads, wrk {args.connections} "
                f"connections, {args.duration} s, {meta['tasks']:,} tasks",
                "",
                f"{info['date']} · commit {info['commit']} · {info['nproc']} cores {info['cpu']} · "
                f"{info['ram']} RAM · {version} · wrk on the same machine",
                "",
                f"Mix of {len(mix)} pages cycled in order: for each of the {args.agencies} busiest "
                "agencies, its officer's task list, overdue list, a task page and its dashboard; "
                "the office dashboard, a search, the largest directive page; the leader's "
                "dashboard and overdue list.",
                "",
                summary,
                "",
                f"`python -m bench.load --database-url {args.database_url} --duration "
                f"{args.duration} --connections {args.connections} --out {args.out}`",
                "",
            ]
        )
        write_section(args.out, f"load-{meta['tasks']}", body)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
