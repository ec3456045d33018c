"""The agglomeration pages through the front door: BP Taskin's coordinator defines the
seed cluster on the form, opens the comparison and downloads it; the form refuses regions
outside the coordinator's provinces; a member's secretariat reads but cannot edit."""

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from konvergen.agglomerations.models import Agglomeration
from konvergen.audit.models import AuditEntry
from tests.agglomerations.conftest import SEED, SEED_NAME

YEAR = 2026


def _form(members, *, total=6, initial=0, **fields) -> dict:
    data = {"name": SEED_NAME, "description": "", "mou_number": "MoU 01/BPTASKIN/2026",
            "mou_date": "2026-03-12", "parties": "BP Taskin\nBupati Indramayu\nBupati Brebes",
            "members-TOTAL_FORMS": str(total), "members-INITIAL_FORMS": str(initial),
            "members-MIN_NUM_FORMS": "0", "members-MAX_NUM_FORMS": "1000", **fields}
    for n, (code, sector, *supporting) in enumerate(members):
        data[f"members-{n}-region"] = code
        data[f"members-{n}-leading_sector"] = sector
        if supporting:
            data[f"members-{n}-supporting_sectors"] = supporting
    return data


@pytest.fixture
def seed_posted(taskin, personas):
    client = personas.client_for(taskin)
    members = [*SEED[:3], ("32.08", "energy", "umkm", "employment"), SEED[4]]
    response = client.post(reverse("agglomerations:new"), _form(members))
    agglomeration = Agglomeration.objects.get(name=SEED_NAME)
    assert response.status_code == 302
    assert response.url == reverse("agglomerations:compare", args=[agglomeration.pk, YEAR])
    return client, agglomeration


def test_the_coordinator_defines_the_seed_cluster_and_compares_it(seed_posted):
    client, agglomeration = seed_posted
    assert str(agglomeration.mou_date) == "2026-03-12"
    assert agglomeration.party_list == ["BP Taskin", "Bupati Indramayu", "Bupati Brebes"]
    assert agglomeration.members.get(region_id="32.08").supporting_sectors == [
        "employment", "umkm"]
    page = client.get(reverse("agglomerations:compare", args=[agglomeration.pk, YEAR]))
    assert page.status_code == 200
    html = page.content.decode()
    for code, sector in SEED:
        assert f'id="member-{code}" data-sector="{sector}"' in html
    assert "Kabupaten Brebes" in html and "Kota Cirebon" in html
    assert 'id="agglomeration-edit"' in html and "MoU 01/BPTASKIN/2026" in html
    index = client.get(reverse("agglomerations:index")).content.decode()
    assert SEED_NAME in index and 'id="agglomeration-new"' in index


def test_the_comparison_downloads_as_xlsx(seed_posted):
    client, agglomeration = seed_posted
    response = client.get(reverse("agglomerations:compare-xlsx",
                                  args=[agglomeration.pk, YEAR]))
    assert response.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content))
                                          ).get_sheet_by_index(0).to_python()
    header, body = rows[0], rows[1:]
    assert len(header) == 26 and len(body) == 5
    assert [r[0] for r in body] == sorted(code for code, _s in SEED)
    by_code = {r[0]: dict(zip(header, r, strict=True)) for r in body}
    assert by_code["33.29"][header[1]] == "Kabupaten Brebes"
    kuningan = by_code["32.08"]
    assert kuningan[header[2]] == "Energi"  # the leading sector, in Indonesian
    assert kuningan[header[3]] == "Ketenagakerjaan, UMKM dan koperasi"
    assert kuningan[header[11]] == 0  # no register there yet: no target family
    entry = AuditEntry.objects.get(action="agglomerations.export")
    assert entry.changes == {"year": YEAR} and entry.object_id == str(agglomeration.pk)


