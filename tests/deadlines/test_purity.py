"""The deadline rules (not the models, views and services beside them) stay importable without the web stack (app, scheduler and reports share
them), so no module in the package may import Flask or the ORM. `status` writes each rule twice,
in Python and as a SQL expression beside it (issue 12): it may build expressions with SQLAlchemy
Core, never reach a model, a session or Flask."""

import ast
from pathlib import Path

import tracker.deadlines

FORBIDDEN = {"flask", "flask_sqlalchemy", "sqlalchemy", "flask_login", "flask_babel"}


def test_no_web_or_orm_imports():
    package = Path(tracker.deadlines.__file__).parent
    rules = ("calendar", "relative", "periods", "status", "wilson")
    modules = [package / f"{name}.py" for name in rules]  # models/views/services may use Flask
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                if path.stem == "status" and name == "sqlalchemy":
                    continue  # Core expressions only: `sqlalchemy.orm` stays forbidden
                assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"
