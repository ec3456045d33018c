"""XLSX exports: the Form E.81 layout (one plan, or a whole region grouped by
organisation) and the PPKE "Matriks 2" layout. Written with xlsxwriter (as every export of
the project); values, not formulas, so any reader sees the computed columns.

Labels follow the active language (Indonesian by default).
"""

import io
from collections.abc import Sequence
from decimal import Decimal

import xlsxwriter
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from konvergen.plans.selectors import E81Table

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class _Book:
    def __init__(self):
        self.handle = io.BytesIO()
        self.book = xlsxwriter.Workbook(self.handle, {"strings_to_numbers": False,
                                                      "strings_to_formulas": False,
                                                      "in_memory": True})
        add = self.book.add_format
        self.title = add({"bold": True, "font_size": 12})
        self.head = add({"bold": True, "border": 1, "align": "center", "valign": "vcenter",
                         "text_wrap": True, "bg_color": "#E8EEF4"})
        self.number = add({"border": 1, "align": "center", "italic": True, "font_size": 8})
        self.text = add({"border": 1, "text_wrap": True, "valign": "top"})
        self.bold_text = add({"border": 1, "bold": True, "text_wrap": True, "valign": "top"})
        self.group = add({"border": 1, "bold": True, "bg_color": "#F3F3F3"})
        self.k = add({"border": 1, "num_format": "#,##0.##", "valign": "top"})
        self.rp = add({"border": 1, "num_format": "#,##0", "valign": "top"})
        self.pct = add({"border": 1, "num_format": "0.00", "valign": "top"})
        self.total_rp = add({"border": 1, "num_format": "#,##0", "bold": True})
        self.total_pct = add({"border": 1, "num_format": "0.00", "bold": True})

    def bytes(self) -> bytes:
        self.book.close()
        return self.handle.getvalue()


def _num(sheet, row, col, value, fmt):
    if value is None:
        sheet.write_blank(row, col, None, fmt)
    else:
        sheet.write_number(row, col, float(value) if isinstance(value, Decimal) else value,
                           fmt)


def _two_row_header(b: _Book, sheet, top: int, columns: Sequence) -> int:
    """Write a header of ``(label, sub-labels or None, column number)``: single columns
    merged over both rows, groups merged across their K/Rp sub-columns; then a row of the
    form's column numbers. Returns the next free row."""
    col = 0
    for label, subs, number in columns:
        if subs:
            sheet.merge_range(top, col, top, col + len(subs) - 1, label, b.head)
            for i, sub in enumerate(subs):
                sheet.write(top + 1, col + i, sub, b.head)
            sheet.merge_range(top + 2, col, top + 2, col + len(subs) - 1, str(number),
                              b.number)
            col += len(subs)
        else:
            sheet.merge_range(top, col, top + 1, col, label, b.head)
            sheet.write(top + 2, col, str(number), b.number)
            col += 1
    return top + 3


def e81_columns() -> list:
    kr = ["K", "Rp"]
    return [
        (_("No"), None, 1),
        (_("Goal (sasaran)"), None, 2),
        (_("Code"), None, 3),
        (_("Affair / Field / Programme / Activity / Sub-activity"), None, 4),
        (_("Performance indicator (unit)"), None, 5),
        (_("Target at the end of the plan period (RPJMD/Renstra)"), kr, 6),
        (_("Realisation up to last year"), kr, 7),
        (_("Target of the year"), kr, 8),
        *[(_("Realisation, quarter %(q)s") % {"q": ROMAN[q]}, kr, 8 + q) for q in ROMAN],
        (_("Realisation of the year (sum of 9-12)"), kr, 13),
        (_("Achievement of the year (%) (13 / 8 x 100)"), kr, 14),
        (_("Realisation up to this year (7 + 13)"), kr, 15),
        (_("Achievement of the plan period (%) (15 / 6 x 100)"), kr, 16),
        (_("Responsible unit"), None, 17),
        (_("Remarks"), None, 18),
    ]


E81_WIDTH = 29


