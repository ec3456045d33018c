"""The target-register ingest pipeline: layouts, headers, rejections, flags, formats."""

import csv
import datetime as dt

import pyarrow as pa
import pytest
import xlsxwriter

from konvergen.registry.ingest import IngestFileError, IngestHeaderError, prepare_register
from konvergen.registry.ingest import messages as m
from konvergen.registry.ingest.headers import header_key, parse_mapping_args
from konvergen.registry.ingest.nik import clean_id_number, decode_nik
from konvergen.registry.ingest.sources import SOURCES
from konvergen.registry.ingest.sources.canonical.codes import CODE_LISTS

SNAPSHOT = dt.date(2025, 6, 30)
REGIONS = {"32.04.05.2001", "3204052002", "32.04.06.1001"}

P3KE_FAMILY = [
    "ID Keluarga P3KE", "Provinsi", "Kode Kemdagri", "Alamat", "No KK", "Kepala Keluarga",
    "NIK", "Desil Kesejahteraan", "Jenis Atap", "Jenis Lantai", "Penerima PKH",
]
P3KE_MEMBER = [
    "ID Keluarga P3KE", "ID Individu", "Nama", "NIK", "Padan Dukcapil", "Jenis Kelamin",
    "Hubungan dengan Kepala Keluarga", "Tanggal Lahir", "Pendidikan",
]
# NIK prefix 320405 = kecamatan 32.04.05; 120180 = 12 Jan 1980 (man), 520885 = 12 Aug 1985
# (woman: day + 40).
FAMILIES = [
    ["K1", "JAWA BARAT", "3204052001", "Kp. A", "3204051501100001", "Asep", "3204051201800001",
     "1", "Genteng", "Tanah", "Ya"],
    ["K2", "JAWA BARAT", "32.04.05.2002", "Kp. B", "3204051501100002", "Euis",
     "3204055208850002", "2", "Seng", "Keramik", "Tidak"],
]
MEMBERS = [
    ["K1", "I1", "Asep", "3204051201800001", "Ya", "Laki-laki", "Kepala Keluarga",
     "12-01-1980", "Tamat SD/Sederajat"],
    ["K1", "I2", "Siti", "3204055703820003", "Ya", "Perempuan", "Istri", "17/03/1982",
     "SLTP/Sederajat"],
    ["K2", "I3", "Euis", "3204055208850002", "Tidak", "P", "Kepala Keluarga", "1985-08-12",
     "SLTA/Sederajat"],
]


def write_csv(path, header, rows, delimiter=","):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path, header, rows):
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Data")
    sheet.write_row(0, 0, header)
    for i, row in enumerate(rows, start=1):
        for j, value in enumerate(row):
            sheet.write_string(i, j, value) if isinstance(value, str) else sheet.write(i, j, value)
    workbook.close()
    return path


def prepare(tmp_path, families=FAMILIES, members=MEMBERS, *, fheader=P3KE_FAMILY,
            mheader=P3KE_MEMBER, **kwargs):
    f = write_csv(tmp_path / "keluarga.csv", fheader, families)
    mm = write_csv(tmp_path / "anggota.csv", mheader, members)
    kwargs.setdefault("valid_region_codes", REGIONS)
    kwargs.setdefault("snapshot_date", SNAPSHOT)
    return prepare_register(f, mm, **kwargs)


def problems(table: pa.Table) -> list[tuple]:
    return sorted(zip(table["file"].to_pylist(), table["row_number"].to_pylist(),
                      table["reason"].to_pylist(), strict=True))


def reasons(table: pa.Table) -> set[str]:
    return set(table["reason"].to_pylist())


# --- layouts and headers ---------------------------------------------------------------------


def test_clean_p3ke_files_are_detected_and_accepted_whole(tmp_path):
    result = prepare(tmp_path)
    assert result.source == "p3ke"
    assert result.families["family_id"].to_pylist() == ["K1", "K2"]
    assert result.families["region_code"].to_pylist() == ["32.04.05.2001", "32.04.05.2002"]
    assert result.families["roof_type"].to_pylist() == ["genteng", "seng"]
    assert result.families["receives_pkh"].to_pylist() == [True, False]
    assert result.families["desil"].type == pa.int8()
    assert result.members["sex"].to_pylist() == ["L", "P", "P"]
    assert result.members["relation"].to_pylist() == ["kepala", "istri_suami", "kepala"]
    assert result.members["birth_date"].to_pylist() == [
        dt.date(1980, 1, 12), dt.date(1982, 3, 17), dt.date(1985, 8, 12)]
    assert result.members["nik_sex"].to_pylist() == ["L", "P", "P"]
    assert result.members["nik_birth_date"].to_pylist() == result.members["birth_date"].to_pylist()
    assert result.rejections.num_rows == 0
    assert result.flags.num_rows == 0
    assert result.header_report["families"]["ignored"] == ["Provinsi"]
    assert result.counts["members_accepted"] == 3


