"""Record-linkage engine of "one identity" (no Django).

Arrow tables in, Arrow tables out; Splink (Fellegi-Sunter) on embedded DuckDB or on Spark
underneath, with the Indonesian knowledge (NIK structure, name spelling families, titles,
swapped and placeholder dates, desa neighbourhood, household context) on top.

Public API::

    neighbour_pairs(desa, *, max_km) -> pa.Table           # neighbouring desa (centroids)
    prepare_register(register, *, neighbours) -> pa.Table  # features, once per snapshot
    train_model(register, *, backend, seed, max_pairs, m_estimation, neighbours)
        -> LinkageModel                                    # m: "prior" or "em"
    LinkageModel.to_dict() / LinkageModel.from_dict(d)     # JSON-able, versionable
    link_list(list_table, register, model, *, accept, review, backend, neighbours,
              unit) -> pa.Table                            # unit: "person" or "family"
    explain_pair(list_record, register_record, model, *, neighbours) -> dict
    dedupe_register(register, model, *, threshold, backend, neighbours) -> pa.Table
    duplicate_families(pairs) -> pa.Table
    match_weight_histogram(result, *, bins, thresholds) -> dict
    map_list_headers(headers, mapping) / canonical_list(table, mapping)
    read_register_files(families_path, members_path) / register_from_tables(families, members)
"""

from konvergen.linkage.engine.columns import LIST_FIELDS, canonical_list, map_list_headers
from konvergen.linkage.engine.dedupe import dedupe_register, duplicate_families
from konvergen.linkage.engine.link import RESULT_SCHEMA, explain_pair, link_list
from konvergen.linkage.engine.model import (
    DEFAULT_THRESHOLDS,
    LinkageModel,
    match_weight_histogram,
    train_model,
)
from konvergen.linkage.engine.neighbours import neighbour_pairs
from konvergen.linkage.engine.normalise import (
    REGISTER_INPUT_COLUMNS,
    name_features,
    nik_features,
    prepare_list,
    prepare_register,
)
from konvergen.linkage.engine.register import read_register_files, register_from_tables

__all__ = [
    "DEFAULT_THRESHOLDS", "LIST_FIELDS", "REGISTER_INPUT_COLUMNS", "RESULT_SCHEMA",
    "LinkageModel", "canonical_list", "dedupe_register", "duplicate_families", "explain_pair",
    "link_list", "map_list_headers", "match_weight_histogram", "name_features", "neighbour_pairs",
    "nik_features",
    "prepare_list", "prepare_register", "read_register_files", "register_from_tables",
    "train_model",
]
