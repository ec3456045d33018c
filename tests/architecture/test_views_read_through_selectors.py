"""Views read through selectors: a view checks access, calls a selector, renders.

This test scans the views (``konvergen/*/views.py`` and ``*_views.py``, a ``views/``
package, the API's ``endpoints/`` and the portal's views) and fails on an ORM read made in
the view itself:

* any ``.objects`` (a model's manager: ``Region.objects…``);
* a queryset method applied in the view: ``filter``, ``exclude``, ``annotate``,
  ``aggregate``, ``values``/``values_list`` (with fields), ``order_by``, ``count()``,
  ``exists()``, and ``get`` with lookups (``.get(pk=…)``) — on a manager, a queryset a
  selector returned, or a related manager (``blist.rows.filter(…)``).

``dict.get(key)``, ``request.GET.get("q")``, ``str.count(x)``, ``dict.values()``, a form's
methods (``form.values(…)``) and route decorators (``@router.get(…)``) are not reads and are
not reported.

Views that still read the ORM themselves are listed in ``KNOWN`` with their number of reads:
the list only shrinks (a view module above its number, or one not listed, fails). Move the
read into the app's ``selectors.py`` (a named function) and lower the number.

It reads source text only (no Django setup), so it also runs on planted snippets below.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "konvergen"

#: Queryset methods that read (or shape a read) when a view applies them.
READS = frozenset({"filter", "exclude", "annotate", "aggregate", "values", "values_list",
                   "order_by", "count", "exists", "get"})

#: View modules that still read the ORM, with their number of reads (only ever lowered).
KNOWN: dict[str, int] = {}


def view_modules(package: Path = PACKAGE) -> list[Path]:
    found = [*package.glob("*/views.py"), *package.glob("*/*_views.py"),
             *package.glob("*/views/*.py"), *package.glob("api/endpoints/*.py"),
             *package.glob("portal/*views*.py")]
    return sorted({p for p in found if p.name != "__init__.py" or p.stat().st_size})


def _is_read(call: ast.Call) -> str | None:
    """The read a call makes (``.filter`` …), or ``None``."""
    func = call.func
    if not isinstance(func, ast.Attribute) or func.attr not in READS:
        return None
    name = func.attr
    if isinstance(func.value, ast.Name) and (func.value.id == "form"
                                             or func.value.id.endswith("_form")):
        return None  # a form's own method (``form.values(...)``), not a queryset
    if name == "get":
        # ORM lookups are keywords (``pk=``, ``code=``); ``d.get(key)`` and
        # ``request.GET.get("q", "")`` are positional.
        return ".get" if call.keywords else None
    if name in ("count", "exists"):
        # ``qs.count()``; ``text.count(x)`` and ``list.count(x)`` take an argument.
        return f".{name}" if not call.args and not call.keywords else None
    if name in ("values", "values_list"):
        # ``qs.values("a")``; ``dict.values()`` takes none.
        return f".{name}" if call.args or call.keywords or name == "values_list" else None
    return f".{name}"


def violations(source: str, where: str = "<snippet>") -> list[str]:
    """``where:line read`` for each ORM read the module's code makes itself."""
    tree = ast.parse(source)
    decorators = {id(d) for node in ast.walk(tree)
                  if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
                  for d in node.decorator_list}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            found.append(f"{where}:{node.lineno} .objects")
        elif isinstance(node, ast.Call) and id(node) not in decorators:
            read = _is_read(node)
            if read:
                found.append(f"{where}:{node.lineno} {read}")
    return sorted(found, key=lambda v: (int(v.rsplit(":", 1)[1].split()[0]), v))


def scan(package: Path = PACKAGE) -> dict[str, list[str]]:
    out = {}
    for path in view_modules(package):
        rel = path.relative_to(package).as_posix()
        found = violations(path.read_text(encoding="utf-8"), rel)
        if found:
            out[rel] = found
    return out


def over_known(package: Path = PACKAGE, known: dict[str, int] = KNOWN) -> list[str]:
    """The view modules making more ORM reads than ``known`` allows them, with the reads."""
    over = []
    for rel, found in scan(package).items():
        allowed = known.get(rel, 0)
        if len(found) > allowed:
            over.append(f"{rel}: {len(found)} ORM reads in the view (allowed {allowed}):\n  "
                        + "\n  ".join(found))
    return over


def test_views_read_through_selectors():
    over = over_known()
    assert not over, ("Views read through selectors (move these reads into the app's "
                      "selectors.py):\n" + "\n".join(over))


def test_the_scan_finds_every_view_module():
    names = {p.relative_to(PACKAGE).as_posix() for p in view_modules()}
    assert {"registry/views.py", "accounts/region_views.py", "portal/views.py"} <= names
    assert any(n.startswith("api/endpoints/") for n in names)


# --- planted violations ----------------------------------------------------------------------

PLANTED = '''
from django.shortcuts import render
from konvergen.regions.models import Region

@router.get("/families", response=list)
def page(request, code):
    region = Region.objects.get(code=code)                 # 7: .objects and .get
    children = region.children.filter(is_active=True)      # 8: .filter (related manager)
    n = selectors.families(region).count()                 # 9: .count() on a selector's queryset
    names = selectors.rows(region).values_list("name")     # 10: .values_list
    first = selectors.rows(region).order_by("code")        # 11: .order_by
    return render(request, "x.html", {"n": n})
'''

CLEAN = '''
from django.shortcuts import render
from konvergen.regions import selectors

@router.get("/families", response=list)
def page(request, code):
    q = request.GET.get("q", "")
    region = selectors.region(request.user, code)
    totals = {"a": 1}
    parts = code.count(".")
    return render(request, "x.html", {"q": q, "values": list(totals.values()), "p": parts,
                                      "x": totals.get("a")})
'''


def test_a_planted_read_in_a_view_is_found():
    found = violations(PLANTED)
    assert [v.split(":", 1)[1] for v in found] == [
        "7 .get", "7 .objects", "8 .filter", "9 .count", "10 .values_list", "11 .order_by"]


def test_selector_calls_request_parameters_and_dicts_are_not_reads():
    assert violations(CLEAN) == []


def test_a_view_module_over_its_known_reads_fails(tmp_path):
    app = tmp_path / "someapp"
    app.mkdir()
    (app / "views.py").write_text(PLANTED)
    found = scan(tmp_path)
    assert list(found) == ["someapp/views.py"] and len(found["someapp/views.py"]) == 6
    assert over_known(tmp_path, {}) and over_known(tmp_path, {"someapp/views.py": 5})
    assert over_known(tmp_path, {"someapp/views.py": 6}) == []
