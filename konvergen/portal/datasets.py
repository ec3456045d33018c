"""The open datasets of the public portal, described with the Satu Data Indonesia metadata
(Perpres 39/2019: title, producer, definition, unit, period, reference codes, licence,
updated) and served as CKAN packages (``package_list``, ``package_search``,
``package_show``), so a regional Satu Data portal on CKAN can harvest them.

A dataset is one table of one published kab/kota: the convergence of target families per
kecamatan and desa for a year, the needs of target families for a year, the programme
directory, the indicators and targets. Its one resource is a CSV built from the protected
tables (``selectors``), so it never holds a count below k, a name, a NIK or an address.
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from konvergen.portal import selectors
from konvergen.regions.models import Region

LICENCE_ID = "cc-by"
LICENCE_TITLE = "Creative Commons Attribution 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
KINDS = ("konvergensi", "kebutuhan", "program", "indikator")


@dataclass
class Dataset:
    name: str
    kind: str
    region: Region
    year: int | None
    title: str
    definition: str
    unit: str
    period: str
    producer: str
    updated: dt.datetime | None = None
    tags: list[str] = field(default_factory=list)

    @property
    def csv_url(self) -> str:
        return reverse("portal:resource", args=[self.name])

    @property
    def page_url(self) -> str:
        return reverse("portal:dataset", args=[self.name])


def _producer(publication) -> str:
    return publication.producer or _("TKPK secretariat of %(region)s") % {
        "region": publication.region.name}


def datasets_of(publication) -> list[Dataset]:
    """The datasets of one published kab/kota (newest year first)."""
    region = publication.region
    producer = _producer(publication)
    slug = region.code.replace(".", "")
    out = []
    for year in sorted(selectors.years(region.code), reverse=True):
        t = selectors.tables(region.code, year)
        out.append(Dataset(
            f"konvergensi-{slug}-{year}", "konvergensi", region, year,
            _("Convergence of target families by kecamatan and desa, %(region)s %(year)s")
            % {"region": region.name, "year": year},
            _("Families in the target register, target families (desil 1–4 or the "
              "region's rule), those reached by at least one programme in the year and those "
              "reached by none, per kecamatan and desa/kelurahan. Counts below %(k)s are "
              "shown as <%(k)s, with complementary cells hidden.") % {"k": t.k},
            _("families"), str(year), producer, t.as_of, ["kemiskinan", "konvergensi"]))
        out.append(Dataset(
            f"kebutuhan-{slug}-{year}", "kebutuhan", region, year,
            _("Needs of target families and programme coverage, %(region)s %(year)s")
            % {"region": region.name, "year": year},
            _("Per need (welfare indicator) and region: target families lacking it and those "
              "of them a programme addressing it reaches. Counts below %(k)s are shown as "
              "<%(k)s.") % {"k": t.k},
            _("families"), str(year), producer, t.as_of, ["kemiskinan", "kebutuhan"]))
    out.append(Dataset(
        f"program-{slug}", "program", region, None,
        _("Poverty-alleviation programmes in %(region)s") % {"region": region.name},
        _("Programmes run in the region: organisation, strategy, stage, sector, eligibility "
          "(desil), funding source, budget, years and locations."),
        _("programmes"), "", producer, publication.updated_at, ["program"]))
    out.append(Dataset(
        f"indikator-{slug}", "indikator", region, None,
        _("Poverty indicators and targets of %(region)s") % {"region": region.name},
        _("Each indicator's latest value with its source, the target of that year and the "
          "achievement."),
        _("as per indicator"), "", producer, publication.updated_at, ["indikator", "target"]))
    return out


def all_datasets() -> list[Dataset]:
    from konvergen.portal.models import Publication

    rows = Publication.objects.filter(published=True).select_related("region").order_by(
        "region_id")
    return [d for publication in rows for d in datasets_of(publication)]


def find(name: str) -> Dataset | None:
    """A dataset by name, looking only at the region its name points to."""
    from konvergen.portal.models import Publication

    for publication in Publication.objects.filter(published=True).select_related("region"):
        if publication.region.code.replace(".", "") in name.split("-"):
            return next((d for d in datasets_of(publication) if d.name == name), None)
    return None


def _count(value) -> object:
    return value if value is not None else "<k"


def rows_of(dataset: Dataset) -> tuple[list[str], list[list]]:
    """Header and rows of the dataset's CSV (protected values; a hidden count as "<k")."""
    region = dataset.region
    if dataset.kind == "konvergensi":
        t = selectors.tables(region.code, dataset.year)
        label = selectors.names(t.regions)
        bps = dict(Region.objects.filter(code__in=list(t.regions)).values_list("code",
                                                                               "bps_code"))
        header = ["kode_kemendagri", "kode_bps", "nama_wilayah", "tingkat", "tahun",
                  "jumlah_keluarga", "keluarga_sasaran", "sasaran_terjangkau",
                  "sasaran_belum_terjangkau", "persen_terjangkau"]
        rows = [[code, bps.get(code, ""), label.get(code, code), r["level"], dataset.year,
                 *[_count(r[m]) for m in selectors.MEASURES],
                 "" if r["reached_pct"] is None else r["reached_pct"]]
                for code, r in sorted(t.regions.items())]
        return header, _mark_k(rows, t.k)
    if dataset.kind == "kebutuhan":
        t = selectors.tables(region.code, dataset.year)
        label = selectors.names(t.needs)
        header = ["kode_kemendagri", "nama_wilayah", "tahun", "kebutuhan", "kode_kebutuhan",
                  "keluarga_sasaran_kekurangan", "terjangkau_program", "persen_terjangkau"]
        rows = [[code, label.get(code, code), dataset.year, t.labels.get(ind, ind), ind,
                 _count(n["deprived"]), _count(n["covered"]),
                 "" if n["covered_pct"] is None else n["covered_pct"]]
                for code in sorted(t.needs) for ind, n in sorted(t.needs[code].items())]
        return header, _mark_k(rows, t.k)
    if dataset.kind == "program":
        years = selectors.years(region.code)
        rows_, k = selectors.programmes(region, years[-1] if years else None)
        header = ["kode", "nama_program", "organisasi", "strategi", "tahap", "sektor",
                  "desil_dari", "desil_sampai", "sumber_dana", "anggaran_rp", "tahun_mulai",
                  "tahun_selesai", "lokasi", "keluarga_penerima"]
        rows = [[p.code, p.name, p.organisation.name, p.get_strategy_display(),
                 p.get_stage_display(), p.get_sector_display(), p.desil_min or "",
                 p.desil_max or "", p.get_funding_source_display(), int(p.budget),
                 p.year_start, p.year_end, "; ".join(r["locations"]),
                 "<k" if r["hidden"] else ("" if r["beneficiaries"] is None
                                           else r["beneficiaries"])]
                for r in rows_ for p in [r["programme"]]]
        return header, _mark_k(rows, k)
    from konvergen.targets.selectors import indicator_table

    header = ["kode_indikator", "indikator", "satuan", "tahun", "nilai", "sumber", "target",
              "capaian_persen", "status"]
    rows = []
    for r in indicator_table(region):
        row = r.row
        rows.append([r.indicator.code, r.name, r.indicator.unit,
                     row.year if row else "", "" if not row or row.realised is None
                     else row.realised, row.source if row else "",
                     "" if not row or row.target is None else row.target,
                     "" if not row or row.achievement is None else round(row.achievement, 1),
                     (row.status or "") if row else ""])
    return header, rows


