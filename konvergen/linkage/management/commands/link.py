"""``konvergen link FILE --out RESULT.csv [--map "Header=field"]``: link a list, store nothing.

Writes one line per data row of FILE: ``row_number`` (1-based), ``id_individu`` (source ID of
the matched register person), ``match_probability`` and ``status`` (``matched``, ``review``,
``unmatched``). The register comes from ``--register-families``/``--register-members`` (P3KE
or DTKS exports, read through the ingest pipeline) or, once the register is stored, from the
database (:func:`register_from_database`).
"""

import csv
import json
import time
from pathlib import Path

import pyarrow as pa
from django.core.management.base import BaseCommand, CommandError

from konvergen.linkage.engine import columns, normalise
from konvergen.linkage.engine.link import link_list
from konvergen.linkage.engine.model import LinkageModel, train_model
from konvergen.linkage.engine.register import read_register_files
from konvergen.registry.ingest.headers import parse_mapping_args
from konvergen.registry.ingest.readers import IngestFileError

CONTRACT_COLUMNS = ("row_number", "id_individu", "match_probability", "status")
#: With ``--unit family`` the result also names the matched family.
FAMILY_COLUMN = "id_keluarga"

NO_REGISTER = (
    "Register belum tersimpan di basis data; berikan --register-families dan "
    "--register-members / The register is not stored in the database yet; pass "
    "--register-families and --register-members"
)
BOTH_REGISTER_FILES = (
    "--register-families dan --register-members harus diberikan bersama / "
    "--register-families and --register-members go together"
)
BAD_MAP = "--map {value}: gunakan \"Header=field\" / use \"Header=field\" ({detail})"
BAD_MODEL = "Model tidak dapat dibaca ({path}): {detail} / The model cannot be read: {detail}"
SEVERAL_REGISTERS = (
    "Ada beberapa register tersimpan; pilih dengan --region / Several registers are stored; "
    "choose one with --region"
)
BAD_THRESHOLD = "Ambang harus di antara 0 dan 1 / Thresholds must be between 0 and 1"


def register_from_database(*, region_code: str | None = None):
    """The stored register of a region (or the only one stored) as the engine's input, its
    desa lookup, and the dataset it came from."""
    from konvergen.linkage import register_source
    from konvergen.registry.models import Dataset

    datasets = Dataset.objects.filter(snapshots__isnull=False).distinct()
    if region_code:
        datasets = datasets.filter(region_id=region_code)
    found = list(datasets[:2])
    if not found:
        raise CommandError(NO_REGISTER)
    if len(found) > 1:
        raise CommandError(SEVERAL_REGISTERS)
    dataset = found[0]
    register = register_source.register_table(dataset).drop_columns(["person_pk", "family_pk"])
    return (normalise.prepare_register(register), register_source.desa_lookup(dataset),
            dataset)


def neighbours_for(register: pa.Table, max_km: float | None):
    """Neighbouring desa of the register's kab/kota from the stored region list (their
    centroids), or None when the regions are not loaded or ``max_km`` is 0."""
    from django.db.utils import DatabaseError

    from konvergen.linkage import register_source

    desa = [c for c in register.column("desa").unique().to_pylist() if c]
    kabs = sorted({c[:5] for c in desa})
    if not kabs:
        return None
    try:
        tables = [t for t in (register_source.neighbours_of_region(k, max_km=max_km)
                              for k in kabs) if t is not None]
    except (DatabaseError, RuntimeError):
        # no database set up (or, under pytest, none allowed): link without neighbours
        return None
    # a pair across two of the kab/kota comes twice: harmless, neighbours are a set
    return pa.concat_tables(tables) if tables else None


