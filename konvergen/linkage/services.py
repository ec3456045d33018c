"""Writes of the linkage app: training a model version, linking an uploaded list, review
decisions and their undo, thresholds. Each write is one transaction with its audit row."""


from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from konvergen.audit.services import audit_record
from konvergen.core import hooks, jobs
from konvergen.core.bulk import create_temp_table, insert_table
from konvergen.linkage import register_source
from konvergen.linkage.engine import columns
from konvergen.linkage.engine.link import link_list
from konvergen.linkage.engine.model import (
    M_ESTIMATIONS,
    LinkageModel,
    match_weight_histogram,
    train_model,
)
from konvergen.linkage.models import (
    BeneficiaryList,
    LinkageModelVersion,
    ListRow,
    ReviewDecision,
    RowStatus,
    Thresholds,
)
from konvergen.registry.ingest.readers import IngestFileError, read_table
from konvergen.registry.models import Person

NO_SNAPSHOT = (
    "Register belum diimpor untuk wilayah ini. / "
    "No register snapshot has been imported for this region yet."
)
NO_USABLE_COLUMN = (
    "Tidak ada kolom yang dikenali (NIK, nama, tanggal lahir, …). / "
    "No recognised column (NIK, name, birth date, …)."
)


class ListLinkError(ValueError):
    pass


def _rows_changed(*, list_id: int, region_code: str, acting_user, trigger: str) -> None:
    """Run the work other apps do after the rows of a list changed (``hooks.ROWS_CHANGED``,
    e.g. programmes that take their beneficiaries from the list) with the list id, the
    acting user and the trigger. Called after the change's own transaction; each handler
    runs in a savepoint of its own, so a failing one is rolled back alone and recorded
    (``core.hooks``), never undoing a reviewer's decision (syncing the list by hand repeats
    it)."""
    hooks.run(hooks.ROWS_CHANGED, list_id=list_id, acting_user=acting_user, trigger=trigger,
              at_region=region_code, atomic=True)


def thresholds_for(region) -> Thresholds:
    """The region's thresholds, or the nearest enclosing region's, or the defaults."""
    code = region.code
    found = {
        t.region_id: t
        for t in Thresholds.objects.filter(
            region_id__in=[code[:i] for i in (2, 5, 8, 13) if len(code) >= i]
        )
    }
    for length in (13, 8, 5, 2):
        if code[:length] in found:
            return found[code[:length]]
    return Thresholds(region=region)


def thresholds_set(*, region, accept: float, review: float, acting_user) -> Thresholds:
    if not 0 < review <= accept < 1.0 + 1e-12:
        raise ValidationError(_("Thresholds need 0 < review ≤ accept ≤ 1."))
    with transaction.atomic():
        current, _created = Thresholds.objects.get_or_create(region=region)
        changes = {"accept": [current.accept, accept], "review": [current.review, review]}
        current.accept, current.review, current.updated_by = accept, review, acting_user
        current.save()
        audit_record(
            actor=acting_user,
            action="linkage.thresholds",
            obj=current,
            region_code=region.code,
            changes=changes,
        )
    return current


def model_train(
    *, dataset, acting_user=None, seed: int = 0, m_estimation: str | None = None
) -> LinkageModelVersion:
    """Estimate the model on the dataset's latest snapshot and store it as a new version.

    ``m_estimation`` (default: the ``KONVERGEN_LINKAGE_M_ESTIMATION`` setting) is
    ``"prior"`` (field priors for m) or ``"em"`` (EM on the register, prior where EM gives
    nothing usable); the version's ``params["trained"]["m_source"]`` says, level by level,
    which one each m came from. The desa neighbours of the region enter the model too.
    """
    m_estimation = m_estimation or settings.KONVERGEN_LINKAGE_M_ESTIMATION
    if m_estimation not in M_ESTIMATIONS:
        raise ValidationError(_("Unknown estimation method."))
    snapshot = dataset.snapshots.order_by("-snapshot_date", "-id").first()
    if snapshot is None:
        raise ListLinkError(NO_SNAPSHOT)
    register = register_source.register_table(dataset)
    neighbours = register_source.neighbours(dataset)
    model = train_model(
        register.drop_columns(["person_pk", "family_pk"]),
        seed=seed,
        m_estimation=m_estimation,
        neighbours=neighbours,
    )
    model.trained["neighbour_km"] = (
        settings.KONVERGEN_LINKAGE_NEIGHBOUR_KM if neighbours is not None else None
    )
    with transaction.atomic():
        last = LinkageModelVersion.objects.filter(dataset=dataset).order_by("-version").first()
        version = LinkageModelVersion.objects.create(
            dataset=dataset,
            version=(last.version + 1) if last else 1,
            snapshot=snapshot,
            params=model.to_dict(),
            created_by=acting_user,
        )
        audit_record(
            actor=acting_user,
            action="linkage.model_train",
            obj=version,
            region_code=dataset.region_id,
            changes={
                "version": version.version,
                "snapshot": snapshot.pk,
                "persons": register.num_rows,
                "m_estimation": m_estimation,
                "m_from_em": sum(
                    source == "em"
                    for sources in model.trained.get("m_source", {}).values()
                    for source in sources
                ),
            },
        )
    return version


