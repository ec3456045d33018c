"""Writing a prepared snapshot into the register tables, set-wise.

Identities are resolved in DuckDB against the stored ids, so every table is loaded with one
bulk transfer (PostgreSQL ``COPY``, SQLite ``executemany``) and existing identities are
refreshed with one ``UPDATE … FROM`` (PostgreSQL and SQLite ≥ 3.33).
"""

import logging
import time

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection

from konvergen.core import bulk
from konvergen.registry.models import (
    Family,
    FamilyAlias,
    FamilyRecord,
    ImportIssue,
    Person,
    PersonAlias,
    PersonRecord,
    Snapshot,
)

log = logging.getLogger(__name__)


#: Family columns kept on the identity row as "current" values.
FAMILY_CURRENT = ["region_code", "kk_number", "head_name", "head_nik", "address", "desil"]
PERSON_CURRENT = ["nik", "name", "sex", "birth_date", "relation"]


def _text_columns(model, names) -> set[str]:
    """Columns of ``model`` that are NOT NULL text (the Arrow NULLs become '')."""
    fields = {f.column: f for f in model._meta.concrete_fields}
    return {
        n
        for n in names
        if n in fields and fields[n].get_internal_type() == "CharField" and not fields[n].null
    }


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _execute(sql: str, params=()) -> int:
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        count = cursor.rowcount
    log.debug("%.2fs %s rows: %s", time.perf_counter() - start, count, " ".join(sql.split())[:90])
    return count


def write_snapshot(*, snapshot, families: pa.Table, members: pa.Table) -> dict:
    """Store one snapshot's accepted families and members; return row counts.

    Identities are matched on the source's IDs (the ID a family was first seen under, or an
    alias) with Arrow hash lookups; the rest, when the register holds families of other
    sources, through :mod:`konvergen.registry.identity` (No KK, members' NIK or name and
    birth date), which records the new IDs as aliases. New identities get ids reserved from
    the table's sequence, so families, persons and both record tables are loaded straight
    into their final tables (``COPY`` / ``executemany``). A known identity takes this
    snapshot's values through one ``UPDATE … FROM`` when this snapshot is its best source by
    the dataset's authority order (newest first within a source). Rows keep the files'
    order (validation sorts by row number).
    """
    dataset_id, snapshot_id, source = snapshot.dataset_id, snapshot.pk, snapshot.source
    view = _SnapshotView(snapshot)
    # Every accepted member's family is accepted (validation rejects orphans); the filter
    # only guards that invariant.
    position = pc.index_in(members.column("family_id"), value_set=families.column("family_id"))
    if position.null_count:
        members = members.filter(pc.is_valid(position))
        position = position.drop_null()
    family_key = _source_keys(Family, FamilyAlias, "family_id", dataset_id, source)
    person_key = _source_keys(Person, PersonAlias, "person_id", dataset_id, source)
    family_known = _lookup(families.column("family_id"), family_key)
    person_known = _lookup(members.column("person_id"), person_key)
    others = _other_identities(dataset_id, family_key, person_key)
    family_aliases = person_aliases = None
    if others is not None and (family_known.null_count or person_known.null_count):
        family_known, family_aliases = _match_families(
            families, members, position, family_known, others)
        person_known, person_aliases = _match_persons(
            members, family_known.take(position), person_known, others)
    family_pk, family_new = _ids_for(Family, family_known)
    person_pk, person_new = _ids_for(Person, person_known)
    member_family = family_pk.take(position)
    # Whether this snapshot supplies each known family's current values (members follow
    # their family).
    takes = view.takes(family_pk, family_new)
    member_takes = takes.take(position)

    current = {"last_snapshot_id": snapshot_id, "is_current": True, "dataset_id": dataset_id}
    family_rows = _with_constants(
        families.select(["family_id", *FAMILY_CURRENT]).rename_columns(
            ["source_id", *FAMILY_CURRENT]).add_column(0, "id", family_pk), current)
    _store_identities(Family, family_rows, family_new, takes, source)
    person_rows = _with_constants(
        members.select(["person_id", *PERSON_CURRENT]).rename_columns(
            ["source_id", *PERSON_CURRENT]).add_column(0, "id", person_pk)
        .append_column("family_id", member_family)
        .append_column("region_code", families.column("region_code").take(position)),
        current)
    _store_identities(Person, person_rows, person_new, member_takes, source)
    for model, aliases in ((FamilyAlias, family_aliases), (PersonAlias, person_aliases)):
        if aliases is not None and aliases.num_rows:
            _load(model, _with_constants(
                aliases.append_column("source", pa.repeat(pa.scalar(source), aliases.num_rows)),
                {"dataset_id": dataset_id, "snapshot_id": snapshot_id}))

    record_cols = [c for c in families.column_names if c != "family_id"]
    records = _with_constants(
        families.select(record_cols).add_column(0, "family_id", family_pk),
        {"snapshot_id": snapshot_id})
    _load(FamilyRecord, _with_new_ids(FamilyRecord, records))
    person_cols = [c for c in members.column_names
                   if c not in ("person_id", "family_id", "nik_sex", "nik_birth_date")]
    records = _with_constants(
        members.select(person_cols).add_column(0, "person_id", person_pk)
        .add_column(1, "family_id", member_family),
        {"snapshot_id": snapshot_id})
    _load(PersonRecord, _with_new_ids(PersonRecord, records))
    if family_key.num_rows or others is not None:  # identities were stored before
        view.retire_absent()
    linked = {
        "families_linked": int(family_aliases.num_rows) if family_aliases is not None else 0,
        "persons_linked": int(person_aliases.num_rows) if person_aliases is not None else 0,
    }
    return {"family_records": families.num_rows, "person_records": members.num_rows, **linked}