class Command(BaseCommand):
    dataset = None  # the stored register's dataset, when linking against the database
    help = "Tautkan daftar penerima ke register tanpa menyimpan / Link a list to the register"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV/XLSX list to link")
        parser.add_argument("--out", type=Path, required=True, help="result CSV")
        parser.add_argument("--map", action="append", default=[], metavar="Header=field",
                            help="map a header to a field: " + ", ".join(
                                (*columns.LIST_FIELDS, *columns.HELPER_FIELDS)))
        parser.add_argument("--register-families", type=Path)
        parser.add_argument("--register-members", type=Path)
        parser.add_argument("--model", type=Path, help="trained model JSON (trains if absent)")
        parser.add_argument("--save-model", type=Path, help="write the trained model here")
        parser.add_argument("--accept", type=float, help="match probability to accept")
        parser.add_argument("--review", type=float, help="match probability to review")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--unit", choices=("person", "family"), default="person",
                            help="what a row is: a person (default) or a family (No KK, "
                            "head, address); family adds an id_keluarga column")
        parser.add_argument("--neighbour-km", type=float, default=None,
                            help="desa whose centroids are this close are neighbours "
                            "(default: KONVERGEN_LINKAGE_NEIGHBOUR_KM, 3; 0 turns it off)")
        parser.add_argument("--m-estimation", choices=("prior", "em"), default=None,
                            help="when training: m from the field priors or EM on the "
                            "register (default: KONVERGEN_LINKAGE_M_ESTIMATION)")
        parser.add_argument("--region", help="kab/kota code of the stored register to use "
                            "(when no register files are given)")

    def handle(self, *args, **opts):
        started = time.perf_counter()
        register, lookup = self._register(opts)
        self.neighbours = neighbours_for(register, opts["neighbour_km"])
        model = self._model(opts, register)
        table, mapping = self._list(opts)
        for name in ("accept", "review"):
            if opts[name] is not None and not 0.0 <= opts[name] <= 1.0:
                raise CommandError(BAD_THRESHOLD)
        result = link_list(table, register, model, accept=opts["accept"],
                           review=opts["review"], desa_lookup=lookup,
                           neighbours=self.neighbours, unit=opts["unit"])
        write_result(result, opts["out"], family=opts["unit"] == "family")
        counts = {s: 0 for s in ("matched", "review", "unmatched")}
        for s in result.column("status").to_pylist():
            counts[s] += 1
        self.stdout.write(
            f"{result.num_rows} baris / rows: {counts['matched']} cocok / matched, "
            f"{counts['review']} perlu diperiksa / review, {counts['unmatched']} tidak cocok / "
            f"unmatched ({time.perf_counter() - started:.1f} s) -> {opts['out']}")
        if mapping["unknown"]:
            self.stdout.write("Kolom diabaikan / Columns ignored: " + ", ".join(mapping["unknown"]))

    def _register(self, opts):
        fam, mem = opts["register_families"], opts["register_members"]
        if bool(fam) != bool(mem):
            raise CommandError(BOTH_REGISTER_FILES)
        if not fam:
            register, lookup, self.dataset = register_from_database(
                region_code=opts.get("region"))
            return register, lookup
        try:
            register, lookup, _ = read_register_files(fam, mem)
        except IngestFileError as exc:
            raise CommandError(str(exc)) from exc
        return normalise.prepare_register(register), lookup

    def _model(self, opts, register):
        path = opts["model"]
        if path and path.exists():
            try:
                model = LinkageModel.from_dict(json.loads(path.read_text(encoding="utf-8")))
            except (ValueError, KeyError) as exc:
                raise CommandError(BAD_MODEL.format(path=path, detail=exc)) from exc
        elif self.dataset is not None:
            from konvergen.linkage.services import current_model

            model = LinkageModel.from_dict(current_model(self.dataset).params)
        else:
            from django.conf import settings

            model = train_model(register, seed=opts["seed"], neighbours=self.neighbours,
                                m_estimation=opts["m_estimation"]
                                or settings.KONVERGEN_LINKAGE_M_ESTIMATION)
        target = opts["save_model"] or (path if path and not path.exists() else None)
        if target:
            target.write_text(json.dumps(model.to_dict(), indent=1), encoding="utf-8")
        return model

    def _list(self, opts):
        from konvergen.linkage.services import ListLinkError, read_list

        try:
            user = parse_mapping_args(opts["map"])
        except ValueError as exc:
            raise CommandError(BAD_MAP.format(value=opts["map"], detail=exc)) from exc
        try:
            _raw, table, report = read_list(opts["file"], user)
        except ListLinkError as exc:
            raise CommandError(str(exc)) from exc
        return table, report


def write_result(result: pa.Table, path: Path, *, family: bool = False) -> None:
    """Write the contract columns: row_number, id_individu, match_probability, status
    (and, for a family list, id_keluarga: the source ID of the matched family)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(CONTRACT_COLUMNS + ((FAMILY_COLUMN,) if family else ()))
        for row, pid, p, s, fid in zip(result.column("row_number").to_pylist(),
                                       result.column("person_id").to_pylist(),
                                       result.column("match_probability").to_pylist(),
                                       result.column("status").to_pylist(),
                                       result.column("family_id").to_pylist(), strict=True):
            line = [row, pid or "", "" if p is None else f"{p:.6f}", s]
            w.writerow([*line, fid or ""] if family else line)