def test_the_coordinator_edits_and_removes_a_member(seed_posted):
    client, agglomeration = seed_posted
    url = reverse("agglomerations:edit", args=[agglomeration.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="members-4-region"' in html and 'name="members-7-region"' in html
    # Kota Cirebon's row left without a region: removed; Indramayu gains a supporting sector.
    members = [("32.08", "energy"), ("32.09", "food"), ("32.12", "food", "umkm"),
               ("33.29", "food")]
    assert [m[0] for m in members] == [c for c, _s in sorted(SEED) if c != "32.74"]
    response = client.post(url, _form(members, total=8, initial=5))
    assert response.status_code == 302
    assert sorted(agglomeration.members.values_list("region_id", flat=True)) == [
        "32.08", "32.09", "32.12", "33.29"]
    assert AuditEntry.objects.get(action="agglomerations.update").changes["members"][
        "removed"] == ["32.74"]


def test_the_form_offers_only_the_coordinators_regions(personas, jateng):
    client = personas.client_for(personas.national)  # Jawa Barat only
    page = client.get(reverse("agglomerations:new")).content.decode()
    assert 'value="32.12"' in page and 'value="33.29"' not in page
    response = client.post(reverse("agglomerations:new"), _form(SEED))
    assert response.status_code == 200 and not Agglomeration.objects.exists()
    assert 'role="alert"' in response.content.decode()
    # A member's row without its leading sector is refused too.
    response = client.post(reverse("agglomerations:new"),
                           _form([("32.12", "food"), ("32.09", "")]))
    assert response.status_code == 200 and not Agglomeration.objects.exists()


def test_a_single_member_is_refused_with_a_message(personas):
    client = personas.client_for(personas.national)
    response = client.post(reverse("agglomerations:new"), _form([("32.12", "food")]))
    assert response.status_code == 200 and not Agglomeration.objects.exists()
    assert "setidaknya dua anggota" in response.content.decode()


def test_a_members_secretariat_reads_but_does_not_edit(seed_posted, personas):
    _client, agglomeration = seed_posted
    cirebon = personas.client_for(personas.tkpk_cirebon)
    page = cirebon.get(reverse("agglomerations:compare", args=[agglomeration.pk, YEAR]))
    assert page.status_code == 200 and 'id="agglomeration-edit"' not in page.content.decode()
    assert cirebon.get(reverse("agglomerations:edit", args=[agglomeration.pk])
                       ).status_code == 404
    assert cirebon.get(reverse("agglomerations:new")).status_code == 404
    bandung = personas.client_for(personas.tkpk_bandung)
    assert bandung.get(reverse("agglomerations:compare", args=[agglomeration.pk, YEAR])
                       ).status_code == 404
    assert cirebon.get(reverse("agglomerations:compare", args=[agglomeration.pk, 1800])
                       ).status_code == 404


def test_an_ended_cooperation_is_archived_and_restored(seed_posted, personas):
    client, agglomeration = seed_posted
    archive = reverse("agglomerations:archive", args=[agglomeration.pk])
    compare = reverse("agglomerations:compare", args=[agglomeration.pk, YEAR])
    # Without a choice nothing changes.
    assert client.post(archive, {}).status_code == 302
    agglomeration.refresh_from_db()
    assert not agglomeration.archived
    assert client.post(archive, {"archived": "1"}).status_code == 302
    agglomeration.refresh_from_db()
    assert agglomeration.archived
    page = client.get(compare)
    assert page.status_code == 200 and b'id="agglomeration-archived"' in page.content
    assert b'id="agglomeration-edit"' not in page.content
    # Still listed (last), no longer changed.
    listing = client.get(reverse("agglomerations:index")).content.decode()
    assert f'data-agglomeration="{agglomeration.pk}" data-archived="1"' in listing
    edit = client.get(reverse("agglomerations:edit", args=[agglomeration.pk]))
    assert edit.status_code == 302 and edit.url == compare
    # A member's secretariat reads it but may not archive or restore it.
    member = personas.client_for(personas.tkpk_cirebon)
    assert member.get(compare).status_code == 200
    assert member.post(archive, {"archived": "0"}).status_code == 404
    assert client.post(archive, {"archived": "0"}).status_code == 302
    agglomeration.refresh_from_db()
    assert not agglomeration.archived
    entries = AuditEntry.objects.filter(action="agglomerations.archive").order_by("pk")
    assert [e.changes["archived"] for e in entries] == [[False, True], [True, False]]