class _SnapshotView:
    """The dataset's snapshots as this import sees them: the latest of each source (this
    one for its own) and the authority order that ranks them."""

    def __init__(self, snapshot):
        self.snapshot = snapshot
        rows = list(Snapshot.objects.filter(dataset_id=snapshot.dataset_id)
                    .order_by("snapshot_date", "id").values_list("id", "source"))
        self.source_of = dict(rows)
        latest: dict[str, int] = {}
        for pk, src in rows:
            latest[src] = pk
        latest[snapshot.source] = snapshot.pk
        self.latest = latest
        order = snapshot.dataset.authority_order
        self.rank = {src: order.index(src) if src in order else len(order)
                     for src in set(self.source_of.values()) | {snapshot.source}}

    def snapshot_ranks(self, snapshot_ids) -> pa.Array:
        """The authority rank (0 = best) of the source of each snapshot id."""
        snap_ids = pa.array(list(self.source_of), pa.int64())
        ranks = pa.array([self.rank[self.source_of[i]] for i in self.source_of], pa.int64())
        return ranks.take(pc.index_in(snapshot_ids, value_set=snap_ids))

    @property
    def multi_source(self) -> bool:
        return len(self.latest) > 1

    def takes(self, family_pk: pa.Array, is_new: pa.Array) -> pa.Array:
        """True where this snapshot supplies the family's current values: a new family, or
        one whose values come from a source ranked no better, or from a snapshot that is no
        longer its source's latest."""
        if not self.multi_source or pc.all(is_new).as_py() is not False:
            return bulk.constant_column(True, len(family_pk))
        stored = bulk.fetch_arrow(
            connection,
            f"SELECT id, last_snapshot_id FROM {Family._meta.db_table} WHERE dataset_id = %s",
            [self.snapshot.dataset_id])
        last = stored.column("last_snapshot_id").cast(pa.int64()).take(
            pc.index_in(family_pk, value_set=stored.column("id").cast(pa.int64())))
        mine = self.rank[self.snapshot.source]
        latest_ids = pa.array(list(self.latest.values()), pa.int64())
        last_rank = self.snapshot_ranks(last)
        better_or_same = pc.less_equal(pa.scalar(mine, pa.int64()), last_rank.fill_null(10**6))
        stale = pc.invert(pc.is_in(last, value_set=latest_ids))
        takes = pc.or_(pc.or_(is_new, pc.fill_null(better_or_same, True)),
                       pc.fill_null(stale, True))
        return takes

    def retire_absent(self) -> None:
        """Identities no source's latest snapshot holds are no longer current; current ones
        whose values came from a snapshot no longer latest take the best latest record."""
        dataset_id, snapshot_id = self.snapshot.dataset_id, self.snapshot.pk
        if not self.multi_source:
            for model in (Family, Person):
                _execute(
                    f"UPDATE {model._meta.db_table} SET is_current = %s WHERE dataset_id = %s"
                    " AND last_snapshot_id <> %s AND is_current = %s",
                    [False, dataset_id, snapshot_id, True])
            return
        latest = sorted(self.latest.values())
        marks = ", ".join(["%s"] * len(latest))
        for model, record, key in ((Family, FamilyRecord, "family_id"),
                                   (Person, PersonRecord, "person_id")):
            table = model._meta.db_table
            # Those whose current record is this snapshot's are held by it: only the others
            # need the look across the latest snapshots.
            _execute(
                f"UPDATE {table} SET is_current = %s WHERE dataset_id = %s AND is_current = %s"
                f" AND last_snapshot_id <> %s AND NOT EXISTS (SELECT 1 FROM"
                f" {record._meta.db_table} r WHERE r.{key} = {table}.id"
                f" AND r.snapshot_id IN ({marks}))",
                [False, dataset_id, True, snapshot_id, *latest])
        self.choose_best(latest)

    def choose_best(self, latest: list[int], *, everyone: bool = False) -> None:
        """Current families whose values came from a snapshot that is no longer its source's
        latest (the source dropped them) — or, with ``everyone``, all current families —
        take their best record among the latest snapshots."""
        marks = ", ".join(["%s"] * len(latest))
        family, person = Family._meta.db_table, Person._meta.db_table
        stale = "" if everyone else f" AND f.last_snapshot_id NOT IN ({marks})"
        candidates = bulk.fetch_typed(
            connection,
            f"{family} f JOIN {FamilyRecord._meta.db_table} r ON r.family_id = f.id"
            f" WHERE f.dataset_id = %s AND f.is_current = %s{stale} AND r.snapshot_id IN"
            f" ({marks})",
            [self.snapshot.dataset_id, True, *([] if everyone else latest), *latest],
            {"family_id": pa.int64(), "snapshot_id": pa.int64()}, prefix="r.")
        if candidates.num_rows == 0:
            return
        rank = self.snapshot_ranks(candidates.column("snapshot_id"))
        best = (candidates.append_column("rank", rank)
                .sort_by([("family_id", "ascending"), ("rank", "ascending")]))
        first = pc.not_equal(best.column("family_id").to_numpy(),
                             np.roll(best.column("family_id").to_numpy(), 1))
        first = np.asarray(first)
        first[0] = True
        chosen = best.filter(pa.array(first)).select(["family_id", "snapshot_id"])
        chosen = pa.table({"family_id": chosen.column("family_id").cast(pa.int64()),
                           "snapshot_id": chosen.column("snapshot_id").cast(pa.int64())})
        tmp = "tmp_registry_authority"
        bulk.create_temp_table(connection, tmp, chosen.schema)
        bulk.insert_table(connection, tmp, chosen)
        set_family = ", ".join(f"{_q(c)} = r.{_q(c)}" for c in FAMILY_CURRENT)
        _execute(
            f"UPDATE {family} SET {set_family}, last_snapshot_id = r.snapshot_id"
            f" FROM {FamilyRecord._meta.db_table} r JOIN {tmp} t"
            f" ON r.family_id = t.family_id AND r.snapshot_id = t.snapshot_id"
            f" WHERE {family}.id = r.family_id")
        set_person = ", ".join(f"{_q(c)} = r.{_q(c)}" for c in PERSON_CURRENT)
        _execute(
            f"UPDATE {person} SET {set_person}, family_id = r.family_id,"
            f" last_snapshot_id = r.snapshot_id"
            f" FROM {PersonRecord._meta.db_table} r JOIN {tmp} t"
            f" ON r.family_id = t.family_id AND r.snapshot_id = t.snapshot_id"
            f" WHERE {person}.id = r.person_id")
        _execute(f"DROP TABLE {tmp}")


