"""One register across sources: a DTKS (or DTSEN) export of families a region already holds
from P3KE links onto the same families and persons instead of doubling them."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from konvergen.accounts import access
from konvergen.audit.models import AuditEntry
from konvergen.registry.models import (
    Family,
    FamilyAlias,
    FamilyRecord,
    Person,
    PersonAlias,
    PersonRecord,
    Snapshot,
)
from konvergen.registry.services import (
    RegisterImportError,
    dataset_authority_set,
    dataset_get_or_create,
    register_import,
)
from konvergen.welfare.models import FamilyWelfare
from konvergen.welfare.selectors import family_needs
from tests.conftest import tiny_p3ke_rows, write_p3ke


def as_dtks(families: list[str], members: list[str]) -> tuple[list[str], list[str]]:
    """The same families with DTKS IDs (the rest of the rows as P3KE had them)."""
    def renumber(line: str) -> str:
        return line.replace("P00", "DTKS-9").replace(",I00", ",ART-7")

    return [renumber(f) for f in families], [renumber(m) for m in members]


def write_dtks(folder, families, members, tag=""):
    fam, mem = write_p3ke(folder, families, members, tag)
    for path in (fam, mem):
        text = path.read_text(encoding="utf-8")
        header, rest = text.split("\n", 1)
        header = (header.replace("ID Keluarga P3KE", "ID DTKS")
                  .replace(",Kepala Keluarga,", ",Nama Kepala Keluarga,")
                  .replace(",ID Individu,", ",ID ART,"))
        path.write_text(header + "\n" + rest, encoding="utf-8")
    return fam, mem


def _import(region, paths, source, date, user=None):
    dataset = dataset_get_or_create(source=source, region=region)
    return register_import(dataset=dataset, families_path=paths[0], members_path=paths[1],
                           source=source, snapshot_date=date, acting_user=user)


def current_counts(dataset_id):
    return (Family.objects.filter(dataset_id=dataset_id, is_current=True).count(),
            Person.objects.filter(dataset_id=dataset_id, is_current=True).count())


def test_a_second_source_of_the_same_families_adds_no_family_or_person(personas, tmp_path):
    p3ke = _import(personas.bandung, write_p3ke(tmp_path, *tiny_p3ke_rows()), "p3ke",
                   dt.date(2026, 1, 15), personas.admin)
    dataset_id = p3ke.snapshot.dataset_id
    welfare_before = sorted(FamilyWelfare.objects.filter(snapshot=p3ke.snapshot)
                            .values_list("family_id", "status"))
    dtks = _import(personas.bandung, write_dtks(tmp_path, *as_dtks(*tiny_p3ke_rows()), "-d"),
                   "dtks", dt.date(2026, 2, 1), personas.admin)

    assert dtks.snapshot.dataset_id == dataset_id  # one register for the region
    assert dtks.snapshot.source == "dtks"
    assert dtks.summary["families_linked"] == 3
    assert dtks.summary["persons_linked"] == 7
    assert Family.objects.filter(dataset_id=dataset_id).count() == 3
    assert Person.objects.filter(dataset_id=dataset_id).count() == 7
    assert current_counts(dataset_id) == (3, 7)
    aliases = dict(FamilyAlias.objects.values_list("source_id", "family__source_id"))
    assert aliases == {"DTKS-91": "P001", "DTKS-92": "P002", "DTKS-93": "P003"}
    assert set(FamilyAlias.objects.values_list("method", flat=True)) == {"kk"}
    assert PersonAlias.objects.filter(method="nik").count() == 7
    # DTKS outranks P3KE by default: the current values now come from the DTKS snapshot.
    assert set(Family.objects.values_list("last_snapshot_id", flat=True)) == {dtks.snapshot.pk}
    # Welfare counts each family once, with the same classification as before.
    welfare_after = sorted(FamilyWelfare.objects.filter(snapshot=dtks.snapshot)
                           .values_list("family_id", "status"))
    assert welfare_after == welfare_before


def test_families_are_linked_by_their_members_when_the_kk_changed(personas, tmp_path):
    first = _import(personas.bandung, write_p3ke(tmp_path, *tiny_p3ke_rows()), "p3ke",
                    dt.date(2026, 1, 15))
    families, members = as_dtks(*tiny_p3ke_rows())
    families[0] = families[0].replace("3204050101100001", "3204050101109999")  # a new KK
    # A fourth family only DTKS holds.
    families.append(families[2].replace("DTKS-93", "DTKS-94").replace(
        "3204050101100003", "3204050101100004").replace("UJANG SURYANA", "ENDANG"))
    members.append("DTKS-94,ART-741,ENDANG,3204052010750004,Ya,Laki-laki,Kepala Keluarga,"
                   "20-10-1975,Kawin,Buruh Harian Lepas,SD")
    second = _import(personas.bandung, write_dtks(tmp_path, families, members, "-d"), "dtks",
                     dt.date(2026, 2, 1))
    dataset_id = first.snapshot.dataset_id
    methods = dict(FamilyAlias.objects.values_list("source_id", "method"))
    assert methods == {"DTKS-91": "members", "DTKS-92": "kk", "DTKS-93": "kk"}
    assert current_counts(dataset_id) == (4, 8)
    new = Family.objects.get(source="dtks", source_id="DTKS-94")
    assert new.last_snapshot_id == second.snapshot.pk
    linked = FamilyAlias.objects.get(source_id="DTKS-91").family
    assert linked.source_id == "P001" and linked.kk_number == "3204050101109999"


def test_the_region_chooses_which_source_supplies_the_current_values(personas, tmp_path):
    first = _import(personas.bandung, write_p3ke(tmp_path, *tiny_p3ke_rows()), "p3ke",
                    dt.date(2026, 1, 15))
    dataset = first.snapshot.dataset
    dataset.authority = ["p3ke", "dtks"]
    dataset.save()
    families, members = as_dtks(*tiny_p3ke_rows())
    families[1] = families[1].replace("KP. CIBIRU RT 003 RW 002", "KP. CIBIRU RT 009 RW 002")
    _import(personas.bandung, write_dtks(tmp_path, families, members, "-d"), "dtks",
            dt.date(2026, 2, 1))
    siti = Family.objects.get(source_id="P002")
    assert siti.address == "KP. CIBIRU RT 003 RW 002"  # P3KE is trusted first here
    assert siti.last_snapshot_id == first.snapshot.pk
    assert FamilyRecord.objects.filter(family=siti).count() == 2  # both views are kept


def test_a_family_stays_current_while_any_source_holds_it(personas, tmp_path):
    _import(personas.bandung, write_p3ke(tmp_path, *tiny_p3ke_rows()), "p3ke",
            dt.date(2026, 1, 15))
    dtks = _import(personas.bandung, write_dtks(tmp_path, *as_dtks(*tiny_p3ke_rows()), "-d"),
                   "dtks", dt.date(2026, 2, 1))
    dataset_id = dtks.snapshot.dataset_id
    families, members = tiny_p3ke_rows()
    # A new P3KE snapshot without Ujang's family: DTKS still holds it.
    p3ke2 = _import(personas.bandung,
                    write_p3ke(tmp_path, families[:2], [m for m in members if
                                                        not m.startswith("P003")], "-2"),
                    "p3ke", dt.date(2026, 3, 1))
    assert p3ke2.snapshot.previous.source == "p3ke"
    assert current_counts(dataset_id) == (3, 7)
    ujang = Family.objects.get(source_id="P003")
    assert ujang.is_current and ujang.last_snapshot_id == dtks.snapshot.pk
    # The latest snapshot's classification shows his members as DTKS holds them.
    needs = family_needs(ujang.pk, p3ke2.snapshot.pk, redaction=access.VISIBLE)
    assert [m["name"] for m in needs["members"]] == list(
        PersonRecord.objects.filter(snapshot=dtks.snapshot, family=ujang)
        .order_by("row_number").values_list("name", flat=True))
    assert needs["members"]
    # The next DTKS snapshot drops it too: now no source holds it.
    families, members = as_dtks(*tiny_p3ke_rows())
    _import(personas.bandung,
            write_dtks(tmp_path, families[:2],
                       [m for m in members if not m.startswith("DTKS-93")], "-d2"),
            "dtks", dt.date(2026, 4, 1))
    assert current_counts(dataset_id) == (2, 5)
    assert not Family.objects.get(source_id="P003").is_current
    assert Snapshot.objects.filter(dataset_id=dataset_id).count() == 4


def test_when_the_best_source_drops_a_family_the_next_best_supplies_it(personas, tmp_path):
    p3ke = _import(personas.bandung, write_p3ke(tmp_path, *tiny_p3ke_rows()), "p3ke",
                   dt.date(2026, 1, 15))
    _import(personas.bandung, write_dtks(tmp_path, *as_dtks(*tiny_p3ke_rows()), "-d"),
            "dtks", dt.date(2026, 2, 1))
    families, members = as_dtks(*tiny_p3ke_rows())
    _import(personas.bandung,
            write_dtks(tmp_path, families[:2],
                       [m for m in members if not m.startswith("DTKS-93")], "-d2"),
            "dtks", dt.date(2026, 3, 1))
    ujang = Family.objects.get(source_id="P003")
    assert ujang.is_current  # P3KE's latest still holds it
    assert ujang.last_snapshot_id == p3ke.snapshot.pk
    assert set(Person.objects.filter(family=ujang).values_list("last_snapshot_id", flat=True)
               ) == {p3ke.snapshot.pk}


def test_the_family_profile_shows_each_source_side_by_side(personas, tmp_path):
    _import(personas.bandung, write_p3ke(tmp_path, *tiny_p3ke_rows()), "p3ke",
            dt.date(2026, 1, 15))
    families, members = as_dtks(*tiny_p3ke_rows())
    families[0] = families[0].replace(",1,Milik Sendiri", ",2,Milik Sendiri")  # DTKS desil 2
    _import(personas.bandung, write_dtks(tmp_path, families, members, "-d"), "dtks",
            dt.date(2026, 2, 1))
    asep = Family.objects.get(source_id="P001")
    client = personas.client_for(personas.tkpk_bandung)
    page = client.get(reverse("registry:family", args=[asep.pk])).content.decode()
    table = page.split('id="sources"')[1].split("</table>")[0]
    rows = table.split("<tr>")[2:]
    assert "DTKS" in rows[0] and "DTKS-91" in rows[0] and "data-current" in rows[0]
    assert ">2<" in rows[0]
    assert "P3KE" in rows[1] and "P001" in rows[1] and ">1<" in rows[1]
    # Search finds the family under either source's ID, once.
    found = client.get(reverse("registry:families"), {"q": "DTKS-91"}).content.decode()
    assert found.count(reverse("registry:family", args=[asep.pk])) == 1


def test_changing_the_source_order_recomputes_the_current_values(personas, tmp_path, settings):
    settings.KONVERGEN_JOB_RUNNER = "inline"
    first = _import(personas.bandung, write_p3ke(tmp_path, *tiny_p3ke_rows()), "p3ke",
                    dt.date(2026, 1, 15))
    families, members = as_dtks(*tiny_p3ke_rows())
    families[1] = families[1].replace("KP. CIBIRU RT 003 RW 002", "KP. CIBIRU RT 009 RW 002")
    dtks = _import(personas.bandung, write_dtks(tmp_path, families, members, "-d"), "dtks",
                   dt.date(2026, 2, 1))
    siti = Family.objects.get(source_id="P002")
    assert siti.address == "KP. CIBIRU RT 009 RW 002"  # DTKS outranks P3KE by default

    dataset = first.snapshot.dataset
    with pytest.raises(RegisterImportError):
        dataset_authority_set(dataset=dataset, order=["p3ke"], acting_user=personas.admin)
    order = ["p3ke", "dtsen", "dtks", "canonical"]
    dataset_authority_set(dataset=dataset, order=order, acting_user=personas.admin)
    siti.refresh_from_db()
    assert siti.address == "KP. CIBIRU RT 003 RW 002"
    assert set(Family.objects.values_list("last_snapshot_id", flat=True)) == {first.snapshot.pk}
    assert set(Person.objects.values_list("last_snapshot_id", flat=True)) == {first.snapshot.pk}
    assert AuditEntry.objects.filter(action="registry.authority_set").count() == 1
    # Back to DTKS first, through the page.
    client = Client()
    client.force_login(personas.tkpk_bandung)
    url = reverse("registry:authority", args=[dataset.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"order": ["dtks", "p3ke", "dtsen", "canonical"]})
    assert response.status_code == 302
    siti.refresh_from_db()
    assert siti.address == "KP. CIBIRU RT 009 RW 002"
    assert siti.last_snapshot_id == dtks.snapshot.pk