def test_dtks_layout_is_detected(tmp_path):
    fheader = ["IDBDT", "KDDESA", "Nomor KK", "Nama KRT", "Luas Lantai", "Daya Listrik",
               "Lantai", "Jumlah ART"]
    mheader = ["IDBDT", "ID ART", "Nama", "NIK", "Hubungan dengan KRT", "Jenis Kelamin",
               "Status Disabilitas", "Partisipasi Sekolah", "Jaminan Kesehatan"]
    result = prepare(
        tmp_path,
        [["B1", "3204052001", "3204051501100001", "Asep", "36,5", "900 VA", "9", "1"]],
        [["B1", "A1", "Asep", "3204051201800001", "1", "1", "Tidak", "2", "PBI JKN"]],
        fheader=fheader, mheader=mheader,
    )
    assert result.source == "dtks"
    assert result.families["floor_area_m2"].to_pylist() == [36.5]
    assert result.families["floor_type"].to_pylist() == ["tanah"]
    assert result.families["electricity_power"].to_pylist() == ["900 VA"]
    assert result.members["relation"].to_pylist() == ["kepala"]
    assert result.members["school_participation"].to_pylist() == ["tidak_sekolah_lagi"]
    assert result.members["disability"].to_pylist() == ["tidak"]
    assert result.members["health_insurance"].to_pylist() == ["pbi_jkn"]
    assert result.rejections.num_rows == 0 and result.flags.num_rows == 0


def test_canonical_layout_is_detected(tmp_path):
    result = prepare(
        tmp_path,
        [["F1", "32.04.05.2001", "3204051501100001", "3"]],
        [["P1", "F1", "Asep", "3204051201800001", "L", "kepala"]],
        fheader=["family_id", "region_code", "kk_number", "desil"],
        mheader=["person_id", "family_id", "name", "nik", "sex", "relation"],
    )
    assert result.source == "canonical"
    assert result.families["desil"].to_pylist() == [3]
    assert result.flags.num_rows == 0


def test_headers_match_whatever_the_case_spacing_and_punctuation():
    assert header_key("  no. KK ") == header_key("NO_KK") == "nokk"


def test_user_mapping_maps_an_unknown_column(tmp_path):
    fheader = [*P3KE_FAMILY[:2], "Kode Desa Baru", *P3KE_FAMILY[3:]]
    with pytest.raises(IngestHeaderError) as error:
        prepare(tmp_path, fheader=fheader)
    assert error.value.missing == ["region_code"]
    assert "Kode Desa Baru" in error.value.report["families"]["unknown"]
    result = prepare(tmp_path, fheader=fheader,
                     mapping=parse_mapping_args(["Kode Desa Baru=region_code"]))
    assert result.families["region_code"].to_pylist() == ["32.04.05.2001", "32.04.05.2002"]
    assert result.header_report["families"]["mapped"]["region_code"] == "Kode Desa Baru"


def test_mapping_to_a_field_that_does_not_exist_is_refused(tmp_path):
    with pytest.raises(ValueError, match="kode_desa"):
        prepare(tmp_path, mapping={"Kode Kemdagri": "kode_desa"})


def test_header_report_lists_missing_optional_columns(tmp_path):
    report = prepare(tmp_path).header_report
    assert "latitude" in report["families"]["missing_optional"]
    assert report["members"]["mapped"]["nik"] == "NIK"
    assert report["source_detected"] is True


# --- rejections ------------------------------------------------------------------------------


def _family(fid, **changes):
    row = dict(zip(P3KE_FAMILY, FAMILIES[0], strict=True))
    row["ID Keluarga P3KE"] = fid
    row.update(changes)
    return list(row.values())


def _member(fid, pid, **changes):
    row = dict(zip(P3KE_MEMBER, MEMBERS[0], strict=True))
    row.update({"ID Keluarga P3KE": fid, "ID Individu": pid})
    row.update(changes)
    return list(row.values())