def reapply_authority(dataset) -> None:
    """After the dataset's authority order changed: every current family takes its values
    from its best record among the sources' latest snapshots (its members follow)."""
    last = Snapshot.objects.filter(dataset_id=dataset.pk).order_by("snapshot_date", "id").last()
    if last is None:
        return
    view = _SnapshotView(last)
    view.choose_best(sorted(view.latest.values()), everyone=True)


def _source_keys(model, alias, key: str, dataset_id: int, source: str) -> pa.Table:
    """``source_id`` → ``id`` of every identity holding an ID of ``source``."""
    table, aliases = model._meta.db_table, alias._meta.db_table
    target = "family_id" if key == "family_id" else "person_id"
    return bulk.fetch_arrow(
        connection,
        f"SELECT source_id, id FROM {table} WHERE dataset_id = %s AND source = %s"
        f" UNION ALL SELECT source_id, {target} FROM {aliases}"
        f" WHERE dataset_id = %s AND source = %s",
        [dataset_id, source, dataset_id, source])


def _lookup(source_ids: pa.ChunkedArray, keys: pa.Table) -> pa.Array:
    """The stored id of each source ID (null where unknown)."""
    if keys.num_rows == 0:
        return pa.nulls(len(source_ids), pa.int64())
    position = pc.index_in(source_ids.cast(pa.string()),
                           value_set=keys.column("source_id").cast(pa.string()))
    if isinstance(position, pa.ChunkedArray):
        position = position.combine_chunks()
    return keys.column("id").cast(pa.int64()).combine_chunks().take(position)


