"""One registry of named events (``core.hooks``): handlers run in their declared order, not in
the order the apps are installed; an unknown name or a cycle is refused; a failing handler is
recorded, the handlers that depend on it are skipped, the others still run, and the page that
shows the figures says so."""

import pytest

from konvergen.core import hooks
from konvergen.core.models import HookFailure


@pytest.fixture
def event(request):
    """A fresh event name, its handlers removed afterwards."""
    name = f"test.{request.node.name}"
    yield name
    for reg in list(hooks._REGISTRY.get(name, {}).values()):
        hooks.unregister(name, reg.name)
    hooks._REGISTRY.pop(name, None)


def _recorder(calls, label, *, fail=False):
    def handler(**kwargs):
        calls.append(label)
        if fail:
            raise RuntimeError(f"{label} broke")

    handler.__qualname__ = f"handler_{label}"
    return handler


def test_handlers_run_in_declared_order_not_in_registration_order(event, db):
    calls: list[str] = []
    # Registered last-first, as if the apps were installed the other way round.
    hooks.register(event, _recorder(calls, "convergence"), name="convergence",
                   after=("welfare",))
    hooks.register(event, _recorder(calls, "welfare"), name="welfare")
    hooks.register(event, _recorder(calls, "decisions"), name="decisions",
                   before=("welfare",))
    outcome = hooks.run(event, at_region="32.04")
    assert calls == ["decisions", "welfare", "convergence"]
    assert outcome.ran == calls and outcome.ok
    assert not HookFailure.objects.exists()


def test_the_after_import_order_comes_from_the_declarations(event):
    installed = [reg.name for reg in hooks.order(hooks.SNAPSHOT_STORED)]
    assert installed.index("verification.local_decisions") < installed.index("welfare.recompute")
    assert installed.index("welfare.recompute") < installed.index("convergence.refresh")
    assert installed.index("welfare.recompute") < installed.index("targets.computed_values")
    # The same registrations made in the reverse order resolve to the same order.
    for reg in reversed(hooks.order(hooks.SNAPSHOT_STORED)):
        hooks.register(event, reg.func, name=reg.name, after=reg.after, before=reg.before)
    assert [reg.name for reg in hooks.order(event)] == installed


def test_an_unknown_name_is_refused(event):
    hooks.register(event, _recorder([], "a"), name="a", after=("nobody",))
    with pytest.raises(hooks.HookOrderError, match="nobody"):
        hooks.order(event)
    assert any("nobody" in e.msg for e in hooks.system_check())


def test_a_cycle_is_refused(event):
    hooks.register(event, _recorder([], "a"), name="a", after=("b",))
    hooks.register(event, _recorder([], "b"), name="b", after=("a",))
    with pytest.raises(hooks.HookOrderError, match="cycle"):
        hooks.order(event)


def test_another_function_under_a_taken_name_is_refused(event):
    hooks.register(event, _recorder([], "a"), name="a")
    with pytest.raises(hooks.HookOrderError, match="taken"):
        hooks.register(event, _recorder([], "other"), name="a")


def test_a_failure_is_recorded_its_dependents_skipped_the_others_run(event, db):
    calls: list[str] = []
    hooks.register(event, _recorder(calls, "welfare", fail=True), name="welfare")
    hooks.register(event, _recorder(calls, "convergence"), name="convergence",
                   after=("welfare",))
    hooks.register(event, _recorder(calls, "indicators"), name="indicators",
                   after=("convergence",))
    hooks.register(event, _recorder(calls, "programmes"), name="programmes")
    outcome = hooks.run(event, at_region="32.04")
    assert calls == ["programmes", "welfare"]  # independent ones still run
    assert list(outcome.failed) == ["welfare"]
    assert outcome.skipped == ["convergence", "indicators"]
    rows = {r.handler: r for r in HookFailure.objects.filter(event=event)}
    assert rows["welfare"].status == "failed" and rows["welfare"].region_code == "32.04"
    assert rows["welfare"].reason == "RuntimeError: welfare broke"
    assert rows["convergence"].status == "skipped" and "welfare" in rows["convergence"].error
    assert rows["indicators"].status == "skipped"
    assert "programmes" not in rows
    with pytest.raises(RuntimeError, match="welfare broke"):
        outcome.reraise()


