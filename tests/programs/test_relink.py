"""Linking a list again rewrites its rows; the programme's interventions from that list are
reconciled by row number on the next sync: updated in place, never duplicated."""

from konvergen.linkage.models import BeneficiaryList, ListRow
from konvergen.programs.models import Intervention
from konvergen.programs.services import interventions_from_list, programme_create
from konvergen.registry.models import Person
from tests.programs.test_services import FIELDS


def _link(blist, rows):
    """What ``linkage.services.beneficiary_list_link`` does to the rows: all deleted, all
    written again (new primary keys)."""
    ListRow.objects.filter(beneficiary_list=blist).delete()
    for n, pid in enumerate(rows, start=1):
        person = Person.objects.get(source_id=pid) if pid else None
        ListRow.objects.create(
            beneficiary_list=blist, row_number=n, data={},
            status="matched" if person else "unmatched", person=person,
            family=person.family if person else None,
        )


def test_relinking_a_used_list_then_syncing_updates_instead_of_duplicating(
    personas, tiny_register
):
    programme = programme_create(organisation=personas.dinsos, region=personas.bandung,
                                 acting_user=personas.admin, **FIELDS)
    blist = BeneficiaryList.objects.create(
        dataset=tiny_register.dataset, organisation=personas.dinsos, name="Sembako",
        file_name="s.csv", file_path="/nonexistent/s.csv", status="done",
    )

    def sync(**kw):
        return interventions_from_list(programme=programme, beneficiary_list=blist,
                                       period=2026, acting_user=personas.dinsos_officer, **kw)

    _link(blist, ["I0011", "I0021", None])
    assert sync() == {"added": 2, "updated": 0, "removed": 0, "total": 2}
    first = dict(Intervention.objects.values_list("source_row", "pk"))

    # Linked again: row 2 now points at another member, row 3 is matched.
    _link(blist, ["I0011", "I0022", "I0031"])
    assert Intervention.objects.filter(list_row__isnull=True).count() == 2  # orphaned
    assert sync() == {"added": 1, "updated": 2, "removed": 0, "total": 3}
    rows = {r.row_number: r for r in ListRow.objects.filter(beneficiary_list=blist)}
    current = {i.source_row: i for i in Intervention.objects.all()}
    assert len(current) == Intervention.objects.count() == 3
    assert {n: current[n].pk for n in (1, 2)} == first  # the same interventions
    assert all(current[n].list_row_id == rows[n].pk for n in (1, 2, 3))
    assert current[2].person.source_id == "I0022"
    assert current[3].family.source_id == "P003"

    # Nothing changed: nothing happens.
    assert sync() == {"added": 0, "updated": 0, "removed": 0, "total": 3}
    # A new status applies to every intervention of the list.
    assert sync(status="completed") == {"added": 0, "updated": 3, "removed": 0, "total": 3}
    assert set(Intervention.objects.values_list("status", flat=True)) == {"completed"}

    # Linked again with row 3 no longer matched: its intervention goes.
    _link(blist, ["I0011", "I0022", None])
    assert sync(status="completed") == {"added": 0, "updated": 2, "removed": 1, "total": 2}
    assert Intervention.objects.count() == 2


def test_a_programme_follows_its_lists_review_decisions(personas, tiny_register):
    """Once a programme has synced a list, accepting a review row adds the intervention,
    undoing removes it again, and rejecting a matched row removes its — no second sync; each
    run audited with what triggered it."""
    from konvergen.audit.models import AuditEntry
    from konvergen.linkage.services import list_row_decide, list_row_undo
    from konvergen.programs.models import ListUse

    programme = programme_create(organisation=personas.dinsos, region=personas.bandung,
                                 acting_user=personas.admin, **FIELDS)
    blist = BeneficiaryList.objects.create(
        dataset=tiny_register.dataset, organisation=personas.dinsos, name="Sembako",
        file_name="s.csv", file_path="/nonexistent/s.csv", status="done",
    )
    _link(blist, ["I0011", None])
    row = ListRow.objects.get(beneficiary_list=blist, row_number=2)
    row.status, row.candidates = "review", [{"person_id": "I0021"}]
    row.save()
    interventions_from_list(programme=programme, beneficiary_list=blist, period=2026,
                            status="completed", value=75_000,
                            acting_user=personas.dinsos_officer)
    use = ListUse.objects.get()
    assert (use.period, use.status, use.value) == (2026, "completed", 75_000)
    assert list(Intervention.objects.values_list("source_row", flat=True)) == [1]

    reviewer = personas.tkpk_bandung
    list_row_decide(row=row, action="accept", person_id=Person.objects.get(source_id="I0021").pk,
                    acting_user=reviewer)
    added = Intervention.objects.get(source_row=2)
    assert added.family.source_id == "P002"
    assert (added.status, added.value, added.year) == ("completed", 75_000, 2026)

    row.refresh_from_db()
    list_row_undo(row=row, acting_user=reviewer)
    assert list(Intervention.objects.values_list("source_row", flat=True)) == [1]

    first = ListRow.objects.get(beneficiary_list=blist, row_number=1)
    list_row_decide(row=first, action="reject", acting_user=reviewer)
    assert not Intervention.objects.exists()
    triggers = [e.changes["trigger"] for e in AuditEntry.objects.filter(
        action="programs.interventions_from_list").order_by("pk")]
    assert triggers == ["sync", "review", "undo", "review"]
