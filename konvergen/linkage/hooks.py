"""Work other apps run after the rows of a list changed (a review decision, an undo, the
list linked again) — e.g. programmes that take their beneficiaries from the list.

Apps register a callable in their ``AppConfig.ready``; linkage calls each with the list id,
the acting user and the trigger after the change's own transaction, so a failure there
never undoes a reviewer's decision (it is logged; syncing the list by hand repeats it).
"""

import logging
from collections.abc import Callable

from django.db import transaction

log = logging.getLogger(__name__)

RowsChanged = Callable[..., object]

_ROWS_CHANGED: list[RowsChanged] = []


def register_rows_changed(func: RowsChanged) -> None:
    if func not in _ROWS_CHANGED:
        _ROWS_CHANGED.append(func)


def rows_changed(*, list_id: int, acting_user, trigger: str) -> None:
    """Run the hooks; callers call it after their own transaction. Each hook runs in a
    savepoint of its own, so a failing one is rolled back alone and logged."""
    for func in list(_ROWS_CHANGED):
        try:
            with transaction.atomic():
                func(list_id=list_id, acting_user=acting_user, trigger=trigger)
        except Exception:
            log.exception("rows-changed hook %s for list %s failed", func.__name__, list_id)