def test_a_required_handler_fails_its_caller_after_the_others_ran(event, db):
    calls: list[str] = []
    hooks.register(event, _recorder(calls, "a", fail=True), name="a", required=True)
    hooks.register(event, _recorder(calls, "b"), name="b")
    with pytest.raises(RuntimeError, match="a broke"):
        hooks.run(event, at_region="32.04")
    assert calls == ["a", "b"]
    assert HookFailure.objects.get(event=event).handler == "a"


def test_a_later_success_resolves_the_failure(event, db):
    state = {"fail": True}

    def flaky(**kwargs):
        if state["fail"]:
            raise ValueError("not yet")

    hooks.register(event, flaky, name="welfare.recompute")
    hooks.run(event, at_region="32.04")
    from konvergen.regions.selectors import last_failure

    assert last_failure(["welfare.recompute"], "32.04.05").reason == "ValueError: not yet"
    state["fail"] = False
    hooks.run(event, at_region="32.04")
    assert last_failure(["welfare.recompute"], "32.04.05") is None
    assert HookFailure.objects.get(event=event).resolved_at is not None


def test_a_failed_welfare_hook_shows_on_the_dashboards_that_depend_on_it(
        tiny_register, personas, monkeypatch):
    from konvergen.registry.services import register_refresh
    from konvergen.welfare import services as welfare_services

    client = personas.client_for(personas.tkpk_bandung)
    assert "failed-recompute" not in client.get("/regions/32.04/").content.decode()
    real = welfare_services.welfare_recompute
    indicators = []
    monkeypatch.setattr("konvergen.targets.services.computed_values_refresh",
                        lambda **kwargs: indicators.append(kwargs))

    def broken(**kwargs):
        raise RuntimeError("the classification broke")

    monkeypatch.setattr(welfare_services, "welfare_recompute", broken)
    register_refresh(tiny_register.dataset_id)  # no exception: the failure is recorded
    assert not indicators  # the indicators read the welfare figures: skipped
    rows = {r.handler: r.status for r in HookFailure.objects.filter(region_code="32.04")}
    assert rows == {"welfare.recompute": "failed", "convergence.refresh": "skipped",
                    "targets.computed_values": "skipped"}

    page = client.get("/regions/32.04/").content.decode()
    assert 'id="failed-recompute"' in page
    assert "RuntimeError: the classification broke" in page
    assert "2026-01-15" in page  # the figures' date
    page = client.get("/convergence/32.04/").content.decode()
    assert 'id="failed-recompute"' in page and "welfare.recompute" in page

    # Run again once it works: the notices go.
    monkeypatch.setattr(welfare_services, "welfare_recompute", real)
    register_refresh(tiny_register.dataset_id)
    assert len(indicators) == 1
    assert "failed-recompute" not in client.get("/regions/32.04/").content.decode()
    assert "failed-recompute" not in client.get("/convergence/32.04/").content.decode()


def test_every_event_of_the_installed_apps_has_a_satisfiable_order():
    assert hooks.check_all() == []
    assert hooks.system_check() == []


def test_no_app_keeps_a_hook_registry_of_its_own():
    """Apps raise events of ``core.hooks``; none keeps its own list of callbacks."""
    import re
    from pathlib import Path

    root = Path(hooks.__file__).resolve().parents[1]
    own = re.compile(r"^_[A-Z_]*(HOOKS|HANDLERS|AFTER_\w+|ROWS_CHANGED)\w*\s*[:=]", re.M)
    offenders = [str(path.relative_to(root)) for path in root.rglob("*.py")
                 if path.name != "hooks.py" or path.parent.name != "core"
                 if own.search(path.read_text(encoding="utf-8"))]
    assert offenders == []