def _e81_lines(b: _Book, sheet, row: int, table: E81Table) -> int:
    last_prog = last_act = None
    for n, (item, r) in enumerate(table.lines, start=1):
        if item.programme_code != last_prog:
            sheet.write(row, 0, "", b.group)
            sheet.write(row, 1, "", b.group)
            sheet.write(row, 2, item.programme_code, b.group)
            sheet.merge_range(row, 3, row, E81_WIDTH - 1, item.programme_name, b.group)
            row += 1
            last_prog, last_act = item.programme_code, None
        if item.activity_code != last_act:
            sheet.write(row, 0, "", b.text)
            sheet.write(row, 1, "", b.text)
            sheet.write(row, 2, item.activity_code, b.bold_text)
            sheet.merge_range(row, 3, row, E81_WIDTH - 1, item.activity_name, b.bold_text)
            row += 1
            last_act = item.activity_code
        sheet.write_number(row, 0, n, b.text)
        sheet.write(row, 1, item.goal, b.text)
        sheet.write(row, 2, item.sub_activity_code, b.text)
        sheet.write(row, 3, item.sub_activity_name, b.text)
        sheet.write(row, 4, f"{item.indicator} ({item.unit})", b.text)
        pairs = [(r.period_target_k, r.period_target_rp), (r.prior_k, r.prior_rp),
                 (r.target_k, r.target_rp), *zip(r.real_k, r.real_rp, strict=True),
                 (r.cum_k, r.cum_rp)]
        col = 5
        for k, rp in pairs:
            _num(sheet, row, col, k, b.k)
            _num(sheet, row, col + 1, rp, b.rp)
            col += 2
        _num(sheet, row, col, r.pct_k, b.pct)
        _num(sheet, row, col + 1, r.pct_rp, b.pct)
        _num(sheet, row, col + 2, r.total_k, b.k)
        _num(sheet, row, col + 3, r.total_rp, b.rp)
        _num(sheet, row, col + 4, r.total_pct_k, b.pct)
        _num(sheet, row, col + 5, r.total_pct_rp, b.pct)
        sheet.write(row, col + 6, item.responsible_unit, b.text)
        sheet.write(row, col + 7, item.note, b.text)
        row += 1
    return row


def _e81_total(b: _Book, sheet, row: int, label: str, t) -> int:
    sheet.merge_range(row, 0, row, 4, label, b.group)
    rps = [t.period_target_rp, t.prior_rp, t.target_rp, *t.real_rp, t.cum_rp]
    col = 5
    for rp in rps:
        sheet.write_blank(row, col, None, b.group)
        _num(sheet, row, col + 1, rp, b.total_rp)
        col += 2
    sheet.write_blank(row, col, None, b.group)
    _num(sheet, row, col + 1, t.pct_rp, b.total_pct)
    sheet.write_blank(row, col + 2, None, b.group)
    _num(sheet, row, col + 3, t.total_rp, b.total_rp)
    sheet.write_blank(row, col + 4, None, b.group)
    _num(sheet, row, col + 5, t.total_pct_rp, b.total_pct)
    sheet.write_blank(row, col + 6, None, b.group)
    sheet.write_blank(row, col + 7, None, b.group)
    return row + 1


def _e81_sheet(b: _Book, name: str, titles: list[str]):
    sheet = b.book.add_worksheet(name[:31])
    for i, line in enumerate(titles):
        sheet.write(i, 0, line, b.title if i == 0 else None)
    sheet.set_column(0, 0, 5)
    sheet.set_column(1, 1, 22)
    sheet.set_column(2, 2, 18)
    sheet.set_column(3, 4, 34)
    sheet.set_column(5, 26, 13)
    sheet.set_column(27, 28, 22)
    top = len(titles) + 1
    row = _two_row_header(b, sheet, top, e81_columns())
    sheet.freeze_panes(row, 5)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    return sheet, row


def _titles(tables: list[E81Table], region_name: str, what: str) -> list[str]:
    quarter = tables[0].quarter if tables else 4
    year = tables[0].plan.year if tables else ""
    return [
        _("Form E.81: evaluation of the results of the poverty action plan"),
        what,
        _("%(region)s · year %(year)s · up to quarter %(q)s") % {
            "region": region_name, "year": year, "q": ROMAN[quarter]},
    ]


def e81_plan(table: E81Table) -> bytes:
    """Form E.81 of one organisation's plan up to ``table.quarter``."""
    b = _Book()
    plan = table.plan
    report = table.reports.get(table.quarter)
    state = report.get_state_display() if report else _("not reported")
    titles = _titles([table], plan.region.name, _("Agency: %(org)s") % {
        "org": plan.organisation.name})
    titles.append(_("Action plan: %(plan)s · quarter report: %(report)s") % {
        "plan": plan.get_state_display(), "report": state})
    sheet, row = _e81_sheet(b, "E.81", titles)
    row = _e81_lines(b, sheet, row, table)
    _e81_total(b, sheet, row, pgettext("export", "Total"), table.totals)
    return b.bytes()


