"""Two convergence refreshes of one region never interleave (a lease row per region, taken
and given back with conditional UPDATEs: the same on SQLite and PostgreSQL)."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from konvergen.convergence.models import RefreshLock
from konvergen.convergence.services import LOCK_LEASE, refresh_lock


def test_two_refreshes_of_one_region_run_one_after_the_other(live_personas):
    events: list[tuple[str, str]] = []
    started = threading.Barrier(2)

    def refresh(name: str) -> None:
        try:
            started.wait()
            with refresh_lock("32.04"):
                events.append(("in", name))
                time.sleep(0.6)
                events.append(("out", name))
        finally:
            connection.close()

    threads = [threading.Thread(target=refresh, args=(n,)) for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(events) == 4
    first, second = events[0][1], events[2][1]
    assert events == [("in", first), ("out", first), ("in", second), ("out", second)]
    assert RefreshLock.objects.get(pk="32.04").holder == ""


def test_another_regions_refresh_does_not_wait(live_personas):
    with refresh_lock("32.04"), refresh_lock("32.09", timeout=0) as other:
        assert not other.skip


def test_a_refresh_requested_before_a_finished_one_started_has_nothing_to_do(live_personas):
    before = timezone.now()
    with refresh_lock("32.04") as done:
        assert not done.skip
    assert refresh_lock("32.04", requested_at=before).__enter__().skip
    RefreshLock.objects.update(holder="")
    with refresh_lock("32.04") as later:
        assert not later.skip


def test_a_held_lock_makes_the_next_wait_and_a_dead_holders_lock_expires(live_personas):
    RefreshLock.objects.create(region_code="32.04", holder="other", acquired_at=timezone.now())
    with pytest.raises(TimeoutError), refresh_lock("32.04", timeout=0.3):
        pass
    RefreshLock.objects.filter(pk="32.04").update(
        acquired_at=timezone.now() - LOCK_LEASE - timedelta(seconds=1))
    with refresh_lock("32.04", timeout=0) as taken:
        assert RefreshLock.objects.get(pk="32.04").holder == taken.holder
    assert RefreshLock.objects.get(pk="32.04").holder == ""
