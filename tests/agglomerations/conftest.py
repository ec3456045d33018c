"""Fixtures of the agglomerations tests: Jawa Tengah's kab/kota beside the test provinces
(Kabupaten Brebes is a member of the seed agglomeration) and the coordinators."""

import pytest

from tests.conftest import shared_data

#: BP Taskin's seed cluster: (kab/kota, leading sector).
SEED = [
    ("32.12", "food"),  # Kabupaten Indramayu
    ("32.09", "food"),  # Kabupaten Cirebon
    ("33.29", "food"),  # Kabupaten Brebes (Jawa Tengah)
    ("32.08", "energy"),  # Kabupaten Kuningan: renewable energy
    ("32.74", "digital"),  # Kota Cirebon: digital and creative industry
]
SEED_NAME = "Aglomerasi Ciayumajakuning-Brebes"
_TABLE: list = []


def load_jawa_tengah() -> None:
    """The province of Jawa Tengah and its kab/kota (the test database holds Jawa Barat
    only; a one-province load retires nothing elsewhere)."""
    from konvergen.regions.models import Region
    from konvergen.regions.services import region_list_load
    from konvergen.regions.sources import kemendagri_csv

    if Region.objects.filter(code="33.29").exists():
        return
    if not _TABLE:
        table = kemendagri_csv.read_regions(shared_data("wilayah", "wilayah.csv"))
        codes = table.column("code").to_pylist()
        _TABLE.append(table.take([i for i, c in enumerate(codes)
                                  if c.split(".")[0] == "33" and c.count(".") <= 1]))
    region_list_load(table=_TABLE[0], version_label="Jawa Tengah kab/kota",
                     source="wilayah.csv")


def make_user(username: str, role: str, *codes: str | None, password: str = "Rahasia-Uji-123"):
    """A user with ``role`` over each region code (``None``: the whole country)."""
    from konvergen.accounts.services import role_assignment_create, user_create
    from konvergen.regions.models import Region

    user = user_create(username=username, password=password)
    for code in codes:
        region = Region.objects.get(code=code) if code is not None else None
        role_assignment_create(user=user, role=role, region=region)
    return user


@pytest.fixture
def jateng(personas):
    load_jawa_tengah()


@pytest.fixture
def taskin(jateng):
    """BP Taskin's coordinator of the seed cluster: Jawa Barat and Jawa Tengah."""
    return make_user("taskin", "national", "32", "33")


@pytest.fixture
def taskin_country(personas):
    """A national coordinator of the whole country (an assignment without a region)."""
    return make_user("taskin_nasional", "national", None)


@pytest.fixture
def tkpk_jabar(personas):
    """The TKPK secretariat of the province of Jawa Barat."""
    return make_user("tkpk_jabar", "tkpk", "32")


def seed_members():
    from konvergen.agglomerations.services import MemberSpec

    return [MemberSpec(code, sector, ("umkm", "employment") if code == "32.08" else ())
            for code, sector in SEED]