def current_model(dataset, *, acting_user=None) -> LinkageModelVersion:
    """The latest model version, trained when there is none or the register has a newer
    snapshot than the one it was trained on."""
    latest = LinkageModelVersion.objects.filter(dataset=dataset).order_by("-version").first()
    snapshot = dataset.snapshots.order_by("-snapshot_date", "-id").first()
    if latest is None or (snapshot is not None and latest.snapshot_id != snapshot.pk):
        return model_train(dataset=dataset, acting_user=acting_user)
    return latest


def read_list(path: Path, mapping: dict[str, str] | None) -> tuple[pa.Table, pa.Table, dict]:
    """The uploaded file as (raw table, canonical table with row_number, header report)."""
    try:
        raw = read_table(path)
    except IngestFileError as exc:
        raise ListLinkError(str(exc)) from exc
    headers = [c for c in raw.column_names if c != "row_number"]
    try:
        header_map = columns.map_list_headers(headers, mapping or {})
    except ValueError as exc:
        raise ListLinkError(str(exc)) from exc
    if not header_map.mapped:
        raise ListLinkError(NO_USABLE_COLUMN.format(
            name=Path(path).name, known=", ".join(columns.LIST_FIELDS)))
    table = columns.canonical_list(raw, header_map)
    return raw, table.append_column("row_number", raw.column("row_number")), header_map.report()


def beneficiary_list_create(
    *,
    dataset,
    name: str,
    file_path: Path,
    organisation=None,
    mapping: dict | None = None,
    unit: str = "person",
    acting_user,
) -> BeneficiaryList:
    if unit not in BeneficiaryList.Unit.values:
        raise ValidationError(_("Unknown list unit."))
    with transaction.atomic():
        blist = BeneficiaryList.objects.create(
            dataset=dataset,
            organisation=organisation,
            name=name,
            unit=unit,
            file_name=file_path.name,
            file_path=str(file_path),
            mapping=mapping or {},
            uploaded_by=acting_user,
        )
        audit_record(
            actor=acting_user,
            action="linkage.list_upload",
            obj=blist,
            region_code=dataset.region_id,
            changes={
                "name": name,
                "unit": unit,
                "file": file_path.name,
                "organisation": organisation.pk if organisation else None,
            },
        )
    return blist


def beneficiary_list_relink_request(*, blist: BeneficiaryList, acting_user) -> None:
    """Queue a list for linking again; the rows and their review decisions stay until the
    new result is written over them (:func:`_store_rows`)."""
    with transaction.atomic():
        BeneficiaryList.objects.filter(pk=blist.pk).update(
            status=BeneficiaryList.Status.QUEUED, error="")
        audit_record(
            actor=acting_user,
            action="linkage.list_relink",
            obj=blist,
            region_code=blist.dataset.region_id,
            changes={"previous_model": blist.model_version_id},
        )


def beneficiary_list_link(list_id: int, acting_user_id: int | None = None) -> None:
    """Link an uploaded list (a background job): every row gets a status and, when matched,
    the register person; review rows keep their candidates and evidence. The work is
    attributed to ``acting_user_id`` (who asked to link again), else to the uploader."""
    blist = BeneficiaryList.objects.select_related("dataset", "uploaded_by").get(pk=list_id)
    acting = blist.uploaded_by
    if acting_user_id is not None:
        acting = get_user_model().objects.filter(pk=acting_user_id).first() or acting
    BeneficiaryList.objects.filter(pk=list_id).update(status=BeneficiaryList.Status.RUNNING)
    try:
        raw, table, report = read_list(Path(blist.file_path), blist.mapping)
        version = current_model(blist.dataset, acting_user=acting)
        register = register_source.register_table(blist.dataset)
        thresholds = thresholds_for(blist.dataset.region)
        model = LinkageModel.from_dict(version.params)
        result = link_list(
            table,
            register.drop_columns(["person_pk", "family_pk"]),
            model,
            accept=thresholds.accept,
            review=thresholds.review,
            desa_lookup=register_source.desa_lookup(blist.dataset),
            neighbours=register_source.neighbours(blist.dataset),
            unit=blist.unit,
        )
    except ListLinkError as exc:
        BeneficiaryList.objects.filter(pk=list_id).update(
            status=BeneficiaryList.Status.FAILED, error=str(exc)
        )
        return
    except Exception as exc:
        BeneficiaryList.objects.filter(pk=list_id).update(
            status=BeneficiaryList.Status.FAILED, error=str(exc)[:5000]
        )
        raise
    rows = _rows_table(blist, raw, result, register)
    counts = {s: 0 for s in RowStatus.values}
    for status in result.column("status").to_pylist():
        counts[status] += 1
    histogram = match_weight_histogram(
        result, thresholds={"accept": thresholds.accept, "review": thresholds.review}
    )
    histogram.pop("chart", None)
    with transaction.atomic():
        kept = _store_rows(blist, rows)
        BeneficiaryList.objects.filter(pk=list_id).update(
            status=BeneficiaryList.Status.DONE,
            model_version=version,
            error="",
            counts={"rows": result.num_rows, **counts, "headers": report, "histogram": histogram},
        )
        audit_record(
            actor=acting,
            action="linkage.list_link",
            obj=blist,
            region_code=blist.dataset.region_id,
            changes={"rows": result.num_rows, **counts, "model": version.version,
                     "decisions_kept": kept},
        )
    _rows_changed(list_id=blist.pk, region_code=blist.dataset.region_id, acting_user=acting,
                  trigger="link")


