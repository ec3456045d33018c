"""Every field and comparison level the engine reports has a display name, and the names
are Indonesian by default (the engine itself speaks English and knows nothing of Django)."""

from django.utils import translation

from konvergen.linkage import labels
from konvergen.linkage.engine.comparisons import _PRIORS


def test_every_engine_level_has_a_display_name():
    assert set(_PRIORS) <= set(labels.FIELD_LABELS)
    engine_levels = {label for levels in _PRIORS.values() for label, _m in levels}
    assert engine_levels - set(labels.LEVEL_LABELS) == set()


def test_evidence_is_shown_in_indonesian_strongest_first():
    evidence = [
        {"field": "sex", "level": "same", "weight": 0.5},
        {"field": "birth_date", "level": "day and month swapped", "weight": 4.2},
        {"field": "nik", "level": "different", "weight": -6.0},
    ]
    with translation.override("id"):
        rows = labels.evidence_rows(evidence)
        shown = [(str(r["label"]), str(r["level"])) for r in rows]
    assert shown == [("NIK", "berbeda"), ("Tanggal lahir", "tanggal dan bulan tertukar"),
                     ("Jenis kelamin", "sama")]
    with translation.override("en"):
        assert str(labels.evidence_rows(evidence)[1]["level"]) == "day and month swapped"
