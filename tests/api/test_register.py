"""Families and persons: each client sees what its account sees, masked unless it may."""

import datetime as dt

from django.utils import timezone

from konvergen.registry.models import Family, Person, Snapshot


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_the_cirebon_secretariat_sees_nothing_of_bandung(personas, tiny_register, api_for):
    api = api_for(personas.tkpk_cirebon)
    family = Family.objects.get(source_id="P001")
    assert _ids(api.get("/families")) == []
    assert _ids(api.get("/persons")) == []
    assert api.get(f"/families/{family.pk}").status_code == 404
    assert api.get(f"/families/{family.pk}/persons").status_code == 404
    # Asking for Bandung by code: the same "not found" as for a code that does not exist.
    outside, unknown = api.get("/families", {"region": "32.04"}), api.get(
        "/families", {"region": "99.99"})
    assert outside.status_code == unknown.status_code == 404
    assert outside.json() == unknown.json()


def test_a_village_operator_sees_only_its_desa(personas, tiny_register, api_for):
    api = api_for(personas.village_operator)
    got = Family.objects.filter(pk__in=_ids(api.get("/families")))
    assert {f.source_id for f in got} == {"P001", "P002"}  # P003 lives in Cileunyi Wetan
    wetan = Family.objects.get(source_id="P003")
    assert api.get(f"/families/{wetan.pk}").status_code == 404


def test_names_and_numbers_are_masked_without_the_pii_scope(personas, tiny_register,
                                                            api_for):
    family = Family.objects.get(source_id="P001")
    plain = api_for(personas.tkpk_bandung, scopes=["families:read", "persons:read"])
    body = plain.get(f"/families/{family.pk}").json()
    assert body["personal_data"] is False
    assert body["head_name"] == "A*** S*******" and body["head_nik"] == "3204**********01"
    assert body["kk_number"] == "3204**********01" and body["address"] == ""
    members = plain.get(f"/families/{family.pk}/persons").json()["results"]
    assert {m["name"] for m in members} == {"A*** S*******", "E*** K********",
                                            "D*** R*****"}
    assert all(m["birth_date"] is None and m["birth_year"] for m in members)

    full = api_for(personas.tkpk_bandung, scopes=["families:read", "persons:read",
                                                  "persons:pii"])
    body = full.get(f"/families/{family.pk}").json()
    assert body["personal_data"] is True
    assert (body["head_name"], body["head_nik"]) == ("ASEP SUNANDAR", "3204051203800001")
    names = {m["name"] for m in full.get(f"/families/{family.pk}/persons").json()["results"]}
    assert "EUIS KURNIASIH" in names


def test_the_pii_scope_does_not_unmask_for_an_account_without_the_right(personas,
                                                                        tiny_register,
                                                                        api_for):
    # The leadership viewer sees the register of Bandung, never its personal data.
    api = api_for(personas.viewer)
    rows = api.get("/families").json()["results"]
    assert rows and not any(r["personal_data"] for r in rows)
    assert "ASEP SUNANDAR" not in str(rows)


def test_keyset_paging_walks_every_family_once(personas, tiny_register, api_for):
    api = api_for(personas.tkpk_bandung)
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 1} | ({"cursor": cursor} if cursor else {})
        body = api.get("/families", params).json()
        pages += 1
        seen += [r["id"] for r in body["results"]]
        cursor = body["next_cursor"]
        if cursor is None:
            assert body["next"] is None
            break
        assert body["next"].endswith(f"cursor={cursor}") and "limit=1" in body["next"]
    assert seen == sorted(Family.objects.values_list("pk", flat=True)) and pages == 3
    assert api.get("/families", {"limit": 1001}).status_code == 422
    bad = api.get("/families", {"cursor": "abc"})
    assert bad.status_code == 400 and bad.json()["code"] == "bad_cursor"


def test_updated_since_gives_the_families_of_later_snapshots(personas, tiny_register,
                                                             api_for):
    api = api_for(personas.tkpk_bandung)
    imported = Snapshot.objects.get(pk=tiny_register.pk).created_at
    before = (imported - dt.timedelta(minutes=1)).isoformat()
    after = (imported + dt.timedelta(minutes=1)).isoformat()
    assert len(_ids(api.get("/families", {"updated_since": before}))) == 3
    assert _ids(api.get("/families", {"updated_since": after})) == []
    assert len(_ids(api.get("/persons", {"updated_since": before}))) == 7
    assert _ids(api.get("/persons", {"updated_since": after})) == []
    row = api.get("/families", {"updated_since": before}).json()["results"][0]
    assert row["snapshot_id"] == tiny_register.pk
    assert row["snapshot_date"] == "2026-01-15"
    # A time without a zone is read in the product's zone.
    naive = timezone.localtime(imported - dt.timedelta(minutes=1)).replace(tzinfo=None)
    assert len(_ids(api.get("/families", {"updated_since": naive.isoformat()}))) == 3


def test_families_that_left_the_register_come_with_include_gone(personas, tiny_register,
                                                                api_for):
    api = api_for(personas.tkpk_bandung)
    gone = Family.objects.get(source_id="P003")
    Family.objects.filter(pk=gone.pk).update(is_current=False)
    assert gone.pk not in _ids(api.get("/families"))
    rows = api.get("/families", {"include_gone": "true"}).json()["results"]
    assert [r["is_current"] for r in rows if r["id"] == gone.pk] == [False]


def test_persons_filter_by_region(personas, tiny_register, api_for):
    api = api_for(personas.tkpk_bandung)
    wetan = _ids(api.get("/persons", {"region": "32.04.05.2002"}))
    assert set(wetan) == set(Person.objects.filter(family__source_id="P003")
                             .values_list("pk", flat=True))