def _other_identities(dataset_id: int, family_key: pa.Table, person_key: pa.Table):
    """The register's families and persons that hold no ID of the incoming source (the
    candidates for cross-source matching), or None when there are none."""
    family, person = Family._meta.db_table, Person._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {family} WHERE dataset_id = %s", [dataset_id])
        total = cursor.fetchone()[0]
    if total <= family_key.num_rows:
        return None
    families = bulk.fetch_typed(
        connection, f"{family} WHERE dataset_id = %s", [dataset_id],
        {"id": pa.int64(), "kk_number": pa.string()})
    persons = bulk.fetch_typed(
        connection, f"{person} WHERE dataset_id = %s", [dataset_id],
        {"id": pa.int64(), "family_id": pa.int64(), "nik": pa.string(), "name": pa.string(),
         "birth_date": pa.date32(), "region_code": pa.string()})
    held_f = family_key.column("id").cast(pa.int64())
    held_p = person_key.column("id").cast(pa.int64())
    families = families.filter(pc.invert(pc.is_in(families.column("id"), value_set=held_f)))
    persons = persons.filter(pc.invert(pc.is_in(persons.column("id"), value_set=held_p)))
    return families, persons


def _match_families(families, members, position, known, others):
    """Fill unknown families from cross-source matches; return the ids and the alias rows."""
    from konvergen.registry import identity

    register_families, register_persons = others
    unknown = pc.is_null(known)
    pos = pa.array(np.arange(families.num_rows, dtype=np.int64))
    new_families = pa.table({"pos": pos, "kk_number": families.column("kk_number")}).filter(unknown)
    member_unknown = unknown.take(position)
    new_members = pa.table({
        "pos": position.cast(pa.int64()),
        "nik": members.column("nik"),
        "name": members.column("name"),
        "birth_date": members.column("birth_date"),
        "region_code": families.column("region_code").take(position),
    }).filter(member_unknown)
    candidates_p = register_persons.filter(pc.is_in(
        register_persons.column("family_id"), value_set=register_families.column("id")))
    matched = identity.match_families(
        new_families=new_families, new_members=new_members,
        register_families=register_families, register_persons=candidates_p)
    ids = known.to_numpy(zero_copy_only=False).astype("float64")
    ids[matched.column("pos").to_numpy()] = matched.column("family_id").to_numpy()
    filled = pa.array(ids, pa.float64(), from_pandas=True).cast(pa.int64())
    aliases = pa.table({
        "source_id": families.column("family_id").take(matched.column("pos")).cast(pa.string()),
        "family_id": matched.column("family_id"),
        "method": matched.column("method"),
    })
    return filled, aliases


