"""`flask --app wsgi report --year 2025 --period Q3 [--as-of 2025-10-05] --format json|xlsx|csv [-o FILE]`

The JSON is the dictionary the report page renders (`service.build_report`), so the numbers are
the page's numbers. Bad input prints a Vietnamese message and exits with status 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from tracker.reports import exports
from tracker.reports.service import (
    PERIOD_CODES,
    ReportError,
    build_report,
    detail_records,
    parse_request,
)


@click.command("report")
@click.option("--year", default=None, help="Năm báo cáo, ví dụ 2025 (mặc định: năm nay)")
@click.option(
    "--period", default=None, help="Kỳ: " + ", ".join(PERIOD_CODES) + " (mặc định: quý hiện tại)"
)
@click.option("--as-of", "as_of", default=None, help="Tính đến ngày, yyyy-mm-dd hoặc dd/mm/yyyy")
@click.option(
    "--format", "fmt", type=click.Choice(["json", "xlsx", "csv"]), default="json", show_default=True
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
@with_appcontext
def report_command(year, period, as_of, fmt, output) -> None:
    """Báo cáo tình hình thực hiện nhiệm vụ theo kỳ, theo đơn vị chủ trì."""
    try:
        request = parse_request(year, period, as_of)
    except ReportError as error:
        click.echo(f"Lỗi: {error}", err=True)
        sys.exit(2)
    if fmt == "json":
        data = json.dumps(build_report(request), ensure_ascii=False, indent=2).encode("utf-8")
    elif fmt == "csv":
        data = exports.report_csv(build_report(request, with_trend=False))
    else:
        data = exports.report_xlsx(build_report(request, with_trend=False), detail_records(request))
        if output is None:
            output = Path(f"bao-cao-{request.year}-{request.code}-den-{request.as_of}.xlsx")
    if output is None:
        click.echo(data.decode("utf-8"), nl=fmt == "json")
        return
    output.write_bytes(data)
    click.echo(f"Đã ghi {output}", err=True)
