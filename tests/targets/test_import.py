"""Importing official BPS figures: each real file (read where it lies in ../shared/data),
values spot-checked against the file, rejected rows with their reasons, re-import changes
nothing, an XLSX variant, the importer's area, the user's column mapping."""

import pytest
import xlsxwriter

from konvergen.audit.models import AuditEntry
from konvergen.targets import services
from konvergen.targets.models import ImportRejection, IndicatorValue
from tests.conftest import shared_data
from tests.targets.conftest import (
    GK_KABKOTA,
    JATENG,
    P0_2021,
    P0_2021_RAW,
    PROVINSI,
    load_all_kabkota,
    load_bps_codes,
    rows_of,
)


def value(code, region, year, period=""):
    return IndicatorValue.objects.get(indicator__code=code, region_code=region, year=year,
                                      period=period).value


def run(parts_or_path, user, **kw):
    path = shared_data(*parts_or_path) if isinstance(parts_or_path, tuple) else parts_or_path
    return services.official_import(path=path, acting_user=user, **kw)


def reasons(batch) -> dict:
    return batch.counts["rejected_by_reason"]


def test_poverty_line_wide_by_year(personas, catalogue):
    rows = rows_of(GK_KABKOTA)
    result = run(GK_KABKOTA, personas.admin)
    jabar = [r for r in rows if r["kode_kemendagri"].split(".")[0] == "32"]
    filled = sum(bool(r[c]) for r in jabar for c in ("garis_kemiskinan_2024",
                                                     "garis_kemiskinan_2025"))
    assert result.counts["accepted"] == result.counts["created"] == filled
    assert value("poverty_line", "32.04", 2024) == 455636
    assert value("poverty_line", "32.04", 2025) == 468974
    assert value("poverty_line", "32", 2025) == 547752
    assert not IndicatorValue.objects.filter(region_code="32", year=2024).exists()  # blank
    # Every row of another province is an unknown region here (the test database holds
    # Jawa Barat), one rejection per row, naming the code column and the code.
    others = [r for r in rows if r["kode_kemendagri"].split(".")[0] != "32"
              and (r["garis_kemiskinan_2024"] or r["garis_kemiskinan_2025"])]
    assert reasons(result.batch) == {"unknown_region": len(others)}
    simeulue = ImportRejection.objects.get(batch=result.batch, value="11.09")
    assert simeulue.column == "kode_kemendagri" and simeulue.row_number == 2
    assert "11.09" in simeulue.message_id and "Baris 2" in simeulue.message_id
    assert simeulue.message_en.startswith("Row 2, column kode_kemendagri: unknown region")
    # The same file again changes nothing.
    again = run(GK_KABKOTA, personas.admin)
    assert (again.counts["created"], again.counts["updated"], again.counts["unchanged"]) == (
        0, 0, filled)
    entry = AuditEntry.objects.filter(action="targets.official_import").first()
    assert entry.changes["accepted"] == filled and entry.changes["rejected"] == len(others)


def test_bps_codes_through_the_crosswalk(personas, catalogue):
    load_all_kabkota()
    load_bps_codes()
    # Only the BPS code: Simeulue is BPS 1101 but Kemendagri 11.09 (11.01 is Aceh Selatan).
    result = run(GK_KABKOTA, personas.admin, mapping={"kode_kemendagri": "-"})
    assert value("poverty_line", "11.09", 2025) == 586505
    assert value("poverty_line", "11.01", 2025) == 538174
    assert value("poverty_line", "11", 2025) == 676247
    assert result.counts["rejected"] == 0


def test_jateng_long_by_year_with_kemendagri_codes_and_xlsx(personas, catalogue, tmp_path):
    load_all_kabkota()
    rows = rows_of(JATENG)
    result = run(JATENG, personas.admin)
    assert result.counts["accepted"] == 2 * len(rows) == 420
    assert result.counts["rejected"] == 0
    assert value("p0", "33.75", 2024) == 6.71 and value("p0", "33.75", 2020) == 7.17
    assert value("p0", "33.29", 2021) == 17.43
    cilacap = next(r for r in rows if r["kode_wilayah"] == "3301" and r["tahun"] == "2022")
    assert value("tpt", "33.01", 2022) == float(cilacap["tpt"])
    assert set(result.batch.unknown_columns) == {"uhh", "hls", "rls",
                                                 "pengeluaran_per_kapita_disesuaikan"}
    # The same figures as a workbook with numeric cells: nothing changes.
    path = tmp_path / "jateng.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    headers = list(rows[0])
    sheet.write_row(0, 0, headers)
    for i, r in enumerate(rows, start=1):
        sheet.write_row(i, 0, [float(r[h]) if h not in ("kabupaten_kota",) else r[h]
                               for h in headers])
    book.close()
    xlsx = run(path, personas.admin)
    assert (xlsx.counts["accepted"], xlsx.counts["unchanged"]) == (420, 420)


