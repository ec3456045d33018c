"""Services: items, realisation, the sign-off chain with its locks, returns and audit rows,
refusals, deadlines and lateness. Run on SQLite and PostgreSQL."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone

from konvergen.accounts import access
from konvergen.audit.models import AuditEntry
from konvergen.organisations.models import OrganisationKind, Pentahelix
from konvergen.organisations.services import organisation_get_or_create
from konvergen.plans import selectors, services
from konvergen.plans.models import (
    ActionPlan,
    PlanItem,
    QuarterReport,
    Realisation,
    SignoffEvent,
    State,
    default_due_date,
)
from tests.plans.conftest import YEAR, item_values


def test_item_checks_name_the_field(plan, personas):
    bad = item_values(sub_activity_code="1.06.05.2.01.0003", q4_k=D(10),
                      locations=["32.09.01.2001"], target_rp=D(-1))
    with pytest.raises(services.PlanError) as exc:
        services.item_save(plan=plan, values=bad, acting_user=personas.dinsos_officer)
    errors = exc.value.message_dict
    assert "sub_activity_code" in errors  # not under kegiatan 1.06.04.2.01
    assert "q1_k" in errors and "85" in errors["q1_k"][0] and "100" in errors["q1_k"][0]
    assert "locations" in errors and "target_rp" in errors
    assert not PlanItem.objects.exists()


def test_codes_derived_from_the_sub_activity(plan, personas):
    item = services.item_save(plan=plan, values=item_values(programme_code="",
                                                            activity_code=""),
                              acting_user=personas.dinsos_officer)
    assert (item.programme_code, item.activity_code) == ("1.06.04", "1.06.04.2.01")
    # The same sub-kegiatan and indicator (other spelling) cannot be added twice.
    with pytest.raises(services.PlanError):
        services.item_save(plan=plan, values=item_values(
            indicator="JUMLAH keluarga  penerima permakanan"),
            acting_user=personas.dinsos_officer)


def test_another_agency_cannot_write_or_see(plan, item, personas):
    with pytest.raises(services.PlanError):
        services.item_save(plan=plan, values=item_values(indicator="x"),
                           acting_user=personas.csr_partner)
    assert not ActionPlan.objects.filter(access.plans_q(personas.csr_partner),
                                         pk=plan.pk).exists()
    assert ActionPlan.objects.filter(access.plans_q(personas.viewer), pk=plan.pk).exists()
    assert not ActionPlan.objects.filter(access.plans_q(personas.tkpk_cirebon),
                                         pk=plan.pk).exists()
    # The secretariat reads but does not write the agency's plan.
    with pytest.raises(services.PlanError):
        services.report_save(plan=plan, quarter=1, values={item.pk: (D(1), D(1))},
                             acting_user=personas.tkpk_bandung)


def _realise(plan, item, personas, quarter=1, k=D(20), rp=D(90_000_000)):
    return services.report_save(plan=plan, quarter=quarter, values={item.pk: (k, rp)},
                                drivers="Data BNBA lengkap", obstacles="Cuaca",
                                follow_up="Percepat TW II",
                                acting_user=personas.dinsos_officer)


def test_the_whole_sign_off_chain(plan, item, personas):
    _realise(plan, item, personas)
    # An officer may edit but not submit; the head submits Q1 and, with it, the RAT.
    with pytest.raises(services.PlanError):
        services.signoff(plan=plan, quarter=1, action="submit",
                         acting_user=personas.dinsos_officer)
    services.signoff(plan=plan, quarter=1, action="submit", acting_user=personas.agency_head)
    plan.refresh_from_db()
    report = QuarterReport.objects.get(plan=plan, quarter=1)
    assert plan.state == report.state == State.SUBMITTED
    # Under review: locked for the agency.
    with pytest.raises(services.PlanError):
        _realise(plan, item, personas, k=D(21))
    with pytest.raises(services.PlanError):
        services.item_save(plan=plan, item=item, values=item_values(unit="keluarga"),
                           acting_user=personas.dinsos_officer)
    # The agency cannot verify or approve; the chair cannot verify a submitted report.
    for user, action in ((personas.agency_head, "verify"), (personas.agency_head, "approve"),
                         (personas.dinsos_officer, "approve"), (personas.tkpk_chair, "verify"),
                         (personas.tkpk_cirebon, "verify")):
        with pytest.raises(services.PlanError):
            services.signoff(plan=plan, quarter=1, action=action, acting_user=user)
    # The secretariat returns with a comment (required): the report re-opens.
    with pytest.raises(services.PlanError):
        services.signoff(plan=plan, quarter=1, action="return", note="",
                         acting_user=personas.tkpk_bandung)
    services.signoff(plan=plan, quarter=1, action="return", note="Lampirkan bukti SP2D",
                     acting_user=personas.tkpk_bandung)
    report.refresh_from_db()
    assert report.state == State.RETURNED and report.return_note == "Lampirkan bukti SP2D"
    _realise(plan, item, personas, k=D(22))  # re-opened for the agency
    services.signoff(plan=plan, quarter=1, action="submit", acting_user=personas.agency_head)
    services.signoff(plan=plan, quarter=1, action="verify", acting_user=personas.tkpk_bandung)
    plan.refresh_from_db()
    assert plan.state == State.VERIFIED  # verified with its first report
    services.signoff(plan=plan, quarter=1, action="approve", acting_user=personas.tkpk_chair)
    plan.refresh_from_db()
    report.refresh_from_db()
    assert plan.state == report.state == State.APPROVED
    # Approved is locked for everyone, the administrator and the chair too.
    for user in (personas.dinsos_officer, personas.admin, personas.tkpk_chair):
        with pytest.raises(services.PlanError):
            services.report_save(plan=plan, quarter=1, values={item.pk: (D(9), None)},
                                 acting_user=user)
        with pytest.raises(services.PlanError):
            services.item_delete(item=item, acting_user=user)
    assert Realisation.objects.get(report=report).k == D(22)
    # Every step is in the history and the audit log, with who and the comment.
    steps = list(SignoffEvent.objects.filter(report=report).values_list("action", "actor"))
    assert [s for s, _a in steps] == ["submit", "return", "submit", "verify", "approve"]
    assert SignoffEvent.objects.filter(report=None, plan=plan).count() == 3
    audit = AuditEntry.objects.filter(action="plans.report_return").get()
    assert audit.actor == personas.tkpk_bandung
    assert audit.changes["note"] == "Lampirkan bukti SP2D"
    assert AuditEntry.objects.filter(action="plans.plan_approve",
                                     actor=personas.tkpk_chair).exists()
    # Q2 can still be reported: the report, not the plan, holds the realisation.
    _realise(plan, item, personas, quarter=2, k=D(30))
    table = selectors.e81_table(plan, 2)
    row = table.lines[0][1]
    assert row.cum_k == D(52) and row.pct_k == D("52.00")
    assert row.total_k == D(202)  # 150 before + 52


def test_report_cannot_get_ahead_of_its_plan(plan, item, personas):
    services.signoff(plan=plan, action="submit", acting_user=personas.agency_head)
    services.signoff(plan=plan, action="return", note="Target TW belum sesuai",
                     acting_user=personas.tkpk_bandung)
    _realise(plan, item, personas)
    services.signoff(plan=plan, quarter=1, action="submit", acting_user=personas.agency_head)
    # The returned plan was submitted again with its quarter.
    plan.refresh_from_db()
    assert plan.state == State.SUBMITTED
    # Returning the plan returns the report under review with it.
    services.signoff(plan=plan, action="return", note="Perbaiki indikator",
                     acting_user=personas.tkpk_bandung)
    report = QuarterReport.objects.get(plan=plan, quarter=1)
    assert report.state == State.RETURNED
    # A plan is not submitted without items.
    other = services.plan_create(organisation=personas.csr, region=personas.bandung,
                                 year=YEAR, acting_user=personas.csr_partner)
    with pytest.raises(services.PlanError):
        services.signoff(plan=other, action="submit", acting_user=personas.csr_partner)


def test_approving_needs_a_verified_plan(plan, item, personas):
    services.signoff(plan=plan, quarter=1, action="submit", acting_user=personas.agency_head)
    services.signoff(plan=plan, action="verify", acting_user=personas.tkpk_bandung)
    services.signoff(plan=plan, action="approve", acting_user=personas.tkpk_chair)
    # The plan is approved; the report only submitted: approving it needs verifying first.
    with pytest.raises(services.PlanError):
        services.signoff(plan=plan, quarter=1, action="approve",
                         acting_user=personas.tkpk_chair)
    services.signoff(plan=plan, quarter=1, action="verify", acting_user=personas.tkpk_bandung)
    services.signoff(plan=plan, quarter=1, action="approve", acting_user=personas.tkpk_chair)
    assert QuarterReport.objects.get(plan=plan, quarter=1).state == State.APPROVED


def test_partner_keeps_and_submits_its_own_plan(personas):
    plan = services.plan_create(organisation=personas.csr, region=personas.bandung, year=YEAR,
                                acting_user=personas.csr_partner)
    services.item_save(plan=plan, values=item_values(funding_source="csr"),
                       acting_user=personas.csr_partner)
    services.signoff(plan=plan, action="submit", acting_user=personas.csr_partner)
    plan.refresh_from_db()
    assert plan.state == State.SUBMITTED
    # It cannot make a plan for Dinsos.
    with pytest.raises(services.PlanError):
        services.plan_create(organisation=personas.dinsos, region=personas.bandung,
                             year=YEAR, acting_user=personas.csr_partner)


def test_deadlines_and_lateness(plan, item, personas):
    assert default_due_date(YEAR, 1) == dt.date(YEAR, 4, 10)
    assert default_due_date(YEAR, 4) == dt.date(YEAR + 1, 1, 10)
    with pytest.raises(services.PlanError):
        services.deadline_set(region=personas.bandung, year=YEAR, quarter=1,
                              due_on=dt.date(YEAR, 4, 15), acting_user=personas.agency_head)
    services.deadline_set(region=personas.bandung, year=YEAR, quarter=1,
                          due_on=dt.date(YEAR, 4, 15), acting_user=personas.tkpk_bandung)
    due = selectors.due_dates("32.04", YEAR)
    assert due[1] == dt.date(YEAR, 4, 15) and due[2] == dt.date(YEAR, 7, 10)
    # Not submitted: open until the due date, late after it.
    assert selectors.timeliness(None, due[1], dt.date(YEAR, 4, 15)) == "open"
    assert selectors.timeliness(None, due[1], dt.date(YEAR, 4, 16)) == "late"
    services.signoff(plan=plan, quarter=1, action="submit", acting_user=personas.agency_head)
    report = QuarterReport.objects.get(plan=plan, quarter=1)
    # Submitted after the due date: late, and it stays late when returned and resubmitted.
    late_at = timezone.make_aware(dt.datetime(YEAR, 4, 20, 9))  # noqa: DTZ001
    QuarterReport.objects.filter(pk=report.pk).update(first_submitted_at=late_at)
    rows, _due, counts = selectors.region_overview("32.04", YEAR, today=dt.date(YEAR, 5, 1))
    dinsos = next(r for r in rows if r.organisation == personas.dinsos)
    assert dinsos.cells[0]["late"] and dinsos.cells[0]["state"] == State.SUBMITTED
    assert counts[1]["late"] >= 1 and counts[1]["submitted"] == 1
    on_time = timezone.make_aware(dt.datetime(YEAR, 4, 14, 23))  # noqa: DTZ001
    QuarterReport.objects.filter(pk=report.pk).update(first_submitted_at=on_time)
    rows, _due, _counts = selectors.region_overview("32.04", YEAR, today=dt.date(YEAR, 5, 1))
    dinsos = next(r for r in rows if r.organisation == personas.dinsos)
    assert dinsos.cells[0]["timeliness"] == "on_time"
    # Another organisation of the region without a plan is listed, late for Q1.
    bpbd = organisation_get_or_create(region=personas.bandung, name="BPBD", short_name="BPBD",
                                      kind=OrganisationKind.AGENCY,
                                      pentahelix=Pentahelix.GOVERNMENT)
    rows, _due, _counts = selectors.region_overview("32.04", YEAR, today=dt.date(YEAR, 5, 1))
    row = next(r for r in rows if r.organisation == bpbd)
    assert row.plan is None and row.cells[0]["late"] and not row.cells[1]["late"]


def test_programme_reach_beside_the_item(plan, personas, tiny_register):
    from konvergen.programs.models import Intervention, Programme
    from konvergen.registry.models import Family

    programme = Programme.objects.create(
        code="permakanan", name="Permakanan", organisation=personas.dinsos,
        region=personas.bandung, strategy="burden", stage="charity", sector="food",
        funding_source="apbd_regency", year_start=YEAR, year_end=YEAR)
    for source_id, status in (("P001", "delivered"), ("P002", "planned"),
                              ("P003", "cancelled")):
        Intervention.objects.create(programme=programme, year=YEAR, status=status,
                                    family=Family.objects.get(source_id=source_id))
    item = services.item_save(plan=plan, values=item_values(programme=programme.pk),
                              acting_user=personas.dinsos_officer)
    assert item.programme_id == programme.pk
    reach = selectors.programme_reach([programme.pk], YEAR)
    assert reach[programme.pk] == {"interventions": 2, "families": 2}
    # Another organisation's programme cannot be linked.
    other = Programme.objects.create(
        code="csr-x", name="CSR", organisation=personas.csr, region=personas.bandung,
        strategy="burden", stage="charity", sector="food", funding_source="csr",
        year_start=YEAR, year_end=YEAR)
    with pytest.raises(services.PlanError) as exc:
        services.item_save(plan=plan, values=item_values(programme=other.pk, indicator="y"),
                           acting_user=personas.dinsos_officer)
    assert "programme" in exc.value.message_dict