def _match_persons(members, member_family, known, others):
    """Fill unknown persons from cross-source matches; return the ids and the alias rows."""
    from konvergen.registry import identity

    _, register_persons = others
    unknown = pc.is_null(known)
    pos = pa.array(np.arange(members.num_rows, dtype=np.int64))
    new_persons = pa.table({
        "pos": pos, "family_id": member_family.cast(pa.int64()),
        "nik": members.column("nik"), "name": members.column("name"),
        "birth_date": members.column("birth_date"),
    }).filter(unknown)
    matched = identity.match_persons(
        new_persons=new_persons,
        register_persons=register_persons.select(["id", "family_id", "nik", "name",
                                                  "birth_date"]))
    ids = known.to_numpy(zero_copy_only=False).astype("float64")
    ids[matched.column("pos").to_numpy()] = matched.column("person_id").to_numpy()
    filled = pa.array(ids, pa.float64(), from_pandas=True).cast(pa.int64())
    aliases = pa.table({
        "source_id": members.column("person_id").take(matched.column("pos")).cast(pa.string()),
        "person_id": matched.column("person_id"),
        "method": matched.column("method"),
    })
    return filled, aliases


def _ids_for(model, known: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Known ids as they are, fresh ids (reserved from the sequence, in order) for the rest;
    and which ones are new."""
    n = len(known)
    if known.null_count == n:
        return _new_ids(model._meta.db_table, n), bulk.constant_column(True, n)
    is_new = known.is_null().to_numpy(zero_copy_only=False)
    base = _reserve_ids(model._meta.db_table, int(is_new.sum()))
    ids = np.where(is_new, base + np.cumsum(is_new),
                   known.fill_null(0).to_numpy(zero_copy_only=False))
    return pa.array(ids.astype(np.int64)), pa.array(is_new)


def _reserve_ids(table: str, n: int) -> int:
    """Reserve ``n`` ids; return the one before the first. The import's transaction holds
    the table lock, so no other writer takes ids in between."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
            base = cursor.fetchone()[0]
            if n:
                cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                               [table, base + n])
        else:  # SQLite: the IMMEDIATE transaction already excludes other writers
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
            base = cursor.fetchone()[0]
    return int(base)


def _new_ids(table: str, n: int) -> pa.Array:
    """``n`` consecutive ids reserved from the table's sequence."""
    base = _reserve_ids(table, n)
    return pa.array(np.arange(base + 1, base + n + 1, dtype=np.int64))


def _with_new_ids(model, table: pa.Table) -> pa.Table:
    """Prepend ids reserved from the table's sequence: sent with the rows, they spare the
    database a sequence call per row (about 12 % of a record table's load)."""
    return table.add_column(0, "id", _new_ids(model._meta.db_table, table.num_rows))


