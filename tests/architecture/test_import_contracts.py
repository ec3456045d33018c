"""The import contracts of ``pyproject.toml`` (``[tool.importlinter]``), run by ``make check``.

``layers``: an app imports only the apps below it in the layer order (apps in one row import
none of each other). ``engines-no-django``: the computation modules import no Django, directly
or through another module. The tests run ``lint-imports`` on the real tree, and on a copy with a
deliberate breach to prove the contracts catch it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "pyproject.toml"


def _lint_imports(*args: str, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` with the contracts; ``pythonpath``: a copy of ``konvergen`` put first."""
    env = dict(os.environ)
    if pythonpath is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(pythonpath), env.get("PYTHONPATH")]))
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from importlinter.cli import lint_imports_command; "
            "sys.exit(lint_imports_command())",
            str(CONFIG),
            "--no-cache",
            "--no-logo",
            *args,
        ],
        cwd=pythonpath or ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _copy_with(tmp_path: Path, module: str, line: str) -> Path:
    """A copy of the ``konvergen`` package's Python files with ``line`` appended to ``module``."""

    def only_python(directory: str, names: list[str]) -> set[str]:
        return {
            name
            for name in names
            if name == "__pycache__"
            or (not name.endswith(".py") and not Path(directory, name).is_dir())
        }

    shutil.copytree(ROOT / "konvergen", tmp_path / "konvergen", ignore=only_python)
    target = tmp_path / (module.replace(".", "/") + ".py")
    assert target.exists(), target
    with target.open("a", encoding="utf-8") as file:
        file.write(f"\n{line}\n")
    return tmp_path


def test_contracts_are_kept_on_the_tree() -> None:
    result = _lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


def test_an_upward_import_breaks_the_layers(tmp_path: Path) -> None:
    copy = _copy_with(
        tmp_path, "konvergen.registry.selectors", "import konvergen.reports.models  # upward"
    )
    result = _lint_imports("--contract", "layers", pythonpath=copy)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Apps import only apps below them" in result.stdout
    assert "konvergen.registry is not allowed to import konvergen.reports" in result.stdout
    assert "konvergen.registry.selectors -> konvergen.reports.models" in result.stdout


def test_django_in_an_engine_breaks_the_engine_contract(tmp_path: Path) -> None:
    copy = _copy_with(tmp_path, "konvergen.targets.engine", "import django.db  # in an engine")
    result = _lint_imports("--contract", "engines-no-django", pythonpath=copy)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Engines import no Django BROKEN" in result.stdout
    assert "konvergen.targets.engine is not allowed to import django" in result.stdout
    assert "konvergen.targets.engine -> django" in result.stdout


@pytest.mark.parametrize("contract", ["layers", "engines-no-django"])
def test_the_unbroken_copy_keeps_what_the_tree_keeps(tmp_path: Path, contract: str) -> None:
    """The copy is what is linted: the same package without the breach gives the tree's answer."""
    copy = _copy_with(tmp_path, "konvergen.core.apps", "# no new import")
    on_copy = _lint_imports("--contract", contract, pythonpath=copy)
    on_tree = _lint_imports("--contract", contract)
    assert on_copy.returncode == on_tree.returncode, on_copy.stdout + on_tree.stdout