def test_family_rejections_leave_out_only_families_that_cannot_be_placed(tmp_path):
    families = [
        _family("K1"),                                       # 1 valid
        _family("", **{"Kode Kemdagri": ""}),                # 2 two problems, one rejection
        _family("K3", **{"No KK": "32040515011"}),           # 3 kept, flagged
        _family("K4", **{"No KK": "3.20405E+15"}),           # 4 kept, flagged
        _family("K5", **{"Kode Kemdagri": "32.04.05"}),      # 5 kecamatan, not desa
        _family("K6", **{"Kode Kemdagri": "3204059999"}),    # 6 not in the list
        _family("K7", **{"Desil Kesejahteraan": "11"}),      # 7 kept, flagged
        _family("K8", **{"Desil Kesejahteraan": "dua"}),     # 8 kept, flagged
        _family("K1"),                                       # 9 duplicate of row 1
        _family("K10", **{"Desil Kesejahteraan": "Desil 4"}),  # 10 valid
    ]
    members = [_member(f"K{i}", f"I{i}", NIK="") for i in (1, 3, 4, 7, 8, 10)]
    result = prepare(tmp_path, families, members)
    assert result.families["row_number"].to_pylist() == [1, 3, 4, 7, 8, 10]
    assert result.families["desil"].to_pylist() == [1, 1, 1, None, None, 4]
    assert problems(result.rejections) == [
        ("families", 2, m.REQUIRED_MISSING),
        ("families", 2, m.REQUIRED_MISSING),
        ("families", 5, m.REGION_NOT_DESA),
        ("families", 6, m.REGION_UNKNOWN),
        ("families", 9, m.DUPLICATE_FAMILY_ID),
    ]
    row2 = result.rejections.filter(pa.compute.equal(result.rejections["row_number"], 2))
    assert sorted(row2["column"].to_pylist()) == ["ID Keluarga P3KE", "Kode Kemdagri"]
    assert result.counts["families_rejected"] == 4
    flagged = result.flags.filter(pa.compute.equal(result.flags["file"], "families"))
    assert [p for p in problems(flagged) if p[2] != m.FAMILY_WITHOUT_HEAD] == [
        ("families", 3, m.KK_NOT_16_DIGITS),
        ("families", 4, m.KK_SCIENTIFIC_NOTATION),
        ("families", 7, m.DESIL_INVALID),
        ("families", 8, m.DESIL_INVALID),
    ]
    row4 = result.flags.filter(pa.compute.equal(result.flags["row_number"], 4))
    row4 = row4.filter(pa.compute.equal(row4["file"], "families"))
    assert row4["value"].to_pylist() == ["3.20405E+15"]
    assert row4["column"].to_pylist() == ["No KK"]
    assert row4["message_en"].to_pylist() == [m.MESSAGES[m.KK_SCIENTIFIC_NOTATION].en]


def test_member_rejections_leave_out_only_persons_that_cannot_be_placed(tmp_path):
    members = [
        _member("K1", "I1"),                                       # 1 valid head
        _member("K1", "I2", Nama="", NIK="12345"),                 # 2 no name: rejected
        _member("K1", "I3", NIK="3.20405E+15"),                    # 3 kept, flagged
        _member("K1", "I4", **{"Tanggal Lahir": "31-02-1980"}),    # 4 kept, flagged
        _member("K1", "I5", **{"Tanggal Lahir": "01-01-2030"}),    # 5 kept, flagged (future)
        _member("K1", "I1"),                                       # 6 duplicate person
        _member("K9", "I7"),                                       # 7 family missing
        _member("", "I8"),                                         # 8 family id empty
        _member("K1", "", NIK=""),                                 # 9 person id empty
    ]
    result = prepare(tmp_path, members=members)
    assert result.members["row_number"].to_pylist() == [1, 3, 4, 5]
    assert problems(result.rejections) == [
        ("members", 2, m.REQUIRED_MISSING),
        ("members", 6, m.DUPLICATE_PERSON_ID),
        ("members", 7, m.FAMILY_REJECTED_OR_MISSING),
        ("members", 8, m.REQUIRED_MISSING),
        ("members", 9, m.REQUIRED_MISSING),
    ]
    assert result.counts["members_rejected"] == 5
    # A rejected row is not flagged as well: row 2's malformed NIK is in no flag.
    member_flags = result.flags.filter(pa.compute.equal(result.flags["file"], "members"))
    assert {p for p in problems(member_flags) if p[2] != m.DUPLICATE_NIK} == {
        ("members", 3, m.NIK_SCIENTIFIC_NOTATION),
        ("members", 4, m.BIRTH_DATE_INVALID),
        ("members", 5, m.BIRTH_DATE_FUTURE),
    }
    # Unreadable and future birth dates are not kept; the raw text is in the flag.
    assert result.members["birth_date"].to_pylist() == [dt.date(1980, 1, 12), dt.date(1980, 1, 12),
                                                        None, None]
    assert result.members["nik"].to_pylist()[1] is None


