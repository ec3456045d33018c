"""E.81 and Matriks 2 workbooks: read back with calamine (header cells, a computed value)
and converted by LibreOffice."""

import shutil
import subprocess
from decimal import Decimal as D

import pytest
from python_calamine import CalamineWorkbook

from konvergen.plans import exports, selectors, services
from tests.plans.conftest import YEAR, item_values


@pytest.fixture
def realised(plan, item, personas):
    services.item_save(plan=plan, values=item_values(
        sub_activity_code="1.06.04.2.01.0004", sub_activity_name="Alat Bantu",
        indicator="Jumlah alat bantu", unit="unit", target_k=D(10), target_rp=D(50_000_000),
        q1_k=None, q2_k=None, q3_k=None, q4_k=None, q1_rp=None, q2_rp=None, q3_rp=None,
        q4_rp=None, expenditure_tag="support", locations=[]),
        acting_user=personas.dinsos_officer)
    second = plan.items.get(sub_activity_code="1.06.04.2.01.0004")
    services.report_save(plan=plan, quarter=1, values={
        item.pk: (D(20), D(90_000_000)), second.pk: (D(2), D(10_000_000))},
        acting_user=personas.dinsos_officer)
    services.report_save(plan=plan, quarter=2, values={item.pk: (D(30), D(110_000_000))},
                         acting_user=personas.dinsos_officer)
    return plan


def _rows(data: bytes, path):
    path.write_bytes(data)
    book = CalamineWorkbook.from_path(str(path))
    return book, book.get_sheet_by_index(0).to_python()


def _find(rows, value):
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if cell == value:
                return r, c
    raise AssertionError(f"{value!r} not in the sheet")


def _soffice_converts(path, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed: run `make system-deps`")
    out = tmp_path / "pdf"
    profile = tmp_path / "lo-profile"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(out), str(path)],
                   check=True, capture_output=True, timeout=180)
    pdf = out / (path.stem + ".pdf")
    assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF")


def test_e81_plan_layout_and_values(realised, tmp_path):
    table = selectors.e81_table(realised, 2)
    path = tmp_path / "e81.xlsx"
    book, rows = _rows(exports.e81_plan(table), path)
    assert book.sheet_names == ["E.81"]
    # The two-row header: group labels over K / Rp, then the form's column numbers.
    r, c = _find(rows, "Target tahun berjalan")
    assert rows[r + 1][c] == "K" and rows[r + 1][c + 1] == "Rp"
    assert rows[r + 2][c] == "8"
    r2, c2 = _find(rows, "Realisasi triwulan II")
    assert rows[r2 + 2][c2] == "10"
    _r3, c3 = _find(rows, "Tingkat capaian tahun berjalan (%) (13 / 8 x 100)")
    # The item row: 20 + 30 = 50 KK of 100 -> 50 %; Rp 200 jt of 400 jt -> 50 %.
    item_row = next(row for row in rows if row[2] == "1.06.04.2.01.0003")
    assert item_row[c3] == 50.0 and item_row[c3 + 1] == 50.0
    _r4, c4 = _find(rows, "Realisasi capaian s.d. tahun berjalan (7 + 13)")
    assert item_row[c4] == 200.0  # 150 realised before + 50
    # Programme and kegiatan heading rows, and the budget total.
    assert any(row[2] == "1.06.04" and row[3] == "Program Rehabilitasi Sosial"
               for row in rows)
    total = next(row for row in rows if row[0] == "Jumlah")
    assert total[c + 1] == 450_000_000  # annual budgets
    _soffice_converts(path, tmp_path)


def test_e81_region_grouped_and_matriks2(realised, personas, tmp_path):
    partner = services.plan_create(organisation=personas.csr, region=personas.bandung,
                                   year=YEAR, acting_user=personas.csr_partner)
    services.item_save(plan=partner, values=item_values(funding_source="csr",
                                                        target_rp=D(100), q1_rp=D(25),
                                                        q2_rp=D(25), q3_rp=D(25),
                                                        q4_rp=D(25)),
                       acting_user=personas.csr_partner)
    tables = selectors.e81_tables([realised, partner], 1)
    path = tmp_path / "e81-region.xlsx"
    _book, rows = _rows(exports.e81_region(tables, "KABUPATEN BANDUNG"), path)
    titles = [row[0] for row in rows if isinstance(row[0], str)]
    assert any(t.startswith("Dinas Sosial") for t in titles)
    assert any(t.startswith("PT Mitra (CSR)") for t in titles)
    r, c = _find(rows, "Target tahun berjalan")
    grand = [row for row in rows if row[0] == "Jumlah"][-1]
    assert grand[c + 1] == 450_000_100
    _soffice_converts(path, tmp_path)
    names = {"32.04.05.2001": "CILEUNYI KULON (32.04.05.2001)"}
    path2 = tmp_path / "matriks2.xlsx"
    book, rows = _rows(exports.matriks2(tables, "KABUPATEN BANDUNG", names), path2)
    assert book.sheet_names == ["Matriks 2"]
    r, c = _find(rows, "Jenis belanja (langsung / tidak langsung / penunjang)")
    data = [row for row in rows if row[6] == "1.06.04.2.01.0003"]
    assert len(data) == 2
    dinsos = next(row for row in data if row[1] == "Dinsos")
    assert dinsos[c] == "Langsung" and "CILEUNYI KULON" in dinsos[12]
    assert dinsos[11] == 400_000_000 and dinsos[19] == 90_000_000  # realised up to TW I
    assert rows[r + 2][c] == "12"
    _soffice_converts(path2, tmp_path)
