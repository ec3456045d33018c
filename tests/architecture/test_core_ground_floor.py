"""``konvergen.core`` is the ground floor: no module in it imports another Konvergen app.

The scan reads every ``konvergen/core/**/*.py`` with ``ast`` (no import is executed), so an
import inside a function or behind ``if TYPE_CHECKING`` counts as much as one at the top.
Relative imports are resolved against the module's package. A planted snippet proves the
scan catches each form of import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported_modules(
    source: str, module: str, *, is_package: bool = False
) -> list[tuple[int, str]]:
    """``(line, dotted name)`` of every module (or ``from`` target) ``source`` imports."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            # ``from konvergen import registry`` names the app in the alias, not the module.
            if target == "konvergen":
                found.extend((node.lineno, f"konvergen.{alias.name}") for alias in node.names)
            else:
                found.append((node.lineno, target))
    return found


def _foreign_apps(source: str, module: str, *, is_package: bool = False) -> list[str]:
    """The imports of another Konvergen app than core, as ``line: name``."""
    return [
        f"{line}: {name}"
        for line, name in _imported_modules(source, module, is_package=is_package)
        if name.split(".")[0] == "konvergen"
        and len(name.split(".")) > 1
        and name.split(".")[1] != "core"
    ]


def _breaches(root: Path) -> dict[str, list[str]]:
    """Per file of ``root/konvergen/core``, its imports of other Konvergen apps."""
    files = sorted((root / "konvergen" / "core").rglob("*.py"))
    assert files, root
    breaches = {}
    for path in files:
        found = _foreign_apps(
            path.read_text(encoding="utf-8"),
            _module_name(path, root),
            is_package=path.name == "__init__.py",
        )
        if found:
            breaches[path.relative_to(root).as_posix()] = found
    return breaches


def test_core_imports_no_other_konvergen_app() -> None:
    breaches = _breaches(ROOT)
    assert breaches == {}, f"konvergen.core must import no other konvergen app: {breaches}"


def test_the_scan_catches_a_file_planted_in_core(tmp_path: Path) -> None:
    commands = tmp_path / "konvergen" / "core" / "management" / "commands"
    commands.mkdir(parents=True)
    (commands / "__init__.py").write_text("from konvergen.core import jobs\n")
    (commands / "planted.py").write_text(
        "def handle():\n    from konvergen.registry.models import Person\n"
    )
    assert _breaches(tmp_path) == {
        "konvergen/core/management/commands/planted.py": ["2: konvergen.registry.models"]
    }


PLANTED = '''
import json
from django.db import models
from konvergen.core import jobs
from konvergen.core.models import Job
from . import home
from .bulk import insert_table

import konvergen.registry.models
from konvergen.accounts import access
from konvergen import audit


def late():
    from konvergen.welfare.services import welfare_recompute
    from ....registry import selectors
    from .... import linkage
'''


def test_the_scan_catches_a_planted_snippet() -> None:
    found = _foreign_apps(PLANTED, "konvergen.core.management.commands.planted")
    assert found == [
        "9: konvergen.registry.models",
        "10: konvergen.accounts",
        "11: konvergen.audit",
        "15: konvergen.welfare.services",
        "16: konvergen.registry",
        "17: konvergen.linkage",
    ]


@pytest.mark.parametrize(
    ("line", "caught"),
    [
        ("from konvergen.core.jobs import start", False),
        ("from ...jobs import start", False),
        ("import konvergen.core.bulk", False),
        ("from konvergen.linkage.models import BeneficiaryList", True),
        ("from ....programs import services", True),
        ("from konvergen import accounts", True),
        ("from .... import welfare", True),
    ],
)
def test_each_form_of_import(line: str, caught: bool) -> None:
    # A module two packages deep, like a management command.
    found = _foreign_apps(line, "konvergen.core.management.commands.planted")
    assert bool(found) is caught, found
