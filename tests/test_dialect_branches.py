"""What differs between PostgreSQL and SQLite lives in the dialect modules (``domain/dialects/``,
``sync/dialects/``), one module per database: no other module branches on the database's name, imports a
database's own SQLAlchemy constructs, or compiles SQL for one database only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("domain", "sync", "media", "server")
DATABASES = {"postgresql", "postgres", "sqlite", "psycopg", "sqlite3"}


def _is_dialect_module(path: Path) -> bool:
    return "dialects" in path.relative_to(ROOT).parts


def branches(source: str) -> list[str]:
    """Where this source looks at which database it runs on, as ``line: what``."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            module = node.module
            names = {a.name for a in node.names}
            if module.startswith("sqlalchemy.dialects.") or (module == "sqlalchemy.dialects" and names & DATABASES):
                found.append(f"{line}: imports {module}")
        elif isinstance(node, ast.Import):
            found += [f"{line}: imports {a.name}" for a in node.names if a.name.startswith("sqlalchemy.dialects.")]
        elif isinstance(node, ast.Attribute) and node.attr == "name" and _names_dialect(node.value):
            found.append(f"{line}: reads dialect.name")
        elif isinstance(node, ast.Compare) and any(_database_literal(x) for x in (node.left, *node.comparators)):
            found.append(f"{line}: compares with a database's name")
        elif isinstance(node, ast.Call) and _for_one_database(node):
            found.append(f"{line}: {_called(node)}(…) for one database")
    return found


def _for_one_database(node: ast.Call) -> bool:
    """``compiles(element, "sqlite")`` or ``….startswith("postgresql")``."""
    name = _called(node)
    if name not in {"compiles", "startswith"}:
        return False
    return any(_database_literal(a) for a in node.args[1 if name == "compiles" else 0 :])


def _names_dialect(node: ast.expr) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "dialect") or (
        isinstance(node, ast.Name) and node.id == "dialect"
    )


def _database_literal(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.lower() in DATABASES


def _called(node: ast.Call) -> str:
    f = node.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""


def _modules() -> list[Path]:
    return [
        path
        for package in PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        if not _is_dialect_module(path) and "migrations" not in path.parts
    ]


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_outside_the_dialects_branches_on_the_database(package: str) -> None:
    offenders = {
        str(path.relative_to(ROOT)): found
        for path in _modules()
        if path.relative_to(ROOT).parts[0] == package and (found := branches(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


@pytest.mark.parametrize(
    "source",
    [
        "from sqlalchemy.dialects import postgresql\n",
        "from sqlalchemy.dialects.sqlite import insert\n",
        "import sqlalchemy.dialects.postgresql\n",
        "if session.get_bind().dialect.name == 'x': pass\n",
        "if dialect.name: pass\n",
        "flag = name == 'postgresql'\n",
        "flag = 'sqlite' != kind\n",
        "@compiles(thing, 'sqlite')\ndef f(): pass\n",
        "ok = url.startswith('postgresql')\n",
    ],
)
def test_the_check_sees_a_branch(source: str) -> None:
    assert branches(source), source


def test_the_check_passes_portable_code() -> None:
    source = "from sqlalchemy import insert\nstmt = dialects.of(session).insert(model)\nname = 'defect'\n"
    assert branches(source) == []
