"""The DTSEN adapter: its own headers, detection, and the same canonical tables as P3KE."""

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from konvergen.registry.ingest import prepare_register
from konvergen.registry.ingest.schema import FAMILY_SCHEMA, MEMBER_SCHEMA
from konvergen.registry.ingest.sources import SOURCES, detect_source
from tests.registry.test_ingest import (
    FAMILIES,
    MEMBERS,
    P3KE_FAMILY,
    P3KE_MEMBER,
    REGIONS,
    SNAPSHOT,
    prepare,
    write_csv,
)

# The P3KE fixture of test_ingest, as DTSEN would export the same two families.
DTSEN_FAMILY = [
    "ID DTSEN", "Provinsi", "Kode Wilayah", "Alamat", "No KK", "Nama Kepala Keluarga",
    "NIK Kepala Keluarga", "Desil Nasional", "Jenis Atap Terluas", "Jenis Lantai Terluas",
    "Penerima PKH",
]
DTSEN_MEMBER = [
    "ID DTSEN", "ID Individu DTSEN", "Nama", "NIK", "Status Padan Dukcapil", "Jenis Kelamin",
    "Hubungan dengan Kepala Keluarga", "Tanggal Lahir", "Pendidikan Tertinggi",
]
_FAMILY_IDS = {"K1": "3204000000417", "K2": "3204000000093"}
_PERSON_IDS = {"I1": "320400000041701", "I2": "320400000041702", "I3": "320400000009301"}
DTSEN_FAMILIES = [[_FAMILY_IDS[r[0]], *r[1:]] for r in FAMILIES]
DTSEN_MEMBERS = [[_FAMILY_IDS[r[0]], _PERSON_IDS[r[1]], *r[2:]] for r in MEMBERS]


def prepare_dtsen(tmp_path, families=DTSEN_FAMILIES, members=DTSEN_MEMBERS, **kwargs):
    return prepare(tmp_path, families, members, fheader=DTSEN_FAMILY, mheader=DTSEN_MEMBER,
                   **kwargs)


def test_dtsen_layout_is_detected_from_its_own_headers(tmp_path):
    result = prepare_dtsen(tmp_path)
    assert result.source == "dtsen"
    assert result.header_report["families"]["mapped"]["family_id"] == "ID DTSEN"
    assert result.header_report["families"]["mapped"]["desil"] == "Desil Nasional"
    assert result.header_report["members"]["mapped"]["person_id"] == "ID Individu DTSEN"
    assert result.header_report["families"]["unknown"] == []
    assert result.header_report["members"]["unknown"] == []
    assert result.rejections.num_rows == 0 and result.flags.num_rows == 0


def test_source_dtsen_can_be_named(tmp_path):
    result = prepare_dtsen(tmp_path, source="dtsen")
    assert result.source == "dtsen" and result.header_report["source_detected"] is False
    assert result.families["family_id"].to_pylist() == list(_FAMILY_IDS.values())


def test_dtsen_gives_the_same_canonical_tables_as_p3ke_column_for_column(tmp_path):
    p3ke_dir, dtsen_dir = tmp_path / "p3ke", tmp_path / "dtsen"
    p3ke_dir.mkdir()
    dtsen_dir.mkdir()
    p3ke = prepare(p3ke_dir)
    dtsen = prepare_dtsen(dtsen_dir)
    assert p3ke.source == "p3ke" and dtsen.source == "dtsen"
    assert dtsen.families.schema == p3ke.families.schema == FAMILY_SCHEMA
    assert dtsen.members.schema == p3ke.members.schema == MEMBER_SCHEMA
    ids = {"family_id", "person_id"}
    for name in FAMILY_SCHEMA.names:
        if name not in ids:
            assert dtsen.families[name].equals(p3ke.families[name]), name
    for name in MEMBER_SCHEMA.names:
        if name not in ids:
            assert dtsen.members[name].equals(p3ke.members[name]), name
    assert dtsen.families["head_nik"].to_pylist() == ["3204051201800001", "3204055208850002"]
    assert dtsen.families["desil"].to_pylist() == [1, 2]
    assert dtsen.families["head_name"].to_pylist() == ["Asep", "Euis"]


