"""Personal-data masking is decided in one place: ``konvergen/accounts/access.py``.

Access decides (``access.redaction(user, region_code)`` → a ``Redaction``); selectors apply the
redaction and return values already masked; views, exports, API endpoints, template tags and
templates print what they get. This test fails when:

* a module other than ``accounts/access.py`` and the selectors (``*/selectors.py`` or a
  ``selectors/`` package) calls or imports ``can_view_personal_data``, ``mask_nik`` or
  ``mask_name``;
* a template branches on (or prints) the "may see personal data" decision: a ``personal``,
  ``show_pii``/``pii``, ``personal_data`` or ``masked_*`` variable. A template may show a
  neutral note on a ``redacted`` flag its selector computed from the redaction.

It reads source text only (no Django setup), so it also runs on planted snippets below.
"""

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "konvergen"

#: The functions that decide or apply masking: only access.py and selectors may use them.
DECISION_NAMES = frozenset({"can_view_personal_data", "mask_nik", "mask_name"})

#: Template variables (any part of a dotted name) carrying the decision itself.
TEMPLATE_DECISION_NAMES = frozenset({
    "personal", "show_pii", "pii", "can_view_personal_data", "may_see_personal",
    "masked_nik", "masked_name", "mask_nik", "mask_name",
})
#: Forbidden as a template variable of its own (``a.personal_data``, a role assignment's
#: grant shown on the user page, is data, not the decision).
TEMPLATE_DECISION_ROOTS = frozenset({"personal_data"})

_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)
_STRING = re.compile(r"\"[^\"]*\"|'[^']*'")
_DOTTED = re.compile(r"[A-Za-z_][\w.]*")


def allowed_module(path: Path) -> bool:
    """May this module (relative to ``konvergen/``) decide or apply masking?"""
    parts = path.parts
    return (
        parts == ("accounts", "access.py")
        or path.name == "selectors.py"
        or "selectors" in parts[:-1]
    )


def python_violations(source: str, where: str = "<snippet>") -> list[str]:
    """``where:line name`` for each use (call, reference or import) of a decision name."""
    found = []
    for node in ast.walk(ast.parse(source)):
        name = None
        if isinstance(node, ast.Name):
            name = node.id
        elif isinstance(node, ast.Attribute):
            name = node.attr
        elif isinstance(node, ast.alias):
            name = node.name.rsplit(".", 1)[-1]
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            name = node.name
        if name in DECISION_NAMES:
            found.append(f"{where}:{getattr(node, 'lineno', '?')} {name}")
    return found


def template_violations(text: str, where: str = "<snippet>") -> list[str]:
    """``where:line name`` for each template variable carrying the personal-data decision."""
    found = []
    for tag in _TAG.finditer(text):
        line = text.count("\n", 0, tag.start()) + 1
        for dotted in _DOTTED.findall(_STRING.sub("", tag.group())):
            parts = dotted.split(".")
            if TEMPLATE_DECISION_NAMES.intersection(parts) or parts[0] in TEMPLATE_DECISION_ROOTS:
                found.append(f"{where}:{line} {dotted}")
    return found


def scan(package: Path = PACKAGE) -> list[str]:
    found = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package)
        if "migrations" in rel.parts or allowed_module(rel):
            continue
        found += python_violations(path.read_text(encoding="utf-8"), str(rel))
    for path in sorted(package.rglob("templates/**/*.html")):
        rel = path.relative_to(package)
        found += template_violations(path.read_text(encoding="utf-8"), str(rel))
    return found


def test_masking_is_decided_only_in_access_and_applied_in_selectors():
    assert scan() == []


def test_the_allowed_modules():
    assert allowed_module(Path("accounts/access.py"))
    assert allowed_module(Path("registry/selectors.py"))
    assert allowed_module(Path("reports/selectors/families.py"))
    assert not allowed_module(Path("registry/views.py"))
    assert not allowed_module(Path("api/endpoints/register.py"))
    assert not allowed_module(Path("core/templatetags/privacy.py"))
    assert not allowed_module(Path("accounts/views.py"))


def test_the_scanner_catches_a_view_deciding_masking():
    planted = (
        "from konvergen.accounts import access\n"
        "from konvergen.accounts.access import mask_nik as hide\n"
        "def view(request, family):\n"
        "    if not access.can_view_personal_data(request.user, family.region_code):\n"
        "        family.head_name = access.mask_name(family.head_name)\n"
    )
    assert python_violations(planted, "registry/views.py") == [
        "registry/views.py:2 mask_nik",
        "registry/views.py:4 can_view_personal_data",
        "registry/views.py:5 mask_name",
    ]
    # A view taking the redaction from access and handing it to a selector is fine.
    assert python_violations(
        "def view(request, family):\n"
        "    redaction = access.redaction(request.user, family.region_code)\n"
        "    rows = selectors.family_rows(request.user, [family])\n"
    ) == []


def test_the_scanner_catches_a_template_filter_defining_masking():
    planted = "@register.filter\ndef mask_nik(value):\n    return value[:4]\n"
    assert python_violations(planted) == ["<snippet>:2 mask_nik"]


def test_the_scanner_catches_a_template_deciding_masking():
    planted = (
        "{% load i18n %}\n"
        "<td>{% if personal %}{{ m.name }}{% else %}{% translate \"member\" %}{% endif %}</td>\n"
        "{% if not w.personal %}<p>hidden</p>{% endif %}\n"
        "{% if show_pii %}{{ family.kk_number }}{% else %}{{ masked_nik }}{% endif %}\n"
        "{{ family.head_nik|mask_nik }}\n"
        "{% if personal_data %}x{% endif %}\n"
    )
    assert template_violations(planted, "t.html") == [
        "t.html:2 personal",
        "t.html:3 w.personal",
        "t.html:4 show_pii",
        "t.html:4 masked_nik",
        "t.html:5 mask_nik",
        "t.html:6 personal_data",
    ]


def test_templates_may_print_values_and_a_neutral_note():
    allowed = (
        "{% if redacted %}<p>{% translate \"Personal data is hidden for your role.\" %}</p>"
        "{% endif %}\n"
        "{{ m.name }} <code>{{ m.nik }}</code>{% if m.group_url %}<a href=\"{{ m.group_url }}\">"
        "{% endif %}\n"
        "{% if a.personal_data %}{% translate \"yes\" %}{% endif %}\n"
    )
    assert template_violations(allowed) == []