def _with_constants(table: pa.Table, constants: dict) -> pa.Table:
    for name, value in constants.items():
        table = table.append_column(name, bulk.constant_column(value, table.num_rows))
    return table


def _load(model, table: pa.Table) -> None:
    start = time.perf_counter()
    name = model._meta.db_table
    with bulk.indexes_deferred(connection, name, table.num_rows) as deferred:
        bulk.insert_table(connection, name, table,
                          not_null_text=_text_columns(model, table.column_names))
        loaded = time.perf_counter()
    log.debug("%.2fs loaded %s rows into %s (+%.2fs index build%s)", loaded - start,
              table.num_rows, name, time.perf_counter() - loaded,
              "" if deferred else ", none deferred")


def _store_identities(model, rows: pa.Table, is_new: pa.Array, takes: pa.Array,
                      source: str) -> None:
    """Insert the new identities (under this source); give the known ones this snapshot's
    current values where it is their best source, and mark the others current."""
    all_new = pc.all(is_new).as_py() is not False
    new_rows = rows if all_new else rows.filter(is_new)
    _load(model, new_rows.append_column(
        "source", pa.repeat(pa.scalar(source), new_rows.num_rows)))
    if all_new:
        return
    known = rows.filter(pc.invert(is_new))
    known_takes = pc.filter(takes, pc.invert(is_new))
    table = model._meta.db_table
    taking = known.filter(known_takes)
    if taking.num_rows:
        tmp = f"tmp_{table}"
        bulk.create_temp_table(connection, tmp, taking.schema)
        bulk.insert_table(connection, tmp, taking)
        text = _text_columns(model, taking.column_names)
        columns = [c for c in taking.column_names if c not in ("id", "source_id", "dataset_id")]
        assignments = ", ".join(
            f"{_q(c)} = COALESCE(t.{_q(c)}, '')" if c in text else f"{_q(c)} = t.{_q(c)}"
            for c in columns)
        if connection.vendor == "postgresql":
            _execute(f"ANALYZE {tmp}")  # a hash join, not millions of index probes
            _execute("SET LOCAL work_mem = '256MB'")
        # A second source of the same families rewrites most rows: rebuild the indexes
        # after the update rather than insert every row's new version into each of them.
        with bulk.indexes_deferred(connection, table, taking.num_rows, min_share=0.5):
            _execute(f"UPDATE {table} SET {assignments} FROM {tmp} t WHERE {table}.id = t.id")
        _execute(f"DROP TABLE {tmp}")
    keeping = known.filter(pc.invert(known_takes)).select(["id"])
    if keeping.num_rows:
        tmp = f"tmp_{table}_seen"
        bulk.create_temp_table(connection, tmp, keeping.schema)
        bulk.insert_table(connection, tmp, keeping)
        _execute(f"UPDATE {table} SET is_current = %s WHERE id IN (SELECT id FROM {tmp})",
                 [True])
        _execute(f"DROP TABLE {tmp}")


def write_issues(*, snapshot, rejections: pa.Table, flags: pa.Table) -> None:
    """Store every rejected row and every flag of a snapshot (one bulk load)."""
    columns = ["file", "row_number", "column", "value", "reason", "message_id", "message_en",
               "record_id"]
    parts = [
        table.select(columns).append_column(
            "kind", pa.repeat(pa.scalar(kind.value, pa.string()), table.num_rows))
        for kind, table in ((ImportIssue.Kind.REJECTION, rejections),
                            (ImportIssue.Kind.FLAG, flags))
        if table.num_rows
    ]
    if not parts:
        return
    data = pa.concat_tables(parts)
    value = pc.utf8_slice_codeunits(data.column("value").cast(pa.string()), 0, 300)
    data = data.set_column(data.column_names.index("value"), "value", value)
    _load(ImportIssue, _with_constants(data, {"snapshot_id": snapshot.pk}))
