"""The coordination-meeting pack: figures against hand-worked values, a fixed number of
queries whatever the number of agencies, the XLSX, and who may open it."""

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from konvergen.organisations.services import organisation_get_or_create
from konvergen.plans import meeting, services
from tests.plans.conftest import YEAR, item_values


def _plan(personas, org, items: list[dict], realised: dict[int, list]):
    """A plan of ``org`` with ``items`` and, per quarter, each item's (K, Rp) realised."""
    plan = services.plan_create(organisation=org, region=personas.bandung, year=YEAR,
                                acting_user=personas.admin)
    saved = [services.item_save(plan=plan, values=item_values(**v), acting_user=personas.admin)
             for v in items]
    for quarter, values in realised.items():
        services.report_save(plan=plan, quarter=quarter,
                             values={i.pk: kv for i, kv in zip(saved, values, strict=True)},
                             acting_user=personas.admin)
    return plan


def _setup(personas):
    """Dinsos: two items (K 100 / Rp 400M and K 50 / Rp 100M), Q1 (20, 80M) and (10, 30M),
    Q2 (30, 120M) and (nothing). Dinkes: one item (K 10 / Rp 200M), Q1 (5, 50M), never
    submitted. Hand-worked to Q2: Dinsos realised 80+120+30 = 230M of 500M (46 %), output
    achievement mean of 50 % (50/100) and 20 % (10/50) = 35 %."""
    half = {"q1_k": None, "q2_k": None, "q3_k": None, "q4_k": None, "q1_rp": None,
            "q2_rp": None, "q3_rp": None, "q4_rp": None}
    dinkes = organisation_get_or_create(region=personas.bandung, name="Dinas Kesehatan",
                                        short_name="Dinkes", kind="agency",
                                        pentahelix="government")
    dinsos_plan = _plan(personas, personas.dinsos, [
        item_values(),
        {**half, "sub_activity_code": "1.06.04.2.01.0004", "indicator": "Jumlah lansia",
         "target_k": Decimal(50), "target_rp": Decimal(100_000_000),
         "strategy": "income", "expenditure_tag": "support"},
    ], {1: [(Decimal(20), Decimal(80_000_000)), (Decimal(10), Decimal(30_000_000))],
        2: [(Decimal(30), Decimal(120_000_000)), (None, None)]})
    dinkes_plan = _plan(personas, dinkes, [
        {**half, "sub_activity_code": "1.02.02.2.02.0001", "programme_code": "1.02.02",
         "activity_code": "1.02.02.2.02", "indicator": "Jumlah balita",
         "target_k": Decimal(10), "target_rp": Decimal(200_000_000)},
    ], {1: [(Decimal(5), Decimal(50_000_000))]})
    return dinsos_plan, dinkes_plan


def test_the_pack_adds_up_as_worked_by_hand(personas):
    _setup(personas)
    pack = meeting.meeting_pack(personas.bandung, YEAR, 2, today=dt.date(YEAR, 8, 1))
    rows = {r["organisation"].short_name: r for r in pack.rows}
    dinsos = rows["Dinsos"]["figures"]
    assert (dinsos.items, dinsos.budget, dinsos.realised) == (2, 500_000_000, 230_000_000)
    assert dinsos.budget_pct == 46.0
    assert dinsos.k_achievement == 35.0
    dinkes = rows["Dinkes"]["figures"]
    assert (dinkes.items, dinkes.realised, dinkes.budget_pct, dinkes.k_achievement) == (
        1, 50_000_000, 25.0, 50.0)
    # Totals: 280M of 700M = 40 %; output achievement weighted by items (35·2 + 50) / 3.
    assert (pack.total.items, pack.total.realised, pack.total.budget_pct) == (
        3, 280_000_000, 40.0)
    assert pack.total.k_achievement == 40.0
    # Quarter 1 only counts what was realised in Q1.
    q1 = meeting.meeting_pack(personas.bandung, YEAR, 1, today=dt.date(YEAR, 8, 1))
    assert {r["organisation"].short_name: r["figures"].realised for r in q1.rows
            if r["plan"]} == {"Dinsos": 110_000_000, "Dinkes": 50_000_000}
    # Nobody submitted Q2, due 10 July: every plan's report is late on 1 August.
    assert {r["organisation"].short_name for r in pack.late} >= {"Dinsos", "Dinkes"}
    by_tag = {str(label): f for label, f in pack.by_tag}
    assert sorted((f.items, f.budget) for f in by_tag.values()) == [
        (1, 100_000_000), (2, 600_000_000)]
    assert sum(f.items for _label, f in pack.by_strategy) == 3


def test_the_number_of_queries_does_not_grow_with_the_agencies(personas):
    _setup(personas)

    def count():
        with CaptureQueriesContext(connection) as queries:
            meeting.meeting_pack(personas.bandung, YEAR, 2)
        return len(queries)

    before = count()
    for n in range(4):
        org = organisation_get_or_create(region=personas.bandung, name=f"Dinas {n}",
                                         short_name=f"D{n}", kind="agency",
                                         pentahelix="government")
        _plan(personas, org, [item_values()], {1: [(Decimal(1), Decimal(1))]})
    assert count() == before


def test_the_page_and_the_xlsx(personas):
    _setup(personas)
    client = personas.client_for(personas.tkpk_chair)
    page = client.get(reverse("plans:meeting-pack", args=["32.04", YEAR, 2]))
    assert page.status_code == 200
    assert b'id="pack-agencies"' in page.content
    assert b"230,000,000" in page.content or b"230.000.000" in page.content
    response = client.get(reverse("plans:meeting-pack-xlsx", args=["32.04", YEAR, 2]))
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(__import__("io").BytesIO(response.content))
    agencies = book.get_sheet_by_index(0).to_python()
    header = agencies[2]
    assert len(header) == 9
    dinsos = next(r for r in agencies if r[0] == "Dinas Sosial")
    assert dinsos[4:7] == [2.0, 500_000_000.0, 230_000_000.0]
    assert len(book.sheet_names) == 6
    # Agency officers do not get the region's pack; nor does a quarter 5.
    assert personas.client_for(personas.dinsos_officer).get(
        reverse("plans:meeting-pack", args=["32.04", YEAR, 2])).status_code == 404
    assert client.get(reverse("plans:meeting-pack", args=["32.04", YEAR, 5])).status_code == 404
    assert client.get(reverse("plans:meeting-pack", args=["32.04.05", YEAR, 2])
                      ).status_code == 404


def test_the_page_is_cached_until_something_changes(personas):
    dinsos_plan, _dinkes_plan = _setup(personas)
    client = personas.client_for(personas.tkpk_chair)
    url = reverse("plans:meeting-pack", args=["32.04", YEAR, 2])

    def get():
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url)
        assert page.status_code == 200
        return page.content.decode(), len(queries)

    def body(page: str) -> str:  # the pack itself (the page around it has a CSRF token)
        return page[page.index("pack-submitted"):page.index("</main>")]

    first, cold = get()
    again, warm = get()
    assert body(again) == body(first) and warm < cold  # the body came from the cache
    assert "230.000.000" in first
    # Dinsos corrects its Q2 realisation: the next request shows it.
    item = dinsos_plan.items.order_by("position").first()
    services.report_save(plan=dinsos_plan, quarter=2,
                         values={item.pk: (Decimal(30), Decimal(170_000_000))},
                         acting_user=personas.dinsos_officer)
    after, _n = get()
    assert "280.000.000" in after and "230.000.000" not in after
