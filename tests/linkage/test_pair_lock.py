"""Deciding a duplicate pair reads its status under a row lock inside the deciding transaction,
so two reviewers deciding the same pair at once cannot both see it open."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils.translation import override

from konvergen.linkage.duplicates import pair_mark_distinct, pair_merge
from konvergen.linkage.models import DuplicatePair, PersonMerge
from konvergen.registry.models import Person
from tests.conftest import tiny_p3ke_rows, write_p3ke


def _pair(region, user, folder) -> DuplicatePair:
    from konvergen.registry.services import dataset_get_or_create, register_import

    fam, mem = write_p3ke(folder, *tiny_p3ke_rows())
    dataset = dataset_get_or_create(source="p3ke", region=region)
    register_import(dataset=dataset, families_path=fam, members_path=mem,
                    snapshot_date=dt.date(2026, 1, 15), acting_user=user)
    a, b = Person.objects.filter(dataset=dataset).order_by("pk")[:2]
    return DuplicatePair.objects.create(dataset=dataset, person_a=a, person_b=b,
                                        match_probability=0.9)


def test_a_pair_decided_meanwhile_is_refused_although_the_callers_copy_says_open(
    personas, tmp_path
):
    pair = _pair(personas.bandung, personas.admin, tmp_path)
    stale = DuplicatePair.objects.get(pk=pair.pk)  # as a page loaded it, before the decision
    pair_mark_distinct(pair=pair, acting_user=personas.tkpk_bandung)

    assert stale.status == DuplicatePair.Status.OPEN
    with override("en"), pytest.raises(ValidationError, match="already been decided"):
        pair_merge(pair=stale, survivor_id=stale.person_a_id, acting_user=personas.admin)
    with override("en"), pytest.raises(ValidationError, match="already been decided"):
        pair_mark_distinct(pair=stale, acting_user=personas.admin)
    assert not PersonMerge.objects.filter(pair=pair).exists()
    pair.refresh_from_db()
    assert pair.status == DuplicatePair.Status.DISTINCT


def test_merging_locks_the_pair_row_and_updates_the_callers_copy(personas, tmp_path):
    pair = _pair(personas.bandung, personas.admin, tmp_path)
    with CaptureQueriesContext(connection) as queries:
        pair_merge(pair=pair, survivor_id=pair.person_a_id, acting_user=personas.admin)
    assert pair.status == DuplicatePair.Status.MERGED and pair.decided_by == personas.admin
    assert DuplicatePair.objects.get(pk=pair.pk).status == DuplicatePair.Status.MERGED
    if connection.features.has_select_for_update:
        assert any("FOR UPDATE" in q["sql"] for q in queries.captured_queries)


@pytest.mark.skipif(
    not connection.features.has_select_for_update, reason="row locks need PostgreSQL"
)
def test_two_concurrent_decisions_of_one_pair_one_wins(live_personas, tmp_path):
    """Reviewer A holds the pair's lock while deciding; B's merge waits for it, then refuses."""
    pair = _pair(live_personas.bandung, live_personas.admin, tmp_path)
    locked, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def reviewer_a() -> None:
        try:
            with transaction.atomic():
                row = DuplicatePair.objects.select_for_update().get(pk=pair.pk)
                locked.set()
                release.wait(timeout=10)
                row.status = DuplicatePair.Status.DISTINCT
                row.save(update_fields=["status"])
        finally:
            connection.close()

    def reviewer_b() -> None:
        try:
            copy = DuplicatePair.objects.get(pk=pair.pk)  # read "open" before A commits
            outcome["read"] = copy.status
            release.set()
            with override("en"):
                pair_merge(pair=copy, survivor_id=copy.person_a_id, acting_user=None)
            outcome["b"] = "merged"
        except ValidationError as exc:
            outcome["b"] = exc.messages[0]
        finally:
            connection.close()

    a = threading.Thread(target=reviewer_a)
    a.start()
    assert locked.wait(timeout=10)
    b = threading.Thread(target=reviewer_b)
    b.start()
    a.join(timeout=30)
    b.join(timeout=30)
    assert outcome["read"] == DuplicatePair.Status.OPEN
    assert outcome["b"] == "This pair has already been decided."
    assert DuplicatePair.objects.get(pk=pair.pk).status == DuplicatePair.Status.DISTINCT
    assert not PersonMerge.objects.filter(pair_id=pair.pk).exists()