def _mark_k(rows: list[list], k: int) -> list[list]:
    return [[f"<{k}" if cell == "<k" else cell for cell in row] for row in rows]


def csv_text(dataset: Dataset) -> str:
    header, rows = rows_of(dataset)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def package(dataset: Dataset, base_url: str) -> dict:
    """The dataset as a CKAN package (the fields CKAN harvesters read) with the Satu Data
    Indonesia metadata in ``extras``."""
    region = dataset.region
    updated = dataset.updated.isoformat() if dataset.updated else None
    organisation = "tkpk-" + region.code.replace(".", "")
    return {
        "id": dataset.name, "name": dataset.name, "title": dataset.title,
        "notes": dataset.definition, "type": "dataset", "state": "active", "private": False,
        "license_id": LICENCE_ID, "license_title": LICENCE_TITLE, "license_url": LICENCE_URL,
        "author": dataset.producer, "maintainer": dataset.producer,
        "metadata_created": updated, "metadata_modified": updated,
        "url": base_url + dataset.page_url,
        "organization": {"name": organisation, "title": dataset.producer,
                         "type": "organization", "is_organization": True},
        "tags": [{"name": t, "display_name": t} for t in dataset.tags],
        "groups": [],
        "num_resources": 1, "num_tags": len(dataset.tags),
        "resources": [{
            "id": dataset.name + "-csv", "package_id": dataset.name,
            "name": dataset.title, "format": "CSV", "mimetype": "text/csv",
            "url": base_url + dataset.csv_url, "description": dataset.definition,
            "last_modified": updated, "state": "active", "position": 0}],
        "extras": [
            {"key": "produsen_data", "value": dataset.producer},
            {"key": "definisi", "value": dataset.definition},
            {"key": "satuan", "value": dataset.unit},
            {"key": "periode", "value": dataset.period or "terkini"},
            {"key": "kode_wilayah_kemendagri", "value": region.code},
            {"key": "kode_wilayah_bps", "value": region.bps_code or ""},
            {"key": "nama_wilayah", "value": region.name},
            {"key": "lisensi", "value": LICENCE_TITLE},
            {"key": "diperbarui", "value": updated or ""},
        ],
    }
