"""Importing register snapshots into the database: accepted rows, rejections, idempotence,
snapshot diffs — on SQLite and PostgreSQL alike."""

import contextlib
import datetime as dt
import json

import pytest
from django.core.management import CommandError, call_command

from konvergen.audit.models import AuditEntry
from konvergen.registry.ingest import messages as m
from konvergen.registry.models import (
    Family,
    FamilyRecord,
    ImportIssue,
    Person,
    PersonRecord,
    Snapshot,
)
from konvergen.registry.services import (
    RegisterImportError,
    dataset_get_or_create,
    register_import,
)
from tests.conftest import tiny_p3ke_rows, write_p3ke


def _import(personas, fam, mem, date=dt.date(2026, 1, 15), **kwargs):
    dataset = dataset_get_or_create(source="p3ke", region=personas.bandung)
    return register_import(
        dataset=dataset,
        families_path=fam,
        members_path=mem,
        snapshot_date=date,
        acting_user=personas.tkpk_bandung,
        **kwargs,
    )


def _ready(personas):
    """Create the acting user and the dataset first, so only the import's writes count."""
    personas.tkpk_bandung  # noqa: B018
    dataset_get_or_create(source="p3ke", region=personas.bandung)


def _table_sizes():
    return tuple(
        model.objects.count()
        for model in (Snapshot, Family, Person, FamilyRecord, PersonRecord, ImportIssue, AuditEntry)
    )


def test_a_clean_export_is_imported_whole(personas, tiny_register):
    snapshot = tiny_register
    assert snapshot.counts["families_accepted"] == 3
    assert snapshot.counts["persons_accepted"] == 7
    assert FamilyRecord.objects.filter(snapshot=snapshot).count() == 3
    asep = Family.objects.get(source_id="P001")
    assert (asep.region_code, asep.kk_number, asep.desil) == (
        "32.04.05.2001",
        "3204050101100001",
        1,
    )
    assert asep.members.count() == 3
    euis = Person.objects.get(source_id="I0012")
    assert (euis.nik, euis.sex, euis.birth_date) == ("3204054505820001", "P", dt.date(1982, 5, 5))
    record = FamilyRecord.objects.get(family=asep)
    assert record.row_number == 1 and record.floor_type == "tanah"
    assert record.receives_pkh is True and record.receives_bpum is False
    entry = AuditEntry.objects.get(action="registry.snapshot_import")
    assert entry.actor == personas.admin and entry.changes["families_accepted"] == 3


def test_only_rows_that_cannot_be_placed_are_rejected_the_others_kept_and_flagged(
        personas, tmp_path):
    families, members = tiny_p3ke_rows()
    families.append(families[0].replace("P001", "P004").replace("3204052001", "3204999999"))
    families.append(families[1].replace("P002", "P005").replace(",2,Milik", ",11,Milik"))
    families.append(families[2].replace("P003", "P006").replace("3204050101100003", "32040501011"))
    members.append(members[0].replace("I0011", "I0014").replace("3204051203800001", "320405120380"))
    members.append(members[1].replace("I0012", "I0015").replace("05-05-1982", "31-02-1982"))
    members.append(members[5].replace("P003", "P999").replace("I0031", "I0033"))
    fam, mem = write_p3ke(tmp_path, families, members)

    outcome = _import(personas, fam, mem)
    counts = outcome.summary
    assert counts["families_accepted"] == 5 and counts["families_rejected"] == 1
    assert counts["persons_accepted"] == 9 and counts["persons_rejected"] == 1
    issues = ImportIssue.objects.filter(snapshot=outcome.snapshot)
    rejected = {(i.file, i.row_number): i.reason for i in issues.filter(kind="rejection")}
    assert rejected == {
        ("families", 4): m.REGION_UNKNOWN,
        ("members", 10): m.FAMILY_REJECTED_OR_MISSING,
    }
    flagged = {(i.file, i.row_number, i.reason) for i in issues.filter(kind="flag")}
    assert {
        ("families", 5, m.DESIL_INVALID),
        ("families", 6, m.KK_NOT_16_DIGITS),
        ("members", 8, m.NIK_NOT_16_DIGITS),
        ("members", 9, m.BIRTH_DATE_INVALID),
    } <= flagged
    issue = issues.get(reason=m.DESIL_INVALID)
    assert issue.kind == "flag" and issue.column == "Desil Kesejahteraan" and issue.value == "11"
    assert issue.message_id and issue.message_en and issue.message_id != issue.message_en
    assert set(Family.objects.values_list("source_id", flat=True)) == {
        "P001", "P002", "P003", "P005", "P006"}
    # The malformed numbers are kept as given (they fit the 16-character columns).
    assert Family.objects.get(source_id="P006").kk_number == "32040501011"
    assert Family.objects.get(source_id="P005").desil is None
    kept = Person.objects.get(source_id="I0014")
    assert (kept.nik, kept.name) == ("320405120380", "ASEP SUNANDAR")
    assert Person.objects.get(source_id="I0015").birth_date is None


