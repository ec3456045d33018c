"""The region scope of a user is applied in one place: ``konvergen/accounts/access.py``.

Access turns a user's role assignments into a scope and applies it: ``access.visible(user,
queryset, feature=..., region_field=...)`` returns the rows already narrowed, ``access.in_scope``
and friends answer yes/no, ``access.get_visible`` fetches one row or raises Http404, the named
``access.*_q`` builders give a filter where it must be combined. The owning app's selectors
fetch their models (``plans.selectors.plan_for(user, id)``, ...): access imports no app above
accounts. This test fails when:

* a module other than ``accounts/access.py`` uses the scope primitives ``scope_q``,
  ``scope_codes``, ``covers_any`` (called, referenced or imported) or ``ALL_ROWS`` /
  ``WHOLE_COUNTRY`` of access (``regions/filters.py`` defines the code-level "within" filter,
  ``ALL_ROWS`` and ``WHOLE_COUNTRY``, and is exempt);
* ``accounts/access.py`` imports an app above accounts (even inside a function);
* a view (``*/views.py``, ``api/endpoints/*``) builds an access filter itself (an
  ``access.*_q`` builder, ``access.region_q``) or fetches a row by id with
  ``get_object_or_404``: it asks a selector (``<app>.selectors.*_for``) instead.

It reads source text only (no Django setup), so it also runs on planted snippets below.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "konvergen"

#: How a user's scope is built: only access.py may use these.
SCOPE_PRIMITIVES = frozenset({"scope_q", "scope_codes", "covers_any", "ALL_ROWS",
                              "WHOLE_COUNTRY"})

#: Modules (relative to ``konvergen/``) exempt from the primitives rule, each with its reason.
ALLOWED = {
    ("accounts", "access.py"): "the access policy itself",
    ("regions", "filters.py"): "defines the code-level 'within a region' filter access builds on",
}

#: Apps access.py may import (accounts itself and the apps below it).
ACCESS_MAY_IMPORT = frozenset({"accounts", "organisations", "regions", "audit", "analytics",
                               "core"})


def _names(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.alias):
        return node.name.rsplit(".", 1)[-1]
    return None


def scope_violations(source: str, where: str = "<snippet>") -> list[str]:
    """``where:line name`` for each use (call, reference or import) of a scope primitive.

    A name the module assigns itself is not a use of access's primitive."""
    found = []
    for node in ast.walk(ast.parse(source)):
        name = _names(node)
        if name in SCOPE_PRIMITIVES and not (
                isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)):
            found.append(f"{where}:{getattr(node, 'lineno', '?')} {name}")
    return found


def upward_imports(source: str, where: str = "<snippet>") -> list[str]:
    """``where:line module`` for each import of a konvergen app above accounts."""
    found = []
    for node in ast.walk(ast.parse(source)):
        modules = []
        if isinstance(node, ast.Import):
            modules = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules = [node.module]
        for module in modules:
            parts = module.split(".")
            if parts[0] == "konvergen" and len(parts) > 1 and parts[1] not in ACCESS_MAY_IMPORT:
                found.append(f"{where}:{node.lineno} {module}")
    return found


def view_violations(source: str, where: str = "<snippet>") -> list[str]:
    """``where:line what`` for each access filter a view builds, or row it fetches by id
    itself."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id == "access"
                and (node.attr.endswith("_q") or node.attr in SCOPE_PRIMITIVES)):
            found.append(f"{where}:{node.lineno} access.{node.attr}")
        name = _names(node)
        if name == "get_object_or_404":
            found.append(f"{where}:{getattr(node, 'lineno', '?')} get_object_or_404")
    return found


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if "migrations" in rel.parts:
            continue
        yield rel, path.read_text(encoding="utf-8")


def _is_view(rel: Path) -> bool:
    return rel.name == "views.py" or rel.parts[:2] == ("api", "endpoints")


def test_scope_is_built_only_in_access():
    found = []
    for rel, source in _modules():
        if rel.parts in ALLOWED:
            continue
        found += scope_violations(source, str(rel))
    assert not found, (
        "Region scope built outside accounts/access.py (use access.visible / in_scope / "
        "get_visible or a named access function):\n" + "\n".join(found))


def test_access_imports_no_app_above_accounts():
    source = (PACKAGE / "accounts" / "access.py").read_text(encoding="utf-8")
    found = upward_imports(source, "accounts/access.py")
    assert not found, (
        "accounts/access.py imports an app above accounts (move the model fetch to that "
        "app's selectors):\n" + "\n".join(found))


def test_views_ask_selectors_and_access():
    found = []
    for rel, source in _modules():
        if _is_view(rel):
            found += view_violations(source, str(rel))
    assert not found, (
        "A view builds an access filter or fetches a row by id itself (ask "
        "<app>.selectors.*_for / access.visible):\n" + "\n".join(found))


@pytest.mark.parametrize("snippet", [
    "from konvergen.accounts import access\n"
    "def f(user):\n"
    "    return Region.objects.filter(access.scope_q(access.scope_codes(user), 'code'))\n",
    "from konvergen.accounts.access import covers_any\n",
    "from konvergen.accounts import access\n"
    "x = access.WHOLE_COUNTRY in codes\n",
    "def f(user):\n"
    "    from konvergen.accounts.access import ALL_ROWS\n"
    "    return ALL_ROWS\n",
])
def test_scanner_catches_scope_built_outside_access(snippet):
    assert scope_violations(snippet)


def test_scanner_leaves_access_functions_alone():
    snippet = (
        "from konvergen.accounts import access\n"
        "def f(user, qs):\n"
        "    if access.in_scope(user, '32.04', feature='plans'):\n"
        "        return access.visible(user, qs, feature='plans', region_field='region_code')\n"
    )
    assert scope_violations(snippet) == []


def test_scanner_catches_upward_import_in_access():
    snippet = (
        "def access_plan(user, plan_id):\n"
        "    from konvergen.plans.models import ActionPlan\n"
        "    from konvergen.regions.models import Region\n"
    )
    assert upward_imports(snippet) == ["<snippet>:2 konvergen.plans.models"]


def test_scanner_catches_a_view_building_scope():
    snippet = (
        "from django.shortcuts import get_object_or_404\n"
        "def view(request, pk):\n"
        "    rows = Plan.objects.filter(access.plans_q(request.user))\n"
        "    return get_object_or_404(Plan, pk=pk)\n"
    )
    found = view_violations(snippet)
    assert "<snippet>:3 access.plans_q" in found
    assert "<snippet>:4 get_object_or_404" in found