def test_province_and_national_long_with_periods(personas, catalogue):
    rows = rows_of(PROVINSI)
    result = run(PROVINSI, personas.admin)
    assert value("p0", "", 2024, "maret") == 9.03
    assert value("p0", "", 2025, "maret") == 8.47
    assert value("p0", "32", 2025, "september") == 6.78
    assert value("poverty_line", "32", 2025, "september") == 575499
    assert value("poor_persons", "32", 2024, "september") == 3668.35
    ours = [r for r in rows if r["kode_provinsi"] in ("32", "00")]
    cols = ("garis_kemiskinan_rp_kapita_bulan", "jumlah_penduduk_miskin_ribu",
            "persentase_penduduk_miskin_p0")
    cells = sum(bool(r[c]) for r in ours for c in cols)
    # Two national cells of the file are implausible (a count in the P0 column in March
    # 2018, a poverty line of Rp 505 in March 2022): rejected, not stored.
    assert reasons(result.batch)["out_of_range"] == 2
    assert result.counts["accepted"] == cells - 2
    assert not IndicatorValue.objects.filter(indicator__code="p0", region_code="",
                                             year=2018, period="maret").exists()
    bad = ImportRejection.objects.get(batch=result.batch, reason="out_of_range",
                                      column="persentase_penduduk_miskin_p0")
    assert bad.value == "25674.58" and "0–100" in bad.message_id
    unknown = [r for r in rows if r["kode_provinsi"] not in ("32", "00")
               and any(r[c] for c in cols)]
    assert reasons(result.batch)["unknown_region"] == len(unknown)


def test_kabkota_2021_needs_the_year(personas, catalogue):
    rows = rows_of(P0_2021)
    jabar = [r for r in rows if r["kode_kemendagri"].startswith("32.")]
    without = run(P0_2021, personas.admin)
    assert reasons(without.batch) == {"year_missing": 2 * len(jabar),
                                      "unknown_region": len(rows) - len(jabar)}
    assert not IndicatorValue.objects.exists()
    result = run(P0_2021, personas.admin, default_year=2021)
    assert result.counts["accepted"] == 2 * len(jabar) == 54
    assert value("p0", "32.04", 2021) == 7.15 and value("p0", "32.08", 2021) == 13.10
    assert value("tpt", "32.04", 2021) == float(
        next(r for r in jabar if r["kode_kemendagri"] == "32.04")["tpt_persen"])


def test_raw_semicolon_file_with_decimal_commas_by_name(personas, catalogue):
    run(P0_2021, personas.admin, default_year=2021)
    raw = run(P0_2021_RAW, personas.admin, default_year=2021)
    # Names within the province: "Bandung" is the kabupaten, "Kota Bandung" the city;
    # decimal commas read as the derived file's dots, so nothing changes.
    assert raw.counts["unchanged"] == 54 and raw.counts["created"] == 0
    assert value("p0", "32.73", 2021) == 4.37
    raw_rows = rows_of(P0_2021_RAW, delimiter=";")
    outside = sum(r["Provinsi"] != "JAWA BARAT" for r in raw_rows)
    assert reasons(raw.batch) == {"unknown_region": outside}


def test_secretariat_imports_its_own_region_and_the_regions_above(personas, catalogue):
    result = run(P0_2021, personas.tkpk_bandung, default_year=2021)
    assert set(IndicatorValue.objects.values_list("region_code", flat=True)) == {"32.04"}
    assert reasons(result.batch)["outside_scope"] == 26
    assert result.batch.region_code == "32.04"
    province = run(PROVINSI, personas.tkpk_bandung)
    assert province.counts["accepted"] > 0
    assert set(IndicatorValue.objects.values_list("region_code", flat=True)) == {
        "32.04", "32", ""}
    with pytest.raises(services.TargetsError):
        run(P0_2021, personas.viewer, default_year=2021)


def test_bad_cells_are_rejected_with_row_column_and_reason(personas, catalogue, tmp_path):
    path = tmp_path / "angka.csv"
    path.write_text(
        "Kode Daerah Baru;Tahun Data;Angka P0;Periode;TPT\n"
        "3204;2023;7,2;Maret;5,5\n"
        "3204;2024;tujuh;;5,1\n"
        "3204;20x4;6,9;;\n"
        "3299;2024;6,9;;\n"
        "3204;2023;7,3;Maret;\n"
        "3204;2022;6;Juni;\n", encoding="utf-8")
    with pytest.raises(services.TargetsError):
        run(path, personas.admin, mapping={"Angka P0": "p_nol"})
    unmapped = run(path, personas.admin)
    assert unmapped.batch.unknown_columns == ["Kode Daerah Baru", "Tahun Data", "Angka P0"]
    # Only rows with a value of a known column (TPT) say anything; they name no region.
    assert reasons(unmapped.batch) == {"no_region": 2}
    result = run(path, personas.admin, mapping={"Kode Daerah Baru": "code",
                                                "Tahun Data": "year", "Angka P0": "p0"})
    assert value("p0", "32.04", 2023, "maret") == 7.2
    assert value("tpt", "32.04", 2024) == 5.1
    got = {(r.row_number, r.column, r.value, r.reason) for r in result.batch.rejections.all()}
    assert got == {
        (2, "Angka P0", "tujuh", "not_numeric"),
        (3, "Tahun Data", "20x4", "bad_year"),
        (4, "Kode Daerah Baru", "3299", "unknown_region"),
        (5, "Angka P0", "7,3", "duplicate"),
        (6, "Periode", "Juni", "bad_period"),
    }
    dup = result.batch.rejections.get(reason="duplicate")
    assert "baris 1" in dup.message_id and "row 1" in dup.message_en
