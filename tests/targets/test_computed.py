"""Indicators computed from the register: desil 1, RTLH, no own toilet, children out of
school, for the region and each kecamatan, dated by the snapshot date."""

import datetime as dt

from konvergen.audit.models import AuditEntry
from konvergen.registry.models import Dataset, PersonRecord
from konvergen.registry.services import dataset_get_or_create, register_import
from konvergen.targets import services
from konvergen.targets.models import IndicatorValue
from tests.conftest import tiny_p3ke_rows, write_p3ke

HOUSE_OK = "Milik Sendiri,Genteng,Tembok,Keramik,Listrik PLN,Gas,Air Kemasan/Isi Ulang,Ya,Ya"


def _values(code: str) -> dict[str, float]:
    return dict(IndicatorValue.objects.filter(indicator__code=code).values_list(
        "region_code", "value"))


def _register(personas, tmp_path, families, members, date=dt.date(2026, 1, 15)):
    fam, mem = write_p3ke(tmp_path / date.isoformat(), families, members)
    dataset = dataset_get_or_create(source="p3ke", region=personas.bandung)
    return register_import(dataset=dataset, families_path=fam, members_path=mem,
                           snapshot_date=date, acting_user=personas.admin).snapshot


def test_counts_per_region_and_kecamatan_after_import(personas, tmp_path):
    families, members = tiny_p3ke_rows()
    # P003 (Cileunyi Wetan) lives in a decent house with its own toilet.
    families[2] = families[2].replace(
        "Milik Sendiri,Genteng,Tembok,Tanah,Listrik PLN,Kayu Bakar,Sumur Tak Terlindung,"
        "Tidak,Tidak", HOUSE_OK)
    snapshot = _register(personas, tmp_path, families, members)
    # The after-import hook stored them, dated by the snapshot.
    assert _values("desil1_families") == {"32.04": 1.0, "32.04.05": 1.0}
    assert _values("rtlh_families") == {"32.04": 2.0, "32.04.05": 2.0}
    assert _values("no_toilet_families") == {"32.04": 2.0, "32.04.05": 2.0}
    row = IndicatorValue.objects.get(indicator__code="rtlh_families", region_code="32.04")
    assert (row.year, row.as_of, row.snapshot_id, row.source_kind) == (
        2026, dt.date(2026, 1, 15), snapshot.pk, "computed")
    assert AuditEntry.objects.filter(action="targets.computed_refresh").exists()


def test_children_out_of_school_and_refresh_is_idempotent(personas, tiny_register):
    dataset = Dataset.objects.get(region=personas.bandung)
    # DEDE (15 on the snapshot date) left school; NUR (13) attends; an adult who never went
    # to school is not a child.
    PersonRecord.objects.filter(person__source_id="I0013").update(
        school_participation="tidak_sekolah_lagi")
    PersonRecord.objects.filter(person__source_id="I0022").update(
        school_participation="masih_sekolah")
    PersonRecord.objects.filter(person__source_id="I0032").update(
        school_participation="tidak_belum_pernah")
    first = services.computed_values_refresh(dataset=dataset, acting_user=personas.admin)
    assert _values("out_of_school_children") == {"32.04": 1.0, "32.04.05": 1.0}
    again = services.computed_values_refresh(dataset=dataset, acting_user=personas.admin)
    assert again["created"] == again["updated"] == 0
    assert again["unchanged"] == first["created"] + first["updated"] + first["unchanged"]


def test_a_later_snapshot_of_the_year_replaces_the_values(personas, tmp_path):
    families, members = tiny_p3ke_rows()
    _register(personas, tmp_path, families, members)
    assert _values("desil1_families")["32.04"] == 1.0
    # In April the second family is desil 1 too.
    families[1] = families[1].replace("SITI AMINAH,3204055506850002,2,",
                                      "SITI AMINAH,3204055506850002,1,")
    later = _register(personas, tmp_path, families, members, dt.date(2026, 4, 15))
    row = IndicatorValue.objects.get(indicator__code="desil1_families", region_code="32.04")
    assert (row.value, row.snapshot_id, row.as_of) == (2.0, later.pk, dt.date(2026, 4, 15))
