"""Probable duplicates inside the register."""

import datetime as dt

from konvergen.linkage.engine.dedupe import dedupe_register, duplicate_families
from konvergen.linkage.engine.model import train_model

from .conftest import PERSONS, make_register


def test_dedupe_finds_a_person_registered_twice_and_keeps_twins_apart():
    moved = [
        # Ujang Sobari again, in another family and desa, under another NIK serial
        ("Z1", "FZ", "3204050207650007", "Ujang Sobari", "L", dt.date(1965, 7, 2),
         "3204050101100099", "32.04.05.2001"),
        # and his wife with her name spelled differently
        ("Z2", "FZ", "3204054101680009", "Enok Kurniasi", "P", dt.date(1968, 1, 1),
         "3204050101100099", "32.04.05.2001"),
    ]
    register = make_register(PERSONS + moved)
    model = train_model(register, seed=3, max_pairs=2e4)
    pairs = dedupe_register(register, model, threshold=0.5)
    found = {tuple(sorted(p)) for p in zip(pairs.column("person_id_l").to_pylist(),
                                             pairs.column("person_id_r").to_pylist(),
                                             strict=True)}
    assert ("E1", "Z1") in found
    assert ("E2", "Z2") in found
    assert ("A3", "A4") not in found  # twins
    assert ("B1", "C1") not in found  # namesakes
    best = pairs.to_pylist()[0]
    assert best["kind"] == "other_family"
    assert {e["field"] for e in best["evidence"]} >= {"name", "birth_date", "nik"}
    families = duplicate_families(pairs, min_probability=0.5).to_pylist()
    assert families[0]["family_id_l"] == "FE" and families[0]["family_id_r"] == "FZ"
    assert families[0]["persons"] == 2