def e81_region(tables: list[E81Table], region_name: str) -> bytes:
    """Form E.81 of every plan of a region, grouped by organisation, with subtotals and a
    grand total."""
    from konvergen.plans import e81

    b = _Book()
    sheet, row = _e81_sheet(b, "E.81", _titles(tables, region_name, _("All agencies and "
                                                                       "partners")))
    rows: list[e81.Row] = []
    for table in tables:
        sheet.merge_range(row, 0, row, E81_WIDTH - 1, (
            f"{table.plan.organisation.name} · {table.plan.get_state_display()}"), b.title)
        row += 1
        row = _e81_lines(b, sheet, row, table)
        row = _e81_total(b, sheet, row, _("Subtotal %(org)s") % {
            "org": table.plan.organisation}, table.totals)
        rows.extend(r for _i, r in table.lines)
    _e81_total(b, sheet, row, pgettext("export", "Total"), e81.totals(rows))
    return b.bytes()


def matriks2_columns() -> list:
    return [
        (_("No"), None, 1),
        (_("Agency / partner"), None, 2),
        (_("Programme"), [_("Code"), _("Name")], 3),
        (_("Activity (kegiatan)"), [_("Code"), _("Name")], 4),
        (_("Sub-activity (sub-kegiatan)"), [_("Code"), _("Name")], 5),
        (_("Output indicator"), None, 6),
        (_("Target"), [_("Volume"), _("Unit")], 7),
        (_("Budget (Rp)"), None, 8),
        (_("Location"), None, 9),
        (_("Beneficiaries"), [_("Number"), _("Unit")], 10),
        (_("Funding source"), None, 11),
        (_("Expenditure tag (direct / indirect / supporting)"), None, 12),
        (_("Strategy"), None, 13),
        (_("Realisation up to the quarter"), [_("Output"), _("Budget (Rp)"),
                                              _("Budget (%)")], 14),
    ]


def matriks2(tables: list[E81Table], region_name: str, location_names: dict[str, str]
             ) -> bytes:
    """The PPKE Matriks 2 mapping of programmes, activities and budget (one row per
    sub-kegiatan line), with the realisation up to ``quarter``."""
    from konvergen.plans import e81

    b = _Book()
    sheet = b.book.add_worksheet("Matriks 2")
    quarter = tables[0].quarter if tables else 4
    year = tables[0].plan.year if tables else ""
    titles = [_("Matriks 2: programmes, activities and budget for extreme poverty (PPKE)"),
              _("%(region)s · year %(year)s · up to quarter %(q)s") % {
                  "region": region_name, "year": year, "q": ROMAN[quarter]}]
    for i, line in enumerate(titles):
        sheet.write(i, 0, line, b.title if i == 0 else None)
    row = _two_row_header(b, sheet, len(titles) + 1, matriks2_columns())
    sheet.freeze_panes(row, 2)
    sheet.set_column(0, 0, 5)
    sheet.set_column(1, 1, 20)
    sheet.set_column(2, 7, 16)
    sheet.set_column(8, 8, 30)
    sheet.set_column(9, 20, 14)
    n = 0
    all_rows = []
    for table in tables:
        for item, r in table.lines:
            n += 1
            places = ", ".join(location_names.get(c, c) for c in item.locations) or _(
                "the whole region")
            values = [n, str(table.plan.organisation), item.programme_code,
                      item.programme_name, item.activity_code, item.activity_name,
                      item.sub_activity_code, item.sub_activity_name, item.indicator]
            for col, v in enumerate(values):
                if isinstance(v, int):
                    sheet.write_number(row, col, v, b.text)
                else:
                    sheet.write(row, col, v, b.text)
            _num(sheet, row, 9, item.target_k, b.k)
            sheet.write(row, 10, item.unit, b.text)
            _num(sheet, row, 11, item.target_rp, b.rp)
            sheet.write(row, 12, places, b.text)
            _num(sheet, row, 13, item.beneficiaries, b.rp)
            sheet.write(row, 14, item.get_beneficiary_unit_display(), b.text)
            sheet.write(row, 15, item.get_funding_source_display(), b.text)
            sheet.write(row, 16, item.get_expenditure_tag_display(), b.text)
            sheet.write(row, 17, item.get_strategy_display(), b.text)
            _num(sheet, row, 18, r.cum_k, b.k)
            _num(sheet, row, 19, r.cum_rp, b.rp)
            _num(sheet, row, 20, r.pct_rp, b.pct)
            all_rows.append(r)
            row += 1
    t = e81.totals(all_rows)
    sheet.merge_range(row, 0, row, 10, pgettext("export", "Total"), b.group)
    _num(sheet, row, 11, t.target_rp, b.total_rp)
    for col in range(12, 19):
        sheet.write_blank(row, col, None, b.group)
    _num(sheet, row, 19, t.cum_rp, b.total_rp)
    _num(sheet, row, 20, t.pct_rp, b.total_pct)
    return b.bytes()


