"""Docstring examples are executed: every ``>>>`` example in ``konvergen`` runs and must pass.

Examples in docstrings are documentation a reader trusts; run here, they cannot drift from the
code. Every module of the package whose source holds an example is collected (migrations
aside), so a new example runs without being registered. The plain modules (the engines of
the ``engines-no-django`` import contract in ``pyproject.toml``, and ``regions.codes``) are
where a rule is explained by example: :data:`MUST_HAVE_EXAMPLES` names those that must keep at
least one, and the test fails when one of them loses its examples (or its examples stop being
collected, e.g. moved into a comment).
"""

from __future__ import annotations

import doctest
import importlib
import io
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "konvergen"

#: Plain modules that explain their rules by example; each must run at least one.
MUST_HAVE_EXAMPLES = (
    "konvergen.regions.codes",
    "konvergen.welfare.engine.compute",
    "konvergen.welfare.engine.measures",
    "konvergen.convergence.engine.compute",
    "konvergen.targets.engine",
    "konvergen.scorecards.engine",
    "konvergen.portal.disclosure",
    "konvergen.reports.document",
    "konvergen.reports.serial",
    "konvergen.dci.fields",
    "konvergen.dci.queries",
    "konvergen.dci.signature",
    "konvergen.registry.ingest.nik",
    "konvergen.registry.ingest.values",
    "konvergen.registry.ingest.headers",
    "konvergen.linkage.engine.normalise",
    "konvergen.synth.engine.names",
    "konvergen.plans.e81",
)

OPTIONS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules_with_examples() -> list[str]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts or "-" in path.stem:
            continue
        if ">>>" in path.read_text(encoding="utf-8"):
            found.append(_module_name(path))
    return found


def plain_modules() -> list[str]:
    """The engines of the ``engines-no-django`` contract (packages or modules)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for contract in config["tool"]["importlinter"]["contracts"]:
        if contract.get("id") == "engines-no-django":
            return list(contract["source_modules"])
    raise AssertionError("pyproject.toml has no engines-no-django contract")


def run_examples(name: str) -> doctest.TestResults:
    module = importlib.import_module(name)
    out = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=OPTIONS)
    for test in doctest.DocTestFinder(exclude_empty=True).find(module, name):
        runner.run(test, out=out.write)
    results = runner.summarize(verbose=False)
    assert results.failed == 0, f"{name}: {results.failed} example(s) failed\n{out.getvalue()}"
    return results


@pytest.mark.parametrize("name", modules_with_examples())
def test_docstring_examples_pass(name):
    results = run_examples(name)
    # The source holds ">>>"; if no example ran, it sits where doctest does not look.
    assert results.attempted > 0, f"{name}: '>>>' in the source but no docstring example ran"


@pytest.mark.parametrize("name", MUST_HAVE_EXAMPLES)
def test_plain_modules_explain_their_rules_by_example(name):
    assert name in modules_with_examples(), f"{name} has no docstring example"


def test_the_listed_modules_are_plain_modules():
    plain = plain_modules()
    for name in MUST_HAVE_EXAMPLES:
        if name == "konvergen.regions.codes":
            continue  # not an engine, but imports nothing (test_regions_codes_is_plain)
        assert any(name == p or name.startswith(p + ".") for p in plain), name


def test_regions_codes_is_plain():
    import subprocess
    import sys

    code = "import sys, konvergen.regions.codes; print(sorted(m for m in sys.modules" \
           " if m.startswith(('django', 'konvergen.')) and m != 'konvergen.regions.codes'" \
           " and m != 'konvergen.regions'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"