# --- nobody dropped for a bad identifier ----------------------------------------------------

_BAD_NIKS = {
    # raw NIK -> (kept in the canonical column, reason)
    "320405120180000": ("320405120180000", m.NIK_NOT_16_DIGITS),        # a digit short
    "'32040512018000": ("32040512018000", m.NIK_NOT_16_DIGITS),         # apostrophe, short
    "32040512018000011": (None, m.NIK_NOT_16_DIGITS),                   # 17 digits: blank
    "3204O51201800001": (None, m.NIK_NOT_16_DIGITS),                    # letter O: blank
    "3.20405E+15": (None, m.NIK_SCIENTIFIC_NOTATION),                   # lost digits: blank
    "3204059913800001": ("3204059913800001", m.NIK_DATE_UNDECODABLE),   # day 99, month 13
}
_BAD_KKS = {
    "32040515011": ("32040515011", m.KK_NOT_16_DIGITS),
    "3204 0515 0110 00099": (None, m.KK_NOT_16_DIGITS),
    "No KK belum ada": (None, m.KK_NOT_16_DIGITS),
    "3.20405E+15": (None, m.KK_SCIENTIFIC_NOTATION),
}


def test_malformed_niks_and_kk_numbers_keep_every_person_and_family_flagged(tmp_path):
    families = [_family("K1")] + [
        _family(f"KK{i}", **{"No KK": raw}) for i, raw in enumerate(_BAD_KKS, start=2)]
    members = [_member("K1", "I1")] + [
        _member("K1", f"N{i}", NIK=raw, **{"Hubungan dengan Kepala Keluarga": "Anak"})
        for i, raw in enumerate(_BAD_NIKS, start=2)
    ] + [_member(f"KK{i}", f"H{i}", NIK="") for i in range(2, len(_BAD_KKS) + 2)]
    result = prepare(tmp_path, families, members)

    assert result.rejections.num_rows == 0
    assert result.counts["families_accepted"] == len(families)
    assert result.counts["members_accepted"] == len(members)

    fam = {r["family_id"]: r for r in result.families.to_pylist()}
    for i, (raw, (kept, _)) in enumerate(_BAD_KKS.items(), start=2):
        assert fam[f"KK{i}"]["kk_number"] == kept, raw
    people = {r["person_id"]: r for r in result.members.to_pylist()}
    for i, (raw, (kept, _)) in enumerate(_BAD_NIKS.items(), start=2):
        person = people[f"N{i}"]
        assert person["nik"] == kept, raw
        # Nothing is decoded from a malformed NIK (nor from one whose date is impossible).
        assert person["nik_sex"] is None and person["nik_birth_date"] is None, raw
        # Still linkable by its other fields.
        assert person["name"] == "Asep" and person["birth_date"] == dt.date(1980, 1, 12)

    flags = result.flags.to_pylist()
    for file, prefix, cases, column in (("families", "KK", _BAD_KKS, "No KK"),
                                        ("members", "N", _BAD_NIKS, "NIK")):
        for i, (raw, (_, reason)) in enumerate(cases.items(), start=2):
            record = f"{prefix}{i}"
            found = [f for f in flags if f["file"] == file and f["record_id"] == record
                     and f["column"] == column]
            assert [f["reason"] for f in found] == [reason], (raw, found)
            (flag,) = found
            assert flag["value"] == raw and flag["row_number"] == i
            assert flag["message_id"] == m.MESSAGES[reason].id
            assert flag["message_en"] == m.MESSAGES[reason].en
    # Structure rules read valid numbers only: a malformed one is not also "missing", "from
    # another kecamatan" or "shared".
    structural = {m.NIK_REGION_MISMATCH, m.KK_REGION_MISMATCH, m.DUPLICATE_NIK, m.NIK_MISSING}
    assert [f for f in flags if f["reason"] in structural
            and f["record_id"].startswith(("N", "KK"))] == []


