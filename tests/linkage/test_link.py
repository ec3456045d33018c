"""Linking lists to the tiny register: rules, twins, namesakes, household context."""

import datetime as dt
import json

import pyarrow as pa
import pytest

from konvergen.linkage.engine.link import RESULT_SCHEMA, explain_pair, link_list
from konvergen.linkage.engine.model import LinkageModel, match_weight_histogram


def _list(rows):
    fields = ("nik", "nama", "tanggal_lahir", "jenis_kelamin", "kode_wilayah")
    return pa.table({f: pa.array([r.get(f) for r in rows], pa.string()) for f in fields})


def _link(rows, register, model):
    return link_list(_list(rows), register, model).to_pylist()


def _top(row):
    return row["person_id"] if row["status"] == "matched" else row["candidates"][0]["person_id"]


def test_exact_nik_with_agreeing_birth_date_and_sex_is_matched_by_rule(register, model):
    [row] = _link([{"nik": "3204051003700001", "nama": "H. Moh. Yusuf", "tanggal_lahir":
                    "10-03-1970", "jenis_kelamin": "L"}], register, model)
    assert (row["person_id"], row["status"], row["rule"]) == ("A1", "matched", "nik_exact")
    assert row["match_probability"] == 1.0


def test_nik_rule_needs_agreeing_birth_date(register, model):
    [row] = _link([{"nik": "3204051003700001", "nama": "Muhammad Yusuf",
                    "tanggal_lahir": "10-03-1971", "jenis_kelamin": "L"}], register, model)
    assert row["rule"] != "nik_exact"
    assert row["person_id"] == "A1"  # still found, by the probabilistic model


def test_twin_listed_with_the_other_twins_nik_is_not_merged(register, model):
    [row] = _link([{"nik": "3204051508050001", "nama": "Rizal Ramadhan",
                    "tanggal_lahir": "15-08-2005", "jenis_kelamin": "L",
                    "kode_wilayah": "3204052001"}], register, model)
    assert row["rule"] != "nik_exact"
    assert row["person_id"] != "A3"
    assert _top(row) == "A4"


@pytest.mark.parametrize(("name", "expected"), [("Rizki Ramadhan", "A3"),
                                                ("Rizal Ramadhan", "A4")])
def test_twins_without_nik_are_told_apart_by_name(register, model, name, expected):
    [row] = _link([{"nama": name, "tanggal_lahir": "15-08-2005", "jenis_kelamin": "L",
                    "kode_wilayah": "3204052001"}], register, model)
    assert (row["person_id"], row["status"]) == (expected, "matched")


@pytest.mark.parametrize(("born", "expected"), [("21-09-1992", "C1"), ("12-04-1980", "B1")])
def test_namesakes_in_one_desa_are_told_apart_by_birth_date(register, model, born, expected):
    [row] = _link([{"nama": "Asep Saepudin", "tanggal_lahir": born, "jenis_kelamin": "L",
                    "kode_wilayah": "32.04.05.2001"}], register, model)
    assert (row["person_id"], row["status"]) == (expected, "matched")


def test_nik_of_another_family_member_links_to_the_right_person(register, model):
    [row] = _link([{"nik": "3204050207650001", "nama": "Dede Kurnia",
                    "tanggal_lahir": "03-05-1990", "jenis_kelamin": "L",
                    "kode_wilayah": "3204052002"}], register, model)
    assert (row["person_id"], row["rule"]) == ("E3", "household")
    assert row["status"] in ("matched", "review")


def test_mistyped_nik_and_swapped_date_still_match(register, model):
    rows = _link([
        {"nik": "3204055511940010", "nama": "Neng Yuliani", "tanggal_lahir": "15-11-1994",
         "jenis_kelamin": "P", "kode_wilayah": "3204052001"},
        {"nama": "Dede Kurnia", "tanggal_lahir": "05-03-1990", "jenis_kelamin": "L",
         "kode_wilayah": "3204052002"},
    ], register, model)
    assert [r["person_id"] for r in rows] == ["C2", "E3"]


def test_person_not_in_register_is_unmatched(register, model):
    [row] = _link([{"nama": "Joko Widodo", "tanggal_lahir": "21-06-1961",
                    "jenis_kelamin": "L", "kode_wilayah": "3204052001"}], register, model)
    assert (row["person_id"], row["status"]) == (None, "unmatched")


def test_result_has_one_row_per_list_row_in_order(register, model):
    rows = [{"nama": "Siti Aminah", "tanggal_lahir": "05-06-1975"}, {}, {"nama": "Budi Santoso"}]
    result = link_list(_list(rows), register, model)
    assert result.schema == RESULT_SCHEMA
    assert result.column("row_number").to_pylist() == [1, 2, 3]
    assert result.column("status").to_pylist()[1] == "unmatched"


def test_review_rows_carry_candidates_with_evidence(register, model):
    result = link_list(_list([{"nama": "Siti Aminah", "tanggal_lahir": "05-06-1975"}]),
                       register, model, accept=1.0, review=0.0).to_pylist()[0]
    assert result["status"] == "review"
    best = result["candidates"][0]
    assert best["person_id"] == "A2"
    fields = {e["field"]: e for e in best["evidence"]}
    assert fields["name"]["level"] == "exact" and fields["name"]["weight"] > 0
    assert fields["nik"]["level"] == "null" and fields["nik"]["weight"] == 0


def test_explain_pair_names_the_swapped_day_and_month(model):
    person = {"person_id": "E3", "family_id": "FE", "nik": "3204050305900001",
              "name": "Dede Kurnia", "sex": "L", "birth_date": dt.date(1990, 5, 3),
              "region_code": "32.04.05.2002"}
    out = explain_pair({"nama": "Dede Kurnia", "tanggal_lahir": "05-03-1990"}, person, model)
    levels = {e["field"]: e["level"] for e in out["evidence"]}
    assert levels["birth_date"] == "day and month swapped"
    out = explain_pair({"nama": "Dede Kurnia", "tanggal_lahir": "01-01-1990"}, person, model)
    assert {e["field"]: e["level"] for e in out["evidence"]}["birth_date"] == \
        "placeholder date, same year"


def test_model_survives_json_and_thresholds_are_configurable(model):
    again = LinkageModel.from_dict(json.loads(json.dumps(model.to_dict())))
    assert again.settings == model.settings
    regional = again.with_thresholds(accept=0.999, review=0.5)
    assert regional.thresholds["accept"] == 0.999 and model.thresholds["accept"] == 0.99
    with pytest.raises(ValueError):
        again.with_thresholds(reject=0.1)


def test_u_comes_from_the_register_and_m_from_priors(model):
    nik = next(c for c in model.settings["comparisons"] if c["output_column_name"] == "nik")
    exact = nik["comparison_levels"][1]
    assert exact["m_probability"] == 0.90
    assert exact["u_probability"] == pytest.approx(1 / model.register["persons"])


def test_match_weight_histogram(register, model):
    result = link_list(_list([{"nama": "Siti Aminah", "tanggal_lahir": "05-06-1975"},
                              {"nama": "Joko Widodo"}]), register, model)
    hist = match_weight_histogram(result, bins=10)
    assert len(hist["counts"]) == 10 and len(hist["edges"]) == 11
    assert sum(hist["counts"]) <= 2
    assert hist["accept_weight"] > hist["review_weight"]
    json.dumps(hist)
