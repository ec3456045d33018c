"""Shared fixtures: the region list of Jawa Barat, and named personas for permission stories.

Reference data is read from ``../shared/data`` (beside the checkout), never copied here.
"""

import os
from pathlib import Path

import pyarrow as pa
import pytest
from django.test import Client

SHARED_DATA = Path(
    os.environ.get("KONVERGEN_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data")
)
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
            region=self.bandung,
            name="Dinas Sosial",
            short_name="Dinsos",
            kind=OrganisationKind.AGENCY,
            pentahelix=Pentahelix.GOVERNMENT,
        )
        self.csr = organisation_get_or_create(
            region=self.bandung,
            name="PT Mitra (CSR)",
            short_name="CSR",
            kind=OrganisationKind.CSR,
            pentahelix=Pentahelix.BUSINESS,
        )
        self._users = {}

    def _make(
        self,
        username,
        role=None,
        region=None,
        organisation=None,
        superuser=False,
        personal_data=False,
    ):
        from konvergen.accounts.services import role_assignment_create, user_create

        if username not in self._users:
            user = user_create(username=username, password=self.PASSWORD, is_superuser=superuser)
            if role:
                role_assignment_create(
                    user=user,
                    role=role,
                    region=region,
                    organisation=organisation,
                    personal_data=personal_data,
                )
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
    def agency_head(self):
        return self._make("kadinsos_bandung", "agency_head", self.bandung, self.dinsos)

    @property
    def tkpk_chair(self):
        return self._make("ketua_tkpk_bandung", "tkpk_chair", self.bandung)

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


# --- A tiny register: three families of Kabupaten Bandung in the P3KE export layout --------

P3KE_FAMILY_HEADER = (
    "ID Keluarga P3KE,Provinsi,Kabupaten/Kota,Kecamatan,Desa/Kelurahan,Kode Kemdagri,Alamat,"
    "No KK,Kepala Keluarga,NIK,Desil Kesejahteraan,Kepemilikan Rumah,Jenis Atap,Jenis Dinding,"
    "Jenis Lantai,Sumber Penerangan,Bahan Bakar Memasak,Sumber Air Minum,"
    "Memiliki Fasilitas Buang Air Besar,Memiliki Simpanan Uang/Perhiasan/Ternak/Lainnya,"
    "Penerima BPNT,Penerima BPUM,Penerima BST,Penerima PKH,Penerima SEMBAKO,Resiko Stunting"
)
P3KE_MEMBER_HEADER = (
    "ID Keluarga P3KE,ID Individu,Nama,NIK,Padan Dukcapil,Jenis Kelamin,"
    "Hubungan dengan Kepala Keluarga,Tanggal Lahir,Status Kawin,Pekerjaan,Pendidikan"
)
_HOUSE = (
    "Milik Sendiri,Genteng,Tembok,Tanah,Listrik PLN,Kayu Bakar,Sumur Tak Terlindung,Tidak,Tidak"
)
_FLAGS = "Ya,Tidak,Tidak,Ya,Ya,Tidak"


def tiny_p3ke_rows():
    """(family lines, member lines) of three families; tests edit them to inject errors."""
    kab = "JAWA BARAT,KABUPATEN BANDUNG,CILEUNYI"
    families = [
        f"P001,{kab},CILEUNYI KULON,3204052001,KP. BOJONG RT 001 RW 002,3204050101100001,"
        f"ASEP SUNANDAR,3204051203800001,1,{_HOUSE},{_FLAGS}",
        f"P002,{kab},CILEUNYI KULON,32.04.05.2001,KP. CIBIRU RT 003 RW 002,3204050101100002,"
        f"SITI AMINAH,3204055506850002,2,{_HOUSE},{_FLAGS}",
        f"P003,{kab},CILEUNYI WETAN,3204052002,JL. RAYA CILEUNYI NO 5,3204050101100003,"
        f"UJANG SURYANA,3204052010700003,3,{_HOUSE},{_FLAGS}",
    ]
    members = [
        "P001,I0011,ASEP SUNANDAR,3204051203800001,Ya,Laki-laki,Kepala Keluarga,12-03-1980,"
        "Kawin,Buruh Tani,SD",
        "P001,I0012,EUIS KURNIASIH,3204054505820001,Ya,Perempuan,Istri,05-05-1982,Kawin,"
        "Mengurus Rumah Tangga,SD",
        "P001,I0013,DEDE RAHMAT,3204051510100001,Tidak,Laki-laki,Anak,15-10-2010,Belum Kawin,"
        "Pelajar,SD",
        "P002,I0021,SITI AMINAH,3204055506850002,Ya,Perempuan,Kepala Keluarga,15-06-1985,"
        "Cerai Mati,Pedagang,SMP",
        "P002,I0022,NUR HIDAYAT,3204050102120002,Ya,Laki-laki,Anak,01-02-2012,Belum Kawin,"
        "Pelajar,SD",
        "P003,I0031,UJANG SURYANA,3204052010700003,Ya,Laki-laki,Kepala Keluarga,20-10-1970,"
        "Kawin,Buruh Harian Lepas,SD",
        "P003,I0032,CUCU SUMIATI,3204056208720003,Ya,Perempuan,Istri,22-08-1972,Kawin,"
        "Mengurus Rumah Tangga,Tidak Sekolah",
    ]
    return families, members


def write_p3ke(folder: Path, families: list[str], members: list[str], tag: str = "") -> tuple:
    folder.mkdir(parents=True, exist_ok=True)
    fam = folder / f"keluarga{tag}.csv"
    mem = folder / f"anggota{tag}.csv"
    fam.write_text("\n".join([P3KE_FAMILY_HEADER, *families]) + "\n", encoding="utf-8")
    mem.write_text("\n".join([P3KE_MEMBER_HEADER, *members]) + "\n", encoding="utf-8")
    return fam, mem


@pytest.fixture
def tiny_register(personas, tmp_path):
    """The three families imported as a P3KE snapshot of Kabupaten Bandung."""
    from konvergen.registry.services import dataset_get_or_create, register_import

    fam, mem = write_p3ke(tmp_path, *tiny_p3ke_rows())
    dataset = dataset_get_or_create(source="p3ke", region=personas.bandung)
    import datetime as dt

    outcome = register_import(
        dataset=dataset,
        families_path=fam,
        members_path=mem,
        snapshot_date=dt.date(2026, 1, 15),
        acting_user=personas.admin,
    )
    return outcome.snapshot


_TRAINED: dict = {}


def import_synth_register(region, folder: Path, *, members: Path | None = None,
                          acting_user=None):
    """Import a synthetic register (``konvergen synth`` output in ``folder``) and give it a
    linkage model, trained once per test session for each distinct register file."""
    import datetime as dt

    from konvergen.linkage import register_source
    from konvergen.linkage.engine.model import train_model
    from konvergen.linkage.models import LinkageModelVersion
    from konvergen.registry.services import dataset_get_or_create, register_import

    members = members or folder / "p3ke_anggota_keluarga.csv"
    dataset = dataset_get_or_create(source="p3ke", region=region)
    snapshot = register_import(dataset=dataset, families_path=folder / "p3ke_keluarga.csv",
                               members_path=members, snapshot_date=dt.date(2026, 1, 15),
                               acting_user=acting_user).snapshot
    if members not in _TRAINED:
        register = register_source.register_table(dataset)
        _TRAINED[members] = train_model(register.drop_columns(["person_pk", "family_pk"]),
                                        seed=1).to_dict()
    LinkageModelVersion.objects.create(dataset=dataset, version=1, snapshot=snapshot,
                                       params=_TRAINED[members])
    return dataset
