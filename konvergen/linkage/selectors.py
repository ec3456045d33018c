"""Reads of the linkage app for pages."""

import math

from konvergen.linkage import labels
from konvergen.linkage.models import LinkageModelVersion
from konvergen.registry.models import Dataset


def model_parameters(region) -> dict | None:
    """The latest model version of the region's register with its parameters, level by
    level: ``m`` (and whether EM on the register estimated it or it is the field prior),
    ``u`` and the match weight ``log2(m/u)``. ``None`` when no version was trained."""
    dataset = Dataset.objects.filter(region=region).first()
    if dataset is None:
        return None
    version = (
        LinkageModelVersion.objects.filter(dataset=dataset)
        .order_by("-version")
        .only("version", "created_at", "params", "snapshot_id")
        .first()
    )
    if version is None:
        return None
    params = version.params or {}
    trained = params.get("trained", {})
    sources = trained.get("m_source", {})
    rows = []
    for comp in params.get("settings", {}).get("comparisons", []):
        name = comp["output_column_name"]
        levels = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
        for i, lv in enumerate(levels):
            m, u = lv.get("m_probability"), lv.get("u_probability")
            source = (sources.get(name) or [])[i] if i < len(sources.get(name) or []) else "prior"
            rows.append(
                {
                    "field": labels.field_label(name),
                    "level": labels.level_label(lv.get("label_for_charts", "")),
                    "m": m,
                    "u": u,
                    "weight": math.log2(m / u) if m and u else None,
                    "source": source,
                }
            )
    em = trained.get("em") or {}
    return {
        "version": version,
        "m_estimation": trained.get("m_estimation", "prior"),
        "neighbour_km": trained.get("neighbour_km"),
        "rows": rows,
        "em_sessions": em.get("sessions", []),
        "em_rejected": em.get("rejected", {}),
    }
