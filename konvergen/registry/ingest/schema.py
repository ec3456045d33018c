"""The canonical layout every source is mapped onto, and the shape of a source adapter.

The Arrow schemas below are the contract with the code that stores a snapshot: column names,
order and types of :class:`~konvergen.registry.ingest.pipeline.PreparedRegister` tables.
"""

from dataclasses import dataclass, field

import pyarrow as pa

FAMILIES, MEMBERS = "families", "members"

FAMILY_SCHEMA = pa.schema(
    [
        ("row_number", pa.int64()),
        ("family_id", pa.string()),
        ("kk_number", pa.string()),
        ("region_code", pa.string()),
        ("address", pa.string()),
        ("head_name", pa.string()),
        ("head_nik", pa.string()),
        ("desil", pa.int8()),
        ("latitude", pa.float64()),
        ("longitude", pa.float64()),
        ("house_ownership", pa.string()),
        ("roof_type", pa.string()),
        ("wall_type", pa.string()),
        ("floor_type", pa.string()),
        ("lighting_source", pa.string()),
        ("cooking_fuel", pa.string()),
        ("water_source", pa.string()),
        ("toilet_facility", pa.string()),
        ("toilet_type", pa.string()),
        ("floor_area_m2", pa.float64()),
        ("electricity_power", pa.string()),
        ("has_savings", pa.bool_()),
        ("receives_bpnt", pa.bool_()),
        ("receives_bpum", pa.bool_()),
        ("receives_bst", pa.bool_()),
        ("receives_pkh", pa.bool_()),
        ("receives_sembako", pa.bool_()),
        ("stunting_risk", pa.bool_()),
        ("member_count", pa.int32()),
        ("per_capita_expenditure", pa.float64()),
    ]
)

MEMBER_SCHEMA = pa.schema(
    [
        ("row_number", pa.int64()),
        ("person_id", pa.string()),
        ("family_id", pa.string()),
        ("nik", pa.string()),
        ("name", pa.string()),
        ("dukcapil_verified", pa.bool_()),
        ("sex", pa.string()),
        ("relation", pa.string()),
        ("birth_place", pa.string()),
        ("birth_date", pa.date32()),
        ("marital_status", pa.string()),
        ("occupation", pa.string()),
        ("education", pa.string()),
        ("disability", pa.string()),
        ("chronic_illness", pa.string()),
        ("school_participation", pa.string()),
        ("health_insurance", pa.string()),
        ("nik_sex", pa.string()),
        ("nik_birth_date", pa.date32()),
    ]
)

PROBLEM_SCHEMA = pa.schema(
    [
        ("file", pa.string()),
        ("row_number", pa.int64()),
        ("column", pa.string()),
        ("value", pa.string()),
        ("reason", pa.string()),
        ("message_id", pa.string()),
        ("message_en", pa.string()),
        ("record_id", pa.string()),
    ]
)

REQUIRED: dict[str, tuple[str, ...]] = {
    FAMILIES: ("family_id", "region_code"),
    MEMBERS: ("person_id", "family_id", "name"),
}

# Fields read from a file (the schema minus what the pipeline derives itself).
INPUT_FIELDS: dict[str, tuple[str, ...]] = {
    FAMILIES: tuple(n for n in FAMILY_SCHEMA.names if n != "row_number"),
    MEMBERS: tuple(
        n for n in MEMBER_SCHEMA.names if n not in ("row_number", "nik_sex", "nik_birth_date")
    ),
}

# How each field is parsed; every field not listed is free text (trimmed).
BOOL_FIELDS = frozenset(
    {
        "has_savings",
        "receives_bpnt",
        "receives_bpum",
        "receives_bst",
        "receives_pkh",
        "receives_sembako",
        "stunting_risk",
        "dukcapil_verified",
    }
)
CODED_FIELDS = frozenset(
    {
        "house_ownership",
        "roof_type",
        "wall_type",
        "floor_type",
        "lighting_source",
        "cooking_fuel",
        "water_source",
        "toilet_facility",
        "toilet_type",
        "relation",
        "marital_status",
        "education",
        "school_participation",
        "health_insurance",
    }
)
FLOAT_FIELDS = frozenset({"latitude", "longitude", "floor_area_m2", "per_capita_expenditure"})


@dataclass(frozen=True)
class Source:
    """A source adapter: how one export layout names its columns and values.

    Attributes
    ----------
    name : str
        Short identifier (``"p3ke"``), used on the command line and stored with a snapshot.
    label : str
        Human name of the source.
    columns : dict
        ``{"families": {field: [header synonyms, best first]}, "members": {...}}``.
    ignored : dict
        ``{"families": [headers], "members": [...]}`` known columns that are deliberately
        not imported (region names, age-band flags); they are not reported as unknown.
    ignored_prefixes : tuple of str
        Header keys starting with one of these are ignored too (``"usia"`` for age bands).
    values : dict
        ``{field: {raw value: canonical code}}`` for coded, boolean and sex fields, on top of
        the canonical codes and the generic yes/no and sex words every source accepts.
    """

    name: str
    label: str
    columns: dict[str, dict[str, list[str]]]
    ignored: dict[str, list[str]] = field(default_factory=dict)
    ignored_prefixes: tuple[str, ...] = ()
    values: dict[str, dict[str, str]] = field(default_factory=dict)
