"""Shared fixtures: the region list of Jawa Barat, and named personas for permission stories.

Reference data is read from ``../shared/data`` (beside the checkout), never copied here.
"""

import os
from pathlib import Path

import pyarrow as pa
import pytest
from django.test import Client

SHARED_DATA = Path(os.environ.get(
    "KONVERGEN_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
WILAYAH_CSV = SHARED_DATA / "wilayah" / "wilayah.csv"

# Playwright drives a browser in a thread with an event loop; Django's async-safety check
# would refuse the ORM calls the live server makes from there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

#: Provinces loaded for every test database (Jawa Barat: 27 kab/kota, ~6,000 regions).
TEST_PROVINCES = ("32",)


def shared_data(*parts: str) -> Path:
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.fail(f"Reference data missing: {path} (expected ../shared/data beside the checkout)")
    return path


def region_subset(provinces=TEST_PROVINCES) -> pa.Table:
    """Rows of the official code list for some provinces, as the loader expects them."""
    from konvergen.regions.sources import kemendagri_csv

    table = kemendagri_csv.read_regions(shared_data("wilayah", "wilayah.csv"))
    codes = table.column("code").to_pylist()
    keep = [i for i, c in enumerate(codes) if c.split(".")[0] in provinces]
    return table.take(keep)


def ensure_test_regions() -> None:
    """Load the test provinces unless present (a transactional test flushes them)."""
    from konvergen.regions.models import Region
    from konvergen.regions.services import region_list_load

    if not Region.objects.filter(code="32.04").exists():
        region_list_load(table=region_subset(), version_label="test subset", source="wilayah.csv")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ensure_test_regions()


class Personas:
    """The people of our permission stories, created on demand."""

    PASSWORD = "Rahasia-Uji-123"

    def __init__(self):
        from konvergen.organisations.models import OrganisationKind, Pentahelix
        from konvergen.organisations.services import organisation_get_or_create
        from konvergen.regions.models import Region

        ensure_test_regions()
        self.bandung = Region.objects.get(code="32.04")
        self.cirebon = Region.objects.get(code="32.09")
        self.cileunyi_kulon = Region.objects.get(code="32.04.05.2001")
        self.cileunyi_wetan = Region.objects.get(code="32.04.05.2002")
        self.dinsos = organisation_get_or_create(
            region=self.bandung, name="Dinas Sosial", short_name="Dinsos",
            kind=OrganisationKind.AGENCY, pentahelix=Pentahelix.GOVERNMENT)
        self.csr = organisation_get_or_create(
            region=self.bandung, name="PT Mitra (CSR)", short_name="CSR",
            kind=OrganisationKind.CSR, pentahelix=Pentahelix.BUSINESS)
        self._users = {}

    def _make(self, username, role=None, region=None, organisation=None, superuser=False,
              personal_data=False):
        from konvergen.accounts.services import role_assignment_create, user_create

        if username not in self._users:
            user = user_create(username=username, password=self.PASSWORD, is_superuser=superuser)
            if role:
                role_assignment_create(user=user, role=role, region=region,
                                       organisation=organisation, personal_data=personal_data)
            self._users[username] = user
        return self._users[username]

    @property
    def tkpk_bandung(self):
        return self._make("tkpk_bandung", "tkpk", self.bandung)

    @property
    def tkpk_cirebon(self):
        return self._make("tkpk_cirebon", "tkpk", self.cirebon)

    @property
    def dinsos_officer(self):
        return self._make("dinsos_officer", "agency", self.bandung, self.dinsos)

    @property
    def csr_partner(self):
        return self._make("csr_partner", "partner", self.bandung, self.csr)

    @property
    def village_operator(self):
        return self._make("operator_cileunyi_kulon", "village", self.cileunyi_kulon)

    @property
    def viewer(self):
        return self._make("bupati_bandung", "viewer", self.bandung)

    @property
    def national(self):
        return self._make("bp_taskin", "national", self.bandung.parent)

    @property
    def outsider(self):
        return self._make("outsider")

    @property
    def admin(self):
        return self._make("admin", superuser=True)

    def client_for(self, user) -> Client:
        client = Client()
        client.force_login(user)
        return client


@pytest.fixture
def personas(db) -> Personas:
    return Personas()


@pytest.fixture
def live_personas(transactional_db) -> Personas:
    """Personas whose rows are committed, for the live server a browser talks to.

    A transactional test ends by emptying every table; on SQLite that is a DELETE, which the
    audit log's append-only trigger refuses, so the triggers are lifted for the flush and
    put back when the next such test starts.
    """
    import importlib

    from django.db import connection

    triggers = importlib.import_module("konvergen.audit.migrations.0002_append_only_triggers")
    sqlite = connection.vendor == "sqlite"
    if sqlite:
        with connection.cursor() as cursor:
            for sql in triggers.SQLITE_DOWN + triggers.SQLITE_UP:
                cursor.execute(sql)
    yield Personas()
    if sqlite:
        with connection.cursor() as cursor:
            for sql in triggers.SQLITE_DOWN:
                cursor.execute(sql)
