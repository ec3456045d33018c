"""The home page's "what needs me now": each app registers a panel, a function of the user
returning the items it has for them (work waiting, things returned, headline figures).

``core`` imports no other app: the apps register their panels here from their
``AppConfig.ready`` (``register``), in a declared order. The panels are those of the page
``home`` of the page-panel registry (``core.panels``): a panel that fails does not take
the page down: the failure is logged and the page says which panel could not be shown.
"""

from collections.abc import Callable
from dataclasses import dataclass

from konvergen.core import panels

#: Item tones: work waiting for the user, something that went wrong, a headline figure.
TODO, ALERT, FIGURE = "todo", "alert", "figure"


@dataclass(frozen=True)
class Item:
    label: str
    url: str
    count: int | None = None
    tone: str = TODO
    detail: str = ""


type Panel = Callable[[object], list[Item]]
#: The home page's panels by name (the page-panel registry's own dict).
_PANELS = panels.registry(panels.HOME)


def register(name: str, panel: Panel, *, order: int = 50) -> None:
    """Add (or replace) the panel ``name``; panels are shown by ``order``, then name."""
    panels.register(panels.HOME, name, panel, order=order)


def items_for(user) -> tuple[list[Item], list[str]]:
    """Every registered panel's items for ``user`` (todo items with a count of 0 left
    out), and the names of the panels that failed."""
    items: list[Item] = []
    done, failed = panels.run(panels.HOME, user)
    for _name, _entry, found in done:
        items += [i for i in found if not (i.tone == TODO and not i.count)]
    return items, failed