def beneficiary_list_link_failed(list_id: int, acting_user_id: int | None = None, *,
                                 error: str) -> None:
    """The queue gave up on linking a list (e.g. its worker died on the last attempt)."""
    BeneficiaryList.objects.filter(
        pk=list_id, status__in=[BeneficiaryList.Status.QUEUED, BeneficiaryList.Status.RUNNING]
    ).update(status=BeneficiaryList.Status.FAILED, error=error[-5000:])


jobs.register_failure_handler(beneficiary_list_link, beneficiary_list_link_failed)


def _store_rows(blist, rows: pa.Table) -> int:
    """Write a linking result into the list's rows; return how many reviewed rows kept their
    reviewer's decision.

    The first linking inserts the rows. Linking again (after a new register snapshot, a
    retrained model or new thresholds) rewrites the rows in place, keyed on the row number,
    so review decisions, their history and the interventions made from the rows stay
    attached: a row whose last decision stands (accepted or rejected, not undone) keeps its
    status and person and only gets the fresh candidates and evidence.
    """
    table = ListRow._meta.db_table
    not_null = {"status", "rule", "data", "candidates"}
    if not ListRow.objects.filter(beneficiary_list=blist).exists():
        insert_table(connection, table, rows, not_null_text=not_null)
        return 0
    standing = _rows_with_standing_decision(blist)
    keep = pc.is_in(rows.column("row_number"), pa.array(sorted(standing), pa.int64()))
    rows = rows.append_column("keep", keep)
    create_temp_table(connection, "tmp_list_rows", rows.schema)
    insert_table(connection, "tmp_list_rows", rows, not_null_text=not_null)
    q = connection.ops.quote_name

    def value(column: str) -> str:  # the temporary table holds JSON as text
        if column in ("data", "candidates") and connection.vendor == "postgresql":
            return f"CAST(t.{q(column)} AS jsonb)"
        return f"t.{q(column)}"

    fresh = ["rule", "match_probability", "candidates", "data"]
    decided = ["status", "person_id", "family_id"]
    sets = ", ".join(
        [f"{q(c)} = {value(c)}" for c in fresh]
        + [f"{q(c)} = CASE WHEN t.keep THEN {table}.{q(c)} ELSE t.{q(c)} END" for c in decided]
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {sets} FROM tmp_list_rows t WHERE "
            f"{table}.beneficiary_list_id = %s AND {table}.row_number = t.row_number",
            [blist.pk],
        )
        # Rows the file no longer has (it is the same file, so none unless it was replaced)
        # go, with their decisions; new row numbers are added.
        cursor.execute(
            f"DELETE FROM {table} WHERE beneficiary_list_id = %s AND row_number NOT IN "
            f"(SELECT row_number FROM tmp_list_rows)", [blist.pk])
        names = [c for c in rows.column_names if c != "keep"]
        cols = ", ".join(q(c) for c in names)
        values = ", ".join(value(c) for c in names)
        cursor.execute(
            f"INSERT INTO {table} ({cols}) SELECT {values} FROM tmp_list_rows t WHERE NOT EXISTS "
            f"(SELECT 1 FROM {table} x WHERE x.beneficiary_list_id = %s "
            f"AND x.row_number = t.row_number)", [blist.pk])
        cursor.execute("DROP TABLE tmp_list_rows")
    return int(pc.sum(keep).as_py() or 0)


