"""Small-cell protection of published counts: primary and complementary suppression.

Plain Python, no Django. A published table is a set of count *cells* tied by additive
*groups*: a total equals the sum of its members (the target families of a kecamatan are
the sum over its desa; a desa's target families are those reached plus those not reached).
Hiding a small count is not enough when the others of its group and the total are shown:
the hidden one is their difference. So:

1. **Primary suppression**: every count of 1 … k−1 is hidden (0 is shown: it names nobody).
2. **Complementary suppression**: while some group has exactly one hidden cell, one more
   of its cells is hidden — the cheapest by ``cost`` (by default the smallest positive
   count; a member before the total). A hidden total with all members shown is its sum,
   so a total hidden alone also gets a member hidden.

Cells that are published implicitly (a difference a reader can compute, such as the
non-target families = all families − target families) belong in the groups as well, so
a small difference is protected like a shown count.

The result is a set of cell keys to hide; callers render them as "<k" and hide any
percentage computed from them. Groups are checked to a fixed point, so a cell hidden to
protect one group is protected in every other group it belongs to.

>>> values = {"a": 3, "b": 40, "c": 57, "total": 100}
>>> sorted(suppress(values, 5, [("total", ["a", "b", "c"])]))
['a', 'b']
>>> sorted(suppress({"a": 0, "b": 40, "total": 40}, 5, [("total", ["a", "b"])]))
[]
"""

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence

type Key = Hashable
#: (total key or None, member keys): total = Σ members. Without a total, the group only
#: says that its members add up to something published elsewhere (nothing to recover).
type Group = tuple[Key | None, Sequence[Key]]

#: Default k when a region sets none (counts of 1–4 are hidden).
DEFAULT_K = 5


def primary(values: Mapping[Key, int | None], k: int) -> set[Key]:
    """Cells with a count of 1 … k−1.

    >>> sorted(primary({"a": 0, "b": 1, "c": 4, "d": 5, "e": None}, 5))
    ['b', 'c']
    """
    return {key for key, value in values.items() if value is not None and 0 < value < k}


def suppress(values: Mapping[Key, int | None], k: int, groups: Iterable[Group], *,
             cost: Callable[[Key, int], tuple] | None = None) -> set[Key]:
    """Keys to hide so that no count of 1 … k−1 is shown or can be computed from the
    groups (see the module).

    ``cost(key, value)`` orders the candidates for complementary suppression (lowest
    first); by default a member before the total, then the smallest count. ``None``
    values are unknown cells: never shown, never chosen.

    >>> values = {"r1": 2, "r2": 30, "u1": 10, "u2": 20, "t1": 12, "t2": 50,
    ...           "R": 32, "U": 30, "T": 62}
    >>> groups = [("t1", ["r1", "u1"]), ("t2", ["r2", "u2"]),
    ...           ("R", ["r1", "r2"]), ("U", ["u1", "u2"]), ("T", ["t1", "t2"])]
    >>> sorted(suppress(values, 5, groups))
    ['r1', 'r2', 'u1', 'u2']
    """
    if k <= 1:
        return set()
    groups = [(total, list(members)) for total, members in groups]
    hidden = primary(values, k) | {key for key, value in values.items() if value is None}
    unknown = {key for key, value in values.items() if value is None}

    def order(key: Key, is_total: bool) -> tuple:
        value = values[key] or 0
        base = cost(key, value) if cost is not None else ()
        return (*base, is_total, value, str(key))

    changed = True
    while changed:
        changed = False
        for total, members in groups:
            cells = [*members, *([total] if total is not None else [])]
            if any(c not in values for c in cells):
                raise KeyError(f"group {total!r}: a cell has no value")
            if total is None:
                continue
            hidden_here = [c for c in cells if c in hidden]
            if len(hidden_here) != 1 or hidden_here[0] in unknown:
                continue
            candidates = [(order(c, c == total), c) for c in cells
                          if c not in hidden and (values[c] or 0) > 0]
            if not candidates:
                # Every other cell is 0: the hidden one equals the total (or the total
                # is the sum of zeros) — hide the total or a zero member instead.
                candidates = [(order(c, c == total), c) for c in cells if c not in hidden]
            if candidates:
                hidden.add(min(candidates)[1])
                changed = True
    return hidden - unknown