def test_regsosek_numeric_relation_and_marital_codes(tmp_path):
    header = [*DTSEN_MEMBER, "Status Perkawinan"]
    members = [[*DTSEN_MEMBERS[0][:6], "1", *DTSEN_MEMBERS[0][7:], "2"],
               [*DTSEN_MEMBERS[1][:6], "2", *DTSEN_MEMBERS[1][7:], "2"],
               [*DTSEN_MEMBERS[2][:6], "1", *DTSEN_MEMBERS[2][7:], "4"]]
    result = prepare(tmp_path, DTSEN_FAMILIES, members, fheader=DTSEN_FAMILY, mheader=header)
    assert result.source == "dtsen"
    assert result.members["relation"].to_pylist() == ["kepala", "istri_suami", "kepala"]
    assert result.members["marital_status"].to_pylist() == ["kawin", "kawin", "cerai_mati"]


def test_id_dtsen_no_longer_reads_as_dtks_and_dtks_still_does(tmp_path):
    dtks_like = {"families": ["ID DTSEN", "KDDESA", "Nomor KK", "Luas Lantai", "Lantai"],
                 "members": ["ID DTSEN", "ID Individu DTSEN", "Nama", "NIK",
                             "Status Disabilitas"]}
    assert detect_source(dtks_like)[0].name == "dtsen"
    dtks = {"families": ["IDBDT", "KDDESA", "Nomor KK", "Nama KRT", "Luas Lantai", "Lantai"],
            "members": ["IDBDT", "ID ART", "Nama", "NIK", "Hubungan dengan KRT"]}
    assert detect_source(dtks)[0].name == "dtks"
    p3ke = {"families": P3KE_FAMILY, "members": P3KE_MEMBER}
    assert detect_source(p3ke)[0].name == "p3ke"
    assert "ID DTSEN" not in SOURCES["dtks"].columns["families"]["family_id"]


def test_dtsen_member_file_repeats_of_the_family_are_ignored_not_unknown(tmp_path):
    header = [*DTSEN_MEMBER, "No KK", "Desil Nasional", "Umur"]
    members = [[*row, "3204051501100001", "1", "45"] for row in DTSEN_MEMBERS]
    result = prepare(tmp_path, DTSEN_FAMILIES, members, fheader=DTSEN_FAMILY, mheader=header)
    assert result.header_report["members"]["unknown"] == []
    assert set(result.header_report["members"]["ignored"]) == {"No KK", "Desil Nasional", "Umur"}


@pytest.mark.parametrize("malformed", ["32040512018000", "3.20405E+15"])
def test_a_dtsen_person_with_a_malformed_nik_is_kept(tmp_path, malformed):
    members = [list(r) for r in DTSEN_MEMBERS]
    members[1][3] = malformed
    result = prepare_dtsen(tmp_path, members=members)
    assert result.counts["members_accepted"] == 3 and result.rejections.num_rows == 0
    flagged = result.flags.filter(pc.equal(result.flags["record_id"], _PERSON_IDS["I2"]))
    assert flagged["value"].to_pylist() == [malformed]


def test_dtsen_files_through_the_front_door(tmp_path):
    f = write_csv(tmp_path / "dtsen_keluarga.csv", DTSEN_FAMILY, DTSEN_FAMILIES, delimiter=";")
    mm = write_csv(tmp_path / "dtsen_anggota_keluarga.csv", DTSEN_MEMBER, DTSEN_MEMBERS)
    result = prepare_register(f, mm, source="dtsen", valid_region_codes=pa.array(sorted(REGIONS)),
                              snapshot_date=SNAPSHOT)
    assert result.counts["families_accepted"] == 2 and result.counts["members_accepted"] == 3
