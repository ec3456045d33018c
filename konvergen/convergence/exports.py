"""Set-wise exports of the latest classified families and of the interventions, as Arrow
tables (written to CSV by the commands): what an independent recomputation needs."""

import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection

from konvergen.convergence.services import latest_snapshot, record_snapshot_column
from konvergen.core.bulk import fetch_arrow
from konvergen.programs.models import GroupMember, Intervention, Programme
from konvergen.regions.filters import within_q
from konvergen.registry.models import Dataset, Family, FamilyRecord, Person
from konvergen.welfare.engine import STATUS_KEYS
from konvergen.welfare.models import FamilyWelfare, WelfareRun

FAMILY_COLUMNS = ["family_id", "desa_code", "desil", "status"]
INTERVENTION_COLUMNS = [
    "programme_code", "family_id", "person_id", "period", "status", "value", "programme_needs",
    "group_id",
]


def _datasets(region_code: str | None):
    datasets = Dataset.objects.all()
    if region_code:
        datasets = datasets.filter(within_q(region_code, "region__code"))
    return datasets.order_by("pk")


def families_table(region_code: str | None = None) -> pa.Table:
    """One row per family of each dataset's latest classified snapshot (on the latest one:
    every current family of the register across sources, with its current desil), with a 0/1
    column per need indicator (the union of the snapshots' indicator codes)."""
    parts = []
    codes: list[str] = []
    for dataset in _datasets(region_code):
        snapshot = latest_snapshot(dataset)
        if snapshot is None:
            continue
        run_codes = [i["code"] for i in WelfareRun.objects.get(snapshot=snapshot).indicators]
        codes.extend(c for c in run_codes if c not in codes)
        fw, fr, fm = (
            FamilyWelfare._meta.db_table, FamilyRecord._meta.db_table, Family._meta.db_table
        )
        rows = fetch_arrow(
            connection,
            f"SELECT f.source_id AS family_id, w.region_code AS desa_code, r.desil, w.status, "
            f"w.needs FROM {fw} w JOIN {fm} f ON f.id = w.family_id JOIN {fr} r"
            f" ON r.snapshot_id = {record_snapshot_column(snapshot)} AND r.family_id = w.family_id "
            f"WHERE w.snapshot_id = %s ORDER BY f.source_id",
            [snapshot.pk],
        )
        if region_code and rows.num_rows:
            rows = rows.filter(pc.starts_with(rows.column("desa_code"), region_code))
        parts.append((rows, run_codes))
    out = []
    for rows, run_codes in parts:
        needs = rows.column("needs").cast(pa.int64())
        status = rows.column("status").cast(pa.int64()).to_pylist()
        columns = {
            "family_id": rows.column("family_id").cast(pa.string()),
            "desa_code": rows.column("desa_code").cast(pa.string()),
            "desil": rows.column("desil").cast(pa.int64()),
            "status": pa.array([STATUS_KEYS[s] for s in status], pa.string()),
        }
        for code in codes:
            if code in run_codes:
                bit = 1 << run_codes.index(code)
                flag = pc.not_equal(pc.bit_wise_and(needs, pa.scalar(bit, pa.int64())), 0)
                columns[f"need_{code}"] = flag.cast(pa.int8())
            else:
                columns[f"need_{code}"] = pa.nulls(rows.num_rows, pa.int8())
        out.append(pa.table(columns))
    if not out:
        return pa.table({c: pa.array([], pa.string()) for c in FAMILY_COLUMNS})
    return pa.concat_tables(out)


def interventions_table(region_code: str | None = None) -> pa.Table:
    """One row per intervention on a family; an intervention to a group gives one row per
    family with a member whose membership covers the intervention's year (``group_id`` set,
    ``value`` its equal share)."""
    it, pt, ft, pe, gm = (
        Intervention._meta.db_table,
        Programme._meta.db_table,
        Family._meta.db_table,
        Person._meta.db_table,
        GroupMember._meta.db_table,
    )
    where, params = "", []
    if region_code:
        where = "WHERE f.region_code = %s OR f.region_code LIKE %s"
        params = [region_code, region_code + ".%"]
    rows = fetch_arrow(
        connection,
        f"SELECT * FROM ("
        f"SELECT p.code AS programme_code, f.source_id AS family_id, "
        f"CASE WHEN p.target_unit = 'person' THEN pe.source_id ELSE '' END AS person_id, "
        f"i.year AS period, i.status, i.value, p.needs AS programme_needs, "
        f"NULL AS group_id, i.id AS intervention_id "
        f"FROM {it} i JOIN {pt} p ON p.id = i.programme_id JOIN {ft} f ON f.id = i.family_id "
        f"LEFT JOIN {pe} pe ON pe.id = i.person_id {where} "
        f"UNION ALL "
        f"SELECT p.code, f.source_id, '', i.year, i.status, i.value, p.needs, i.group_id, i.id "
        f"FROM {it} i JOIN {pt} p ON p.id = i.programme_id "
        f"JOIN (SELECT DISTINCT gi.id AS intervention_id, pe.family_id FROM {it} gi "
        f"JOIN {gm} m ON m.group_id = gi.group_id AND m.joined_year <= gi.year "
        f"AND (m.left_year IS NULL OR m.left_year >= gi.year) "
        f"JOIN {pe} pe ON pe.id = m.person_id WHERE gi.family_id IS NULL) mf "
        f"ON mf.intervention_id = i.id "
        f"JOIN {ft} f ON f.id = mf.family_id WHERE i.family_id IS NULL "
        f"{where.replace('WHERE', 'AND (') + ')' if where else ''}"
        f") x ORDER BY programme_code, family_id, intervention_id",
        params * 2,
    )
    if rows.num_rows == 0:
        return pa.table({c: pa.array([], pa.string()) for c in INTERVENTION_COLUMNS})
    import json

    needs = [
        ";".join(json.loads(n) if isinstance(n, str) else (n or []))
        for n in rows.column("programme_needs").to_pylist()
    ]
    # A group intervention's value is shared equally among its member families.
    ids = rows.column("intervention_id").cast(pa.int64())
    counts = pa.table({"intervention_id": ids}).group_by("intervention_id").aggregate(
        [("intervention_id", "count")]
    )
    per = dict(zip(counts.column("intervention_id").to_pylist(),
                   counts.column("intervention_id_count").to_pylist(), strict=True))
    values = [
        round(float(v or 0) / per[i]) for v, i in zip(
            rows.column("value").to_pylist(), ids.to_pylist(), strict=True)
    ]
    group = ["" if g is None else str(g) for g in rows.column("group_id").to_pylist()]
    return pa.table({
        "programme_code": rows.column("programme_code").cast(pa.string()),
        "family_id": rows.column("family_id").cast(pa.string()),
        "person_id": rows.column("person_id").cast(pa.string()),
        "period": rows.column("period").cast(pa.int64()),
        "status": rows.column("status").cast(pa.string()),
        "value": pa.array(values, pa.int64()),
        "programme_needs": pa.array(needs, pa.string()),
        "group_id": pa.array(group, pa.string()),
    })