def _table(b: _Book, sheet, row: int, header: list[str], lines: list[list], formats: list
           ) -> int:
    for col, label in enumerate(header):
        sheet.write(row, col, label, b.head)
    row += 1
    for line in lines:
        for col, (value, fmt) in enumerate(zip(line, formats, strict=True)):
            if fmt is b.text:
                sheet.write_string(row, col, "" if value is None else str(value), fmt)
            else:
                _num(sheet, row, col, value, fmt)
        row += 1
    return row + 1


def meeting_pack(pack, indicators: list, convergence: dict | None) -> bytes:
    """The coordination-meeting pack: one sheet per section of the page."""
    b = _Book()
    title = _("Coordination meeting pack: %(region)s, %(year)s quarter %(q)s") % {
        "region": pack.region.name, "year": pack.year, "q": pack.quarter}
    figures = [_("Items"), _("Budget (Rp)"), _("Realised to the quarter (Rp)"),
               _("Budget realised (%)"), _("Mean output achievement (%)")]

    def numbers(f):
        return [f.items, f.budget, f.realised, f.budget_pct, f.k_achievement]

    fig_formats = [b.k, b.rp, b.rp, b.pct, b.pct]
    sheet = b.book.add_worksheet(_("Agencies")[:31])
    sheet.write(0, 0, title, b.title)
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, 9, 16)
    from konvergen.plans.models import State

    when = {"late": _("Late"), "on_time": _("On time"), "open": _("Open")}

    def state(value):
        return State(value).label if value else "—"

    lines = [[r["organisation"].name, state(r["plan_state"]), state(r["state"]),
              when.get(r["timeliness"], ""), *numbers(r["figures"])] for r in pack.rows]
    lines.append([pgettext("export", "Total"), "", "", "", *numbers(pack.total)])
    _table(b, sheet, 2, [_("Organisation"), _("Action plan"), _("Quarter report"),
                         _("Timeliness"), *figures], lines,
           [b.text, b.text, b.text, b.text, *fig_formats])
    for name, rows in ((_("By strategy"), pack.by_strategy), (_("By expenditure tag"),
                                                              pack.by_tag)):
        sheet = b.book.add_worksheet(name[:31])
        sheet.write(0, 0, title, b.title)
        sheet.set_column(0, 0, 40)
        _table(b, sheet, 2, [name, *figures],
               [[str(label), *numbers(f)] for label, f in rows], [b.text, *fig_formats])
    sheet = b.book.add_worksheet(_("Late reports")[:31])
    sheet.write(0, 0, title, b.title)
    sheet.set_column(0, 0, 40)
    _table(b, sheet, 2, [_("Organisation"), _("Quarter report"), _("Due")],
           [[r["organisation"].name, state(r["state"]), pack.due.isoformat()]
            for r in pack.late], [b.text, b.text, b.text])
    sheet = b.book.add_worksheet(_("Indicators")[:31])
    sheet.write(0, 0, title, b.title)
    sheet.set_column(0, 0, 40)
    _table(b, sheet, 2, [_("Indicator"), _("Value"), _("Target"), _("Achievement (%)"),
                         _("Status")],
           [[r.name, r.row.realised, r.row.target, r.row.achievement, r.row.status or ""]
            for r in indicators], [b.text, b.pct, b.pct, b.pct, b.text])
    sheet = b.book.add_worksheet(_("Convergence")[:31])
    sheet.write(0, 0, title, b.title)
    sheet.set_column(0, 0, 40)
    keys = [("target_families", _("Target families")), ("reached_families", _("Reached")),
            ("unreached_families", _("Unreached")), ("overlap_families", _("Overlaps"))]
    _table(b, sheet, 2, [_("Figure"), _("Families")],
           [[label, (convergence or {}).get(key)] for key, label in keys], [b.text, b.k])
    return b.bytes()