def test_malformed_identifiers_are_flags_and_placement_problems_rejections():
    assert {m.NIK_NOT_16_DIGITS, m.NIK_SCIENTIFIC_NOTATION, m.KK_NOT_16_DIGITS,
            m.KK_SCIENTIFIC_NOTATION, m.DESIL_INVALID, m.BIRTH_DATE_INVALID,
            m.BIRTH_DATE_FUTURE} <= m.FLAG_CODES
    assert {
        m.REQUIRED_MISSING, m.REGION_NOT_DESA, m.REGION_UNKNOWN, m.DUPLICATE_FAMILY_ID,
        m.DUPLICATE_PERSON_ID, m.FAMILY_REJECTED_OR_MISSING} == m.REJECTION_CODES


def test_kept_malformed_values_fit_the_register_column():
    from konvergen.registry.ingest.nik import MAX_KEPT_LENGTH, malformed_kept

    raw = pa.array(["1", "1234567890123456789", " 12.345 ", "12345.0", "abc", None, "-"])
    _, problem = clean_id_number(raw)
    assert malformed_kept(raw, problem).to_pylist() == [
        "1", None, "12345", "12345", None, None, None]
    assert MAX_KEPT_LENGTH == 16


def test_members_of_a_rejected_family_are_rejected(tmp_path):
    families = [FAMILIES[0], _family("K2", **{"Kode Kemdagri": "9999999999"})]
    members = [MEMBERS[0], _member("K2", "I3")]
    result = prepare(tmp_path, families, members)
    assert problems(result.rejections) == [
        ("families", 2, m.REGION_UNKNOWN),
        ("members", 2, m.FAMILY_REJECTED_OR_MISSING),
    ]


# --- flags -----------------------------------------------------------------------------------


def test_flags_keep_the_row_and_say_why(tmp_path):
    families = [
        _family("K1"),
        _family("K2", **{"No KK": "3204061501100002", "Jenis Atap": "Daun Lontar"}),
        _family("K3", NIK="123"),
    ]
    members = [
        _member("K1", "I1"),                                            # 1 clean head
        _member("K1", "I2", NIK="", **{"Hubungan dengan Kepala Keluarga": "Anak"}),  # 2
        _member("K1", "I3", NIK="3204995703820003",
                **{"Hubungan dengan Kepala Keluarga": "Anak", "Jenis Kelamin": "P",
                   "Tanggal Lahir": "17-03-1982"}),                     # 3 moved
        _member("K1", "I4", NIK="3204051201800009",
                **{"Hubungan dengan Kepala Keluarga": "Anak",
                   "Tanggal Lahir": "13-01-1980"}),                     # 4 date differs
        _member("K1", "I5", NIK="3204051201800010",
                **{"Hubungan dengan Kepala Keluarga": "Anak", "Jenis Kelamin": "P"}),  # 5
        _member("K1", "I6", NIK="3204051201800001",
                **{"Hubungan dengan Kepala Keluarga": "Cucu"}),         # 6 duplicate NIK
        _member("K1", "I7", NIK="3204059913800001",
                **{"Hubungan dengan Kepala Keluarga": "Anak", "Tanggal Lahir": "",
                   "Pendidikan": "Pesantren"}),                         # 7
        _member("K2", "I8", NIK="3204061201800001", **{"Jenis Kelamin": "X"}),  # 8
        _member("K2", "I9", NIK="3204061201800002"),                    # 9 second head
    ]
    result = prepare(tmp_path, families, members)
    assert result.rejections.num_rows == 0
    assert result.members.num_rows == 9 and result.families.num_rows == 3
    assert problems(result.flags) == [
        ("families", 2, m.CODED_VALUE_UNKNOWN),
        ("families", 2, m.FAMILY_MULTIPLE_HEADS),
        ("families", 2, m.KK_REGION_MISMATCH),
        ("families", 3, m.FAMILY_WITHOUT_HEAD),
        ("families", 3, m.HEAD_NIK_INVALID),
        ("members", 1, m.DUPLICATE_NIK),
        ("members", 2, m.NIK_MISSING),
        ("members", 3, m.NIK_REGION_MISMATCH),
        ("members", 4, m.NIK_BIRTH_DATE_MISMATCH),
        ("members", 5, m.NIK_SEX_MISMATCH),
        ("members", 6, m.DUPLICATE_NIK),
        ("members", 7, m.CODED_VALUE_UNKNOWN),
        ("members", 7, m.NIK_DATE_UNDECODABLE),
        ("members", 8, m.CODED_VALUE_UNKNOWN),
        ("members", 8, m.NIK_REGION_MISMATCH),
        ("members", 9, m.NIK_REGION_MISMATCH),
    ]
    # Unknown housing codes keep the raw value; an unknown sex becomes null.
    assert result.families["roof_type"].to_pylist()[1] == "Daun Lontar"
    assert result.members["sex"].to_pylist()[7] is None
    assert result.members["education"].to_pylist()[6] == "Pesantren"


