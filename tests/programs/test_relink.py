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
