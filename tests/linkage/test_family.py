"""Lists whose unit is the family: a row links to its register family through the No KK or
through any member (the head's name, another member's NIK), even when it names nobody."""

import pyarrow as pa
import pytest

from konvergen.linkage.engine.link import link_list

FIELDS = ("nik", "nama", "tanggal_lahir", "jenis_kelamin", "no_kk", "kode_wilayah")
KK_FA = "3204050101100001"  # family FA: Muhammad Yusuf, Siti Aminah and the twins


def _link(rows, register, model, unit):
    table = pa.table({f: pa.array([r.get(f) for r in rows], pa.string()) for f in FIELDS})
    return link_list(table, register, model, unit=unit).to_pylist()


def test_a_row_with_only_the_no_kk_links_to_its_family(register, model):
    [person] = _link([{"no_kk": KK_FA}], register, model, "person")
    [family] = _link([{"no_kk": KK_FA}], register, model, "family")
    # as a person the row could be any of four members: review
    assert person["status"] == "review"
    assert (family["status"], family["rule"], family["family_id"]) == (
        "matched", "kk_exact", "FA")
    assert family["person_id"] in {"A1", "A2", "A3", "A4"}


def test_the_head_listed_with_another_members_nik_links_to_the_family(register, model):
    # Siti Aminah's NIK, Muhammad Yusuf's name, no KK
    [row] = _link([{"nik": "3204054506750001", "nama": "Muhammad Yusuf",
                    "tanggal_lahir": "10-03-1970", "kode_wilayah": "3204052001"}],
                  register, model, "family")
    assert (row["family_id"], row["status"]) == ("FA", "matched")
    assert row["person_id"] == "A1"


def test_a_family_row_without_nik_links_through_a_member(register, model):
    [row] = _link([{"nama": "Ujang Sobari", "tanggal_lahir": "02-07-1965",
                    "kode_wilayah": "3204052002"}], register, model, "family")
    assert (row["family_id"], row["status"]) == ("FE", "matched")


def test_the_no_kk_rule_needs_an_agreeing_name_and_desa(register, model):
    rows = _link([
        {"no_kk": KK_FA, "nama": "Budi Santoso"},        # a member of another family
        {"no_kk": KK_FA, "kode_wilayah": "3204062001"},  # another kecamatan
        {"no_kk": KK_FA, "nama": "Rizal Ramadhan"},      # a twin: the family is certain
        {"no_kk": "3204050101109999"},                   # nobody's KK
    ], register, model, "family")
    assert rows[0]["rule"] != "kk_exact" and rows[1]["rule"] != "kk_exact"
    assert (rows[2]["family_id"], rows[2]["status"], rows[2]["person_id"]) == (
        "FA", "matched", "A4")
    assert rows[3]["status"] == "unmatched" and rows[3]["family_id"] is None


def test_namesakes_of_two_families_still_go_to_review(register, model):
    [row] = _link([{"nama": "Asep Saepudin", "kode_wilayah": "3204052001"}],
                  register, model, "family")
    assert row["status"] == "review"
    assert {c["family_id"] for c in row["candidates"]} == {"FB", "FC"}


def test_family_candidates_are_families_not_members(register, model):
    [row] = _link([{"no_kk": KK_FA, "nama": "Budi Santoso"}], register, model, "family")
    families = [c["family_id"] for c in row["candidates"] or []]
    assert len(families) == len(set(families))


def test_an_unknown_unit_is_refused(register, model):
    with pytest.raises(ValueError, match="unit"):
        _link([{"no_kk": KK_FA}], register, model, "household")