def test_member_count_mismatch_is_flagged(tmp_path):
    header = [*P3KE_FAMILY, "Jumlah Anggota Keluarga"]
    families = [[*FAMILIES[0], "2"], [*FAMILIES[1], "4"]]
    result = prepare(tmp_path, families, fheader=header)
    assert problems(result.flags) == [("families", 2, m.MEMBER_COUNT_MISMATCH)]
    assert result.families["member_count"].to_pylist() == [2, 4]


# --- values and formats ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12-01-1980", dt.date(1980, 1, 12)),
        ("12/01/1980", dt.date(1980, 1, 12)),
        ("1980-01-12", dt.date(1980, 1, 12)),
        ("1980-01-12 00:00:00", dt.date(1980, 1, 12)),
        ("12-01-80", dt.date(1980, 1, 12)),
        ("12-01-05", dt.date(2005, 1, 12)),
        ("29232", dt.date(1980, 1, 12)),
        ("12 Januari 1980", dt.date(1980, 1, 12)),
        ("12 Jan 1980", dt.date(1980, 1, 12)),
        ("17 Agustus 1945", dt.date(1945, 8, 17)),
        ("3 Mei 2001", dt.date(2001, 5, 3)),
        ("1 Desember 1999", dt.date(1999, 12, 1)),
        ("19800112", dt.date(1980, 1, 12)),
    ],
)
def test_birth_date_formats_seen_in_the_field(tmp_path, raw, expected):
    members = [_member("K1", "I1", NIK="", **{"Tanggal Lahir": raw})]
    result = prepare(tmp_path, members=members)
    assert result.members["birth_date"].to_pylist() == [expected]


@pytest.mark.parametrize("raw", ["1980", "12 Smarch 1980", "13/13/1980", "kemarin"])
def test_unreadable_birth_dates_are_flagged_and_left_blank(tmp_path, raw):
    members = [_member("K1", "I1", **{"Tanggal Lahir": raw})]
    result = prepare(tmp_path, members=members)
    assert result.rejections.num_rows == 0
    assert m.BIRTH_DATE_INVALID in reasons(result.flags)
    assert result.members["birth_date"].to_pylist() == [None]


@pytest.mark.parametrize(
    ("raw", "expected", "problem"),
    [
        ("'3204051201800001", "3204051201800001", None),
        ("3204051201800001.0", "3204051201800001", None),
        ("3204 0512 0180 0001", "3204051201800001", None),
        ("3.204051201800001E+15", "3204051201800001", None),
        ("3.20405E+15", None, "scientific_notation"),
        ("320405120180000", None, "not_16_digits"),
        ("-", None, None),
    ],
)
def test_spreadsheet_float_niks(raw, expected, problem):
    digits, found = clean_id_number(pa.array([raw]))
    assert digits.to_pylist() == [expected]
    assert found.to_pylist() == [problem]


def test_nik_decoding_adds_forty_to_the_day_for_women():
    sex, born = decode_nik(pa.array(["3204055208850002", "3204053213800001"]), reference_year=2025)
    assert sex.to_pylist() == ["P", None]
    assert born.to_pylist() == [dt.date(1985, 8, 12), None]


def test_yes_no_and_sex_words(tmp_path):
    families = [_family(f"K{i}", **{"Penerima PKH": v}) for i, v in
                enumerate(["Y", "T", "1", "0", "ada", "tidak ada"], start=1)]
    members = [_member(f"K{i}", f"I{i}", NIK="", **{"Jenis Kelamin": s})
               for i, s in enumerate(["Pria", "Wanita", "1", "2", "L", "Perempuan"], start=1)]
    result = prepare(tmp_path, families, members)
    assert result.families["receives_pkh"].to_pylist() == [True, False, True, False, True, False]
    assert result.members["sex"].to_pylist() == ["L", "P", "L", "P", "L", "P"]