def test_importing_the_same_files_twice_changes_nothing(personas, tmp_path):
    fam, mem = write_p3ke(tmp_path, *tiny_p3ke_rows())
    first = _import(personas, fam, mem)
    before = _table_sizes()
    again = _import(personas, fam, mem)
    assert again.unchanged and again.snapshot == first.snapshot
    assert _table_sizes() == before


def test_a_dry_run_validates_without_writing(personas, tmp_path):
    _ready(personas)
    fam, mem = write_p3ke(tmp_path, *tiny_p3ke_rows())
    before = _table_sizes()
    outcome = _import(personas, fam, mem, dry_run=True)
    assert outcome.dry_run and outcome.summary["families_accepted"] == 3
    assert _table_sizes() == before


def test_an_unreadable_file_fails_clearly_and_changes_nothing(personas, tmp_path):
    _ready(personas)
    fam, mem = write_p3ke(tmp_path, *tiny_p3ke_rows())
    fam.write_bytes(b"\x00\x01\x02 not a spreadsheet \xff\xfe")
    before = _table_sizes()
    with pytest.raises(RegisterImportError):
        _import(personas, fam, mem)
    assert _table_sizes() == before


def test_a_second_snapshot_reports_exactly_what_changed(personas, tmp_path):
    families, members = tiny_p3ke_rows()
    first = _import(personas, *write_p3ke(tmp_path, families, members, "-1")).snapshot

    changed_families = [
        families[0].replace(",1,Milik", ",2,Milik"),  # P001: desil 1 -> 2 (up)
        families[1].replace("32.04.05.2001", "32.04.05.2002"),  # P002 moved to Cileunyi Wetan
        # P003 gone; P004 new
        "P004,JAWA BARAT,KABUPATEN BANDUNG,CILEUNYI,CILEUNYI WETAN,3204052002,KP. BARU,"
        "3204050101100004,JAJANG,3204051111750004,1,Milik Sendiri,Genteng,Tembok,Tanah,"
        "Listrik PLN,Kayu Bakar,Sumur Tak Terlindung,Tidak,Tidak,Ya,Tidak,Tidak,Ya,Ya,Tidak",
    ]
    changed_members = [
        members[0],
        members[1],  # I0013 removed
        members[3],
        members[4],
        "P002,I0023,RINA,3204054303150002,Ya,Perempuan,Anak,03-03-2015,"
        "Belum Kawin,Pelajar,SD",  # added
        "P004,I0041,JAJANG,3204051111750004,Ya,Laki-laki,Kepala Keluarga,"
        "11-11-1975,Kawin,Buruh Tani,SD",
    ]
    second = _import(
        personas,
        *write_p3ke(tmp_path, changed_families, changed_members, "-2"),
        date=dt.date(2026, 4, 15),
    ).snapshot
    assert second.previous == first
    assert second.diff["totals"] == {
        "families_new": 1,
        "families_gone": 1,
        "families_moved": 1,
        "desil_down": 0,
        "desil_up": 1,
        "persons_added": 2,
        "persons_removed": 3,
    }
    assert second.diff["by_desa"]["32.04.05.2002"]["families_moved"] == 1
    # History is kept: P003 is still there as it was, but no longer current.
    gone = Family.objects.get(source_id="P003")
    assert not gone.is_current and FamilyRecord.objects.filter(family=gone).count() == 1
    moved = Family.objects.get(source_id="P002")
    assert moved.region_code == "32.04.05.2002"
    assert list(
        FamilyRecord.objects.filter(family=moved)
        .order_by("snapshot_id")
        .values_list("region_code", flat=True)
    ) == ["32.04.05.2001", "32.04.05.2002"]
    assert Person.objects.get(source_id="I0022").region_code == "32.04.05.2002"


def test_an_older_snapshot_cannot_follow_a_newer_one(personas, tmp_path):
    families, members = tiny_p3ke_rows()
    _import(personas, *write_p3ke(tmp_path, families, members, "-1"), date=dt.date(2026, 4, 1))
    with pytest.raises(RegisterImportError, match="older than the latest"):
        _import(
            personas,
            *write_p3ke(tmp_path, families[:2], members[:5], "-2"),
            date=dt.date(2026, 1, 1),
        )


def test_the_command_prints_a_json_summary(personas, tmp_path, capsys):
    families, members = tiny_p3ke_rows()
    families.append(families[0].replace("P001", "P009").replace("3204052001", "3204999999"))
    fam, mem = write_p3ke(tmp_path, families, members)
    call_command(
        "import-register",
        "--families",
        str(fam),
        "--members",
        str(mem),
        "--snapshot-date",
        "2026-01-15",
        "--json",
    )
    summary = json.loads(capsys.readouterr().out)
    assert summary["families_accepted"] == 3 and summary["families_rejected"] == 1
    assert summary["rejections_by_reason"] == {m.REGION_UNKNOWN: 1}
    assert summary["unchanged"] is False
    call_command("import-register", "--families", str(fam), "--members", str(mem), "--json")
    assert json.loads(capsys.readouterr().out)["unchanged"] is True


