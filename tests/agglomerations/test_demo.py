"""The demo's national coordinator (`taskin`) covers the seed agglomeration's provinces."""

from io import StringIO

from django.core.management import call_command

from konvergen.accounts import access
from konvergen.accounts.models import User


def test_the_demo_coordinator_covers_jawa_barat_and_jawa_tengah(jateng):
    out = StringIO()
    call_command("demo-setup", "--region", "32.04", stdout=out)
    call_command("demo-setup", "--region", "32.04", stdout=StringIO())  # again: no change
    taskin = User.objects.get(username="taskin")
    assert access.scope_codes(taskin) == ["32", "33"]
    assert taskin.role_assignments.count() == 2
    assert "32 Jawa Barat, 33 Jawa Tengah" in out.getvalue()
    assert access.agglomeration_manage_scopes(taskin) == ["32", "33"]