def test_xlsx_and_semicolon_csv_give_identical_canonical_output(tmp_path):
    from_csv = prepare(tmp_path)
    f = write_xlsx(tmp_path / "keluarga.xlsx", P3KE_FAMILY, FAMILIES)
    mm = write_xlsx(tmp_path / "anggota.xlsx", P3KE_MEMBER, MEMBERS)
    from_xlsx = prepare_register(f, mm, valid_region_codes=REGIONS, snapshot_date=SNAPSHOT)
    semi = tmp_path / "semi"
    semi.mkdir()
    f2 = write_csv(semi / "k.csv", P3KE_FAMILY, FAMILIES, delimiter=";")
    m2 = write_csv(semi / "a.csv", P3KE_MEMBER, MEMBERS, delimiter=";")
    from_semicolon = prepare_register(f2, m2, valid_region_codes=REGIONS, snapshot_date=SNAPSHOT)
    for other in (from_xlsx, from_semicolon):
        assert other.families.equals(from_csv.families)
        assert other.members.equals(from_csv.members)


def test_xlsx_numbers_and_dates_are_read_as_text(tmp_path):
    members = [[*MEMBERS[0][:3], 3204051201800001, *MEMBERS[0][4:7], 29232,
                MEMBERS[0][8]]]
    f = write_xlsx(tmp_path / "keluarga.xlsx", P3KE_FAMILY, FAMILIES[:1])
    mm = write_xlsx(tmp_path / "anggota.xlsx", P3KE_MEMBER, members)
    result = prepare_register(f, mm, valid_region_codes=REGIONS, snapshot_date=SNAPSHOT)
    assert result.members["nik"].to_pylist() == ["3204051201800001"]
    assert result.members["birth_date"].to_pylist() == [dt.date(1980, 1, 12)]


def test_latin1_csv_is_read(tmp_path):
    f = tmp_path / "keluarga.csv"
    f.write_bytes(("ID Keluarga P3KE;Kode Kemdagri;Alamat\nK1;3204052001;Jl. Pasundan Café\n")
                  .encode("latin-1"))
    mm = write_csv(tmp_path / "anggota.csv", P3KE_MEMBER, MEMBERS[:1])
    result = prepare_register(f, mm, valid_region_codes=REGIONS, snapshot_date=SNAPSHOT)
    assert result.families["address"].to_pylist() == ["Jl. Pasundan Café"]


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02binary\x00", b"PK\x03\x04broken zip"])
def test_unreadable_file_raises_ingest_file_error(tmp_path, content):
    bad = tmp_path / "keluarga.csv"
    bad.write_bytes(content)
    mm = write_csv(tmp_path / "anggota.csv", P3KE_MEMBER, MEMBERS)
    with pytest.raises(IngestFileError, match=r"Berkas tidak dapat dibaca .* The file cannot"):
        prepare_register(bad, mm, valid_region_codes=REGIONS)


def test_header_only_file_raises_ingest_file_error(tmp_path):
    with pytest.raises(IngestFileError, match="no data rows"):
        prepare(tmp_path, families=[])


# --- adapters --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_source_values_map_to_canonical_codes(name):
    for field, mapping in SOURCES[name].values.items():
        allowed = set(CODE_LISTS.get(field, {})) | {"true", "false"}
        assert set(mapping.values()) <= allowed, (name, field)


def test_every_reason_has_both_messages():
    for code, message in m.MESSAGES.items():
        assert message.id and message.en, code
    assert set(m.MESSAGES) == m.REJECTION_CODES | m.FLAG_CODES


@pytest.mark.parametrize(
    "value",
    ["K1", " K1", "K1 ", "\u00a0K1", "K1\u2003", "K1\t", "\x0bK1", "K1\x85", "-", "--", "...",
     "a-b", "", " - ", "?", "N/A", "x", "ab", "abc", "3204051201800001"],
)
def test_identifier_columns_skip_cleaning_only_when_nothing_would_change(value):
    """Identifier columns share the raw text when no value needs cleaning; the quick test
    must agree with the cleaning itself on every kind of value."""
    from konvergen.registry.ingest.validate import _clean_text, _needs_cleaning

    column = pa.array(["P1", value, "P3"])
    changed = _clean_text(column).to_pylist() != column.to_pylist()
    assert _needs_cleaning(column) is changed
