"""Excel downloads. Rows are streamed into the workbook (xlsxwriter's constant-memory mode),
so a 100,000-row list does not sit in memory as cell objects."""

import tempfile
from collections.abc import Iterable, Sequence

import xlsxwriter
from django.http import FileResponse

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(
    filename: str, headers: Sequence[str], rows: Iterable[Sequence], *, sheet: str = "Data"
) -> FileResponse:
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 (closed by FileResponse)
    workbook = xlsxwriter.Workbook(
        handle, {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
    )
    worksheet = workbook.add_worksheet(sheet[:31])
    bold = workbook.add_format({"bold": True})
    worksheet.write_row(0, 0, [str(h) for h in headers], bold)
    worksheet.freeze_panes(1, 0)
    for i, row in enumerate(rows, start=1):
        worksheet.write_row(i, 0, ["" if v is None else v for v in row])
    workbook.close()
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_TYPE)