def test_the_command_rejects_an_unknown_region(personas, tmp_path):
    fam, mem = write_p3ke(tmp_path, *tiny_p3ke_rows())
    with pytest.raises(CommandError, match="unknown region"):
        call_command(
            "import-register", "--families", str(fam), "--members", str(mem), "--region", "99.99"
        )


def test_the_synthetic_demo_export_imports_cleanly(personas, tmp_path):
    """The generator and the importer speak the same P3KE vocabulary."""
    call_command(
        "synth", "--region", "32.04", "--families", "3000", "--seed", "5", "--out", str(tmp_path)
    )
    outcome = _import(
        personas, tmp_path / "p3ke_keluarga.csv", tmp_path / "p3ke_anggota_keluarga.csv"
    )
    summary = outcome.summary
    assert summary["families_accepted"] > 900 and summary["families_rejected"] == 0
    assert summary["persons_rejected"] == 0
    assert m.CODED_VALUE_UNKNOWN not in summary["flags_by_kind"]
    # The DTKS detail columns of the export are read too, not left unknown.
    assert summary["headers"]["families"]["unknown"] == []
    assert summary["headers"]["members"]["unknown"] == []
    assert FamilyRecord.objects.exclude(floor_area_m2=None).exists()
    assert PersonRecord.objects.exclude(disability="").exists()


def _index_names(table: str) -> set[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        return {i for i, d in connection.introspection.get_constraints(cursor, table).items()
                if d["index"] or d["unique"]}


def _all_constraints() -> dict[str, set[str]]:
    """Every table's constraint and index names (foreign keys included)."""
    from django.db import connection

    with connection.cursor() as cursor:
        return {t: set(connection.introspection.get_constraints(cursor, t))
                for t in connection.introspection.table_names(cursor)}


def test_a_large_first_load_builds_the_indexes_afterwards(personas, tmp_path, monkeypatch):
    """The bulk path that drops the indexes (primary key and the foreign keys pointing at
    it included) and rebuilds them after the rows (taken by any load of 50,000+ rows into
    a smaller table) leaves the same indexes and constraints behind in every table, and
    the rebuilt unique constraint and primary key still refuse a duplicate."""
    from django.db import IntegrityError, transaction

    from konvergen.core import bulk

    tables = [m._meta.db_table for m in (Family, Person, FamilyRecord, PersonRecord)]
    before = {t: _index_names(t) for t in tables}
    assert all(before.values())
    everything_before = _all_constraints()
    deferred = []
    real = bulk.indexes_deferred

    @contextlib.contextmanager
    def spy(connection, table_name, incoming_rows, **options):
        with real(connection, table_name, incoming_rows, **options) as was_deferred:
            if was_deferred:
                deferred.append(table_name)
            yield was_deferred

    monkeypatch.setattr(bulk, "DEFER_INDEXES_MIN_ROWS", 1)
    monkeypatch.setattr(bulk, "indexes_deferred", spy)
    _ready(personas)
    outcome = _import(personas, *write_p3ke(tmp_path, *tiny_p3ke_rows()))
    assert outcome.summary["persons_accepted"] == 7
    assert set(tables) <= set(deferred)  # (the welfare hook defers its table too)
    deferred_first = len(deferred)
    assert {t: _index_names(t) for t in tables} == before
    assert _all_constraints() == everything_before
    person = Person.objects.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(
            id=person.id, dataset_id=person.dataset_id, source_id="another",
            family_id=person.family_id, last_snapshot_id=person.last_snapshot_id,
            region_code=person.region_code, name="X")
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(
            dataset_id=person.dataset_id, source=person.source, source_id=person.source_id,
            family_id=person.family_id,
            last_snapshot_id=person.last_snapshot_id, region_code=person.region_code, name="X")
    # A second, smaller load into the now larger tables keeps the indexes in place.
    families, members = tiny_p3ke_rows()
    second = _import(personas, *write_p3ke(tmp_path, families[:1], members[:2], "-2"),
                     date=dt.date(2026, 4, 15))
    assert second.snapshot.counts["persons_accepted"] == 2
    assert len(deferred) == deferred_first  # nothing deferred the second time
    assert {t: _index_names(t) for t in tables} == before
    # A third snapshot holding every family again updates most identities: their indexes are
    # rebuilt after the update, and come back the same.
    families, members = tiny_p3ke_rows()
    families[0] = families[0].replace("RT 001", "RT 011")  # new files, not a re-import
    third = _import(personas, *write_p3ke(tmp_path, families, members, "-3"),
                    date=dt.date(2026, 7, 15))
    assert third.snapshot.counts["persons_accepted"] == 7, third.summary
    assert {"registry_family", "registry_person"} <= set(deferred[deferred_first:]), third.summary
    assert {t: _index_names(t) for t in tables} == before
    assert _all_constraints() == everything_before
