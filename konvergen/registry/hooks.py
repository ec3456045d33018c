"""Work other apps run after a register snapshot has committed (e.g. welfare recompute).

Apps register a callable in their ``AppConfig.ready`` with an ``order``; ``register_import``
calls them from the lowest order up with the new snapshot and the acting user, after its
transaction, so a failure there never undoes the import. The orders in use:

* 100 — local decisions (village verification) are applied on top of the new snapshot;
* 200 — welfare figures are recomputed on the register as the decisions left it;
* 300 — the convergence picture is refreshed from the new welfare figures;
* 400 — indicators computed from the register (targets app) are refreshed.
"""

from collections.abc import Callable

AfterImport = Callable[..., None]

#: Orders of the apps that register a hook (lower runs first).
LOCAL_DECISIONS, WELFARE, CONVERGENCE, INDICATORS = 100, 200, 300, 400

_AFTER_IMPORT: list[tuple[int, AfterImport]] = []


def register_after_import(func: AfterImport, *, order: int) -> None:
    if all(f is not func for _, f in _AFTER_IMPORT):
        _AFTER_IMPORT.append((order, func))
        _AFTER_IMPORT.sort(key=lambda item: item[0])


def run_after_import(*, snapshot, acting_user=None) -> None:
    for _, func in list(_AFTER_IMPORT):
        func(snapshot=snapshot, acting_user=acting_user)
