"""What changed between two snapshots of a dataset, computed in SQL over the record tables.

Kinds of change: families new / gone, families moved to another desa, desil up / down,
persons added / removed. Counts are stored with the snapshot; the lists behind each count
are queried on demand (``diff_rows``) for download.
"""

from django.db import connection

from konvergen.registry.models import Family, FamilyRecord, Person, PersonRecord

FR, PR = FamilyRecord._meta.db_table, PersonRecord._meta.db_table
F, P = Family._meta.db_table, Person._meta.db_table

#: kind -> (SQL selecting region_code and identity columns, which snapshot's desa counts)
_FAMILY_KINDS = {
    "families_new": (
        f"SELECT n.region_code, n.family_id FROM {FR} n WHERE n.snapshot_id = %(new)s"
        f" AND NOT EXISTS (SELECT 1 FROM {FR} o WHERE o.snapshot_id = %(old)s"
        f"  AND o.family_id = n.family_id)"
    ),
    "families_gone": (
        f"SELECT o.region_code, o.family_id FROM {FR} o WHERE o.snapshot_id = %(old)s"
        f" AND NOT EXISTS (SELECT 1 FROM {FR} n WHERE n.snapshot_id = %(new)s"
        f"  AND n.family_id = o.family_id)"
    ),
    "families_moved": (
        f"SELECT n.region_code, n.family_id FROM {FR} n JOIN {FR} o"
        f" ON o.snapshot_id = %(old)s AND o.family_id = n.family_id"
        f" WHERE n.snapshot_id = %(new)s AND n.region_code <> o.region_code"
    ),
    "desil_down": (  # poorer: a lower decile
        f"SELECT n.region_code, n.family_id FROM {FR} n JOIN {FR} o"
        f" ON o.snapshot_id = %(old)s AND o.family_id = n.family_id"
        f" WHERE n.snapshot_id = %(new)s AND n.desil < o.desil"
    ),
    "desil_up": (
        f"SELECT n.region_code, n.family_id FROM {FR} n JOIN {FR} o"
        f" ON o.snapshot_id = %(old)s AND o.family_id = n.family_id"
        f" WHERE n.snapshot_id = %(new)s AND n.desil > o.desil"
    ),
}
_PERSON_KINDS = {
    "persons_added": (
        f"SELECT f.region_code, n.person_id FROM {PR} n JOIN {FR} f"
        f" ON f.snapshot_id = n.snapshot_id AND f.family_id = n.family_id"
        f" WHERE n.snapshot_id = %(new)s AND NOT EXISTS (SELECT 1 FROM {PR} o"
        f"  WHERE o.snapshot_id = %(old)s AND o.person_id = n.person_id)"
    ),
    "persons_removed": (
        f"SELECT f.region_code, o.person_id FROM {PR} o JOIN {FR} f"
        f" ON f.snapshot_id = o.snapshot_id AND f.family_id = o.family_id"
        f" WHERE o.snapshot_id = %(old)s AND NOT EXISTS (SELECT 1 FROM {PR} n"
        f"  WHERE n.snapshot_id = %(new)s AND n.person_id = o.person_id)"
    ),
}
KINDS = {**_FAMILY_KINDS, **_PERSON_KINDS}


def snapshot_diff(*, old_id: int, new_id: int) -> dict:
    """``{"totals": {kind: n}, "by_desa": {desa_code: {kind: n}}}``."""
    totals: dict[str, int] = {}
    by_desa: dict[str, dict[str, int]] = {}
    params = {"old": old_id, "new": new_id}
    with connection.cursor() as cursor:
        for kind, sql in KINDS.items():
            cursor.execute(
                f"SELECT region_code, COUNT(*) FROM ({sql}) x GROUP BY region_code", params
            )
            rows = cursor.fetchall()
            totals[kind] = sum(n for _code, n in rows)
            for code, n in rows:
                by_desa.setdefault(code, {})[kind] = n
    return {"old_snapshot": old_id, "totals": totals, "by_desa": by_desa}


def diff_rows(*, kind: str, old_id: int, new_id: int, region_prefix: str = "") -> list[tuple]:
    """The families or persons behind one count, with what changed, for a download."""
    base = KINDS[kind]
    params: dict[str, int | str] = {"old": old_id, "new": new_id, "prefix": region_prefix + "%"}
    if kind in _FAMILY_KINDS:
        sql = (
            f"SELECT x.region_code, f.source_id, f.head_name, f.kk_number,"
            f" o.region_code, o.desil, n.desil FROM ({base}) x"
            f" JOIN {F} f ON f.id = x.family_id"
            f" LEFT JOIN {FR} o ON o.snapshot_id = %(old)s AND o.family_id = x.family_id"
            f" LEFT JOIN {FR} n ON n.snapshot_id = %(new)s AND n.family_id = x.family_id"
            f" WHERE x.region_code LIKE %(prefix)s ORDER BY x.region_code, f.source_id"
        )
    else:
        sql = (
            f"SELECT x.region_code, p.source_id, p.name, p.nik, fam.source_id"
            f" FROM ({base}) x JOIN {P} p ON p.id = x.person_id"
            f" JOIN {F} fam ON fam.id = p.family_id"
            f" WHERE x.region_code LIKE %(prefix)s ORDER BY x.region_code, p.source_id"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


DIFF_COLUMNS = {
    "family": [
        "desa",
        "family_id",
        "head_name",
        "kk_number",
        "previous_desa",
        "previous_desil",
        "desil",
    ],
    "person": ["desa", "person_id", "name", "nik", "family_id"],
}
