"""Work other apps run after a register snapshot has committed (e.g. welfare recompute).

Apps register a callable in their ``AppConfig.ready``; ``register_import`` calls each one with
the new snapshot and the acting user, after its transaction, so a failure there never undoes
the import.
"""

from collections.abc import Callable

AfterImport = Callable[..., None]

_AFTER_IMPORT: list[AfterImport] = []


def register_after_import(func: AfterImport) -> None:
    if func not in _AFTER_IMPORT:
        _AFTER_IMPORT.append(func)


def run_after_import(*, snapshot, acting_user=None) -> None:
    for func in list(_AFTER_IMPORT):
        func(snapshot=snapshot, acting_user=acting_user)