def _rows_with_standing_decision(blist) -> set[int]:
    """Row numbers whose latest decision is an accept or reject that was not undone."""
    latest: dict[int, tuple[str, bool]] = {}
    decisions = ReviewDecision.objects.filter(row__beneficiary_list=blist).order_by("id")
    for number, action, undone in decisions.values_list("row__row_number", "action", "undone"):
        latest[number] = (action, undone)
    return {n for n, (action, undone) in latest.items()
            if action != ReviewDecision.Action.UNDO and not undone}


def _rows_table(blist, raw: pa.Table, result: pa.Table, register: pa.Table) -> pa.Table:
    """ListRow columns for every result row, with database keys of matched persons: the
    uploaded row (original headers) and the candidates as JSON, built set-wise in DuckDB."""
    con = duckdb.connect()
    try:
        con.register("raw", raw)
        con.register("res", result)
        con.register("reg", register.select(["person_id", "person_pk", "family_pk"]))
        headers = [c for c in raw.column_names if c != "row_number"]
        data = ", ".join(
            "'" + h.replace("'", "''") + "': raw.\"" + h.replace('"', '""') + '"'
            for h in headers)
        return con.sql(f"""
            SELECT CAST({blist.pk} AS BIGINT) AS beneficiary_list_id, res.row_number,
                CAST(to_json({{{data}}}) AS VARCHAR) AS data,
                res.status, res.rule, res.match_probability,
                reg.person_pk AS person_id, reg.family_pk AS family_id,
                CAST(coalesce(to_json(res.candidates), '[]') AS VARCHAR) AS candidates
            FROM res JOIN raw USING (row_number)
            LEFT JOIN reg ON reg.person_id = res.person_id
            ORDER BY res.row_number
        """).to_arrow_table()
    finally:
        con.close()


def list_row_decide(
    *, row: ListRow, action: str, acting_user, person_id: int | None = None
) -> ReviewDecision:
    """Accept a candidate (``person_id``) or reject every candidate of a row."""
    if action not in (ReviewDecision.Action.ACCEPT, ReviewDecision.Action.REJECT):
        raise ValidationError(_("Unknown decision."))
    person = None
    if action == ReviewDecision.Action.ACCEPT:
        allowed = {c.get("person_id") for c in row.candidates}
        if row.person is not None:
            allowed.add(row.person.source_id)
        person = Person.objects.filter(
            pk=person_id or 0, dataset_id=row.beneficiary_list.dataset_id
        ).first()
        if person is None or person.source_id not in allowed:
            raise ValidationError(_("That person is not a candidate for this row."))
    with transaction.atomic():
        decision = ReviewDecision.objects.create(
            row=row,
            action=action,
            person=person,
            previous_status=row.status,
            previous_person=row.person,
            decided_by=acting_user,
        )
        row.status = RowStatus.MATCHED if person else RowStatus.UNMATCHED
        row.person = person
        row.family_id = person.family_id if person else None
        row.decided_by, row.decided_at = acting_user, timezone.now()
        row.save(update_fields=["status", "person", "family", "decided_by", "decided_at"])
        audit_record(
            actor=acting_user,
            action=f"linkage.review_{action}",
            obj=row,
            region_code=row.beneficiary_list.dataset.region_id,
            changes={
                "list": row.beneficiary_list_id,
                "row": row.row_number,
                "person": person.source_id if person else None,
                "previous_status": decision.previous_status,
            },
        )
    _rows_changed(list_id=row.beneficiary_list_id,
                  region_code=row.beneficiary_list.dataset.region_id, acting_user=acting_user,
                  trigger="review")
    return decision


def list_row_undo(*, row: ListRow, acting_user) -> ReviewDecision:
    """Undo the row's last decision, restoring the state before it."""
    last = row.decisions.filter(undone=False).exclude(action=ReviewDecision.Action.UNDO).first()
    if last is None:
        raise ValidationError(_("There is no decision to undo."))
    with transaction.atomic():
        last.undone = True
        last.save(update_fields=["undone"])
        undo = ReviewDecision.objects.create(
            row=row,
            action=ReviewDecision.Action.UNDO,
            person=last.previous_person,
            previous_status=row.status,
            previous_person=row.person,
            decided_by=acting_user,
        )
        row.status, row.person = last.previous_status, last.previous_person
        row.family_id = last.previous_person.family_id if last.previous_person else None
        row.decided_by, row.decided_at = acting_user, timezone.now()
        row.save(update_fields=["status", "person", "family", "decided_by", "decided_at"])
        audit_record(
            actor=acting_user,
            action="linkage.review_undo",
            obj=row,
            region_code=row.beneficiary_list.dataset.region_id,
            changes={
                "list": row.beneficiary_list_id,
                "row": row.row_number,
                "undid": last.action,
                "status": row.status,
            },
        )
    _rows_changed(list_id=row.beneficiary_list_id,
                  region_code=row.beneficiary_list.dataset.region_id, acting_user=acting_user,
                  trigger="undo")
    return undo
