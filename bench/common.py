"""What the generator, the runner and the load test share: the app on a benchmark database,
the pinned "today", the shared/ directory and a description of the machine."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from config import TestingConfig, _database_url

REPO = Path(__file__).resolve().parents[1]
#: the day every generated province is built around (a Monday, as in the tests)
DEFAULT_TODAY = date(2025, 8, 18)
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def pinned_now(day: date) -> datetime:
    """09:00 local on `day`: the clock the app runs on while it is measured."""
    return datetime.combine(day, time(9, 0), ZONE)


def bench_config(url: str, day: date, **overrides):
    """A config for the app on a benchmark database: the clock pinned to the generated
    province's "today", the cheap test password hash, and no CSRF token to scrape (the runner
    posts the login and the extraction form through the test client)."""

    class BenchConfig(TestingConfig):
        TESTING = False
        SQLALCHEMY_DATABASE_URI = _database_url(url)
        TRACKER_NOW = pinned_now(day).isoformat()
        WTF_CSRF_ENABLED = False
        UPLOAD_DIR = str(REPO / "bench" / "results" / "uploads")

    for key, value in overrides.items():
        setattr(BenchConfig, key, value)
    return BenchConfig


def make_app(url: str, day: date = DEFAULT_TODAY, **overrides):
    from tracker import create_app

    return create_app(bench_config(url, day, **overrides))


def check_database_name(url: str) -> None:
    """Refuse to wipe a PostgreSQL database that is not a benchmark one (others share the
    server): its name must contain "bench"."""
    if url.startswith("postgres"):
        name = url.rsplit("/", 1)[-1].split("?")[0]
        if "bench" not in name:
            raise SystemExit(f"refusing to reset {name!r}: use a database whose name has 'bench'")


def shared_dir() -> Path | None:
    """The shared/ directory: $TRACKER_SHARED_DIR, or shared/ beside the repository root."""
    env = os.environ.get("TRACKER_SHARED_DIR")
    if env:
        return Path(env)
    for parent in REPO.parents:
        if (parent / "shared" / "examples").is_dir():
            return parent / "shared"
    return None


def example_notice() -> tuple[str, str]:
    """(label, text) of the example notice 5016/TB-VPUBND, or the demo copy in the repo."""
    shared = shared_dir()
    path = shared / "examples" / "directives" / "5016-TB-VPUBND-2025.txt" if shared else None
    if not path or not path.is_file():
        path = REPO / "tracker" / "demo" / "5016-TB-VPUBND-2025.txt"
    return str(path), path.read_text(encoding="utf-8")


def _run(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def machine() -> dict[str, str]:
    """nproc, CPU model, RAM, OS, Python and the commit (for the results' header)."""
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    commit = _run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"])
    dirty = _run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"])
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu or platform.processor(),
        "ram": ram,
        "os": platform.platform(),
        "python": platform.python_version(),
        "commit": commit + (" (modified)" if dirty else ""),
        "date": datetime.now(ZONE).strftime("%Y-%m-%d %H:%M %Z"),
    }
