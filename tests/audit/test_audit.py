"""Every write leaves an audit row; the log cannot be edited; who may browse it."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from konvergen.accounts.services import role_assignment_create, user_create
from konvergen.audit.models import AuditEntry
from konvergen.organisations.models import Organisation


def _latest(action):
    return AuditEntry.objects.filter(action=action).latest("id")


def test_granting_a_role_is_audited_with_who_and_what(personas):
    admin = personas.admin
    user = user_create(username="petugas", password="x-Rahasia-99", acting_user=admin)
    assert _latest("accounts.user_create").actor == admin
    role_assignment_create(user=user, role="tkpk", region=personas.bandung, acting_user=admin)
    entry = _latest("accounts.role_grant")
    assert entry.actor == admin and entry.actor_label == "admin"
    assert entry.region_code == "32.04"
    assert entry.changes["user"] == "petugas" and entry.changes["role"] == "tkpk"
    assert entry.at is not None


def test_signing_in_and_failing_to_are_audited(personas, client):
    personas.tkpk_bandung  # noqa: B018  (creates the account)
    client.post(reverse("accounts:login"), {"username": "tkpk_bandung", "password": "wrong"})
    assert _latest("auth.login_failed").object_repr == "tkpk_bandung"
    client.post(
        reverse("accounts:login"), {"username": "tkpk_bandung", "password": personas.PASSWORD}
    )
    assert _latest("auth.login").actor == personas.tkpk_bandung


def test_changes_in_the_admin_are_audited(personas):
    client = personas.client_for(personas.admin)
    org = personas.dinsos
    url = reverse("admin:organisations_organisation_change", args=[org.pk])
    response = client.post(
        url,
        {
            "name": "Dinas Sosial P3A",
            "short_name": "Dinsos",
            "kind": "agency",
            "pentahelix": "government",
            "region": "32.04",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    entry = _latest("admin.change")
    assert entry.actor == personas.admin
    assert entry.changes["name"] == ["Dinas Sosial", "Dinas Sosial P3A"]
    assert entry.region_code == "32.04"
    assert Organisation.objects.get(pk=org.pk).name == "Dinas Sosial P3A"


def test_the_log_is_append_only_in_the_orm_and_in_the_database(personas):
    personas.tkpk_bandung  # noqa: B018
    entry = AuditEntry.objects.latest("id")
    entry.action = "tampered"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="tampered")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    table = AuditEntry._meta.db_table
    for sql in (f"UPDATE {table} SET action = 'tampered'", f"DELETE FROM {table}"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql)
    assert AuditEntry.objects.get(pk=entry.pk).action != "tampered"


def test_the_secretariat_browses_its_own_region_only(personas):
    role_assignment_create(
        user=user_create(username="a", password="x-Rahasia-99"),
        role="tkpk",
        region=personas.cirebon,
    )
    role_assignment_create(
        user=user_create(username="b", password="x-Rahasia-99"),
        role="tkpk",
        region=personas.bandung,
    )
    page = personas.client_for(personas.tkpk_bandung).get(reverse("audit:list"))
    assert page.status_code == 200
    rows = {e.region_code for e in page.context["page"]}
    assert "32.04" in rows and "32.09" not in rows
    everything = personas.client_for(personas.admin).get(reverse("audit:list"), {"region": "32.09"})
    assert {e.region_code for e in everything.context["page"]} == {"32.09"}


def test_the_log_filters_by_action_and_date(personas):
    personas.tkpk_bandung  # noqa: B018
    client = personas.client_for(personas.admin)
    page = client.get(
        reverse("audit:list"),
        {"action": "accounts.role", "since": "2000-01-01", "until": "2999-12-31"},
    )
    actions = {e.action for e in page.context["page"]}
    assert actions == {"accounts.role_grant"}
    none = client.get(reverse("audit:list"), {"until": "2000-01-01"})
    assert len(none.context["page"]) == 0
