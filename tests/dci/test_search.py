"""A sender searches the register by NIK, No KK, DTSEN ID and by predicate, and receives
only its allowed fields of the families in its region, a page at a time."""

from tests.dci.conftest import (
    ASEP_NIK,
    CIREBON_KK,
    DEDE_NIK,
    DTSEN_DEDE,
    DTSEN_P001,
    EUIS_NIK,
    KK_P001,
    KK_P002,
    assert_valid,
    idtype,
    predicate,
)


def _answer(result):
    status, body = result
    assert status == 200, body
    assert_valid(body, "search_response_envelope")
    assert body["header"]["status"] == "succ"
    return body


def _identifiers(record, key="group_identifier"):
    return {i["identifier_type"]: i["identifier_value"] for i in record.get(key, [])}


def test_search_by_nik_finds_the_family_of_a_member(dinsos):
    body = _answer(dinsos.search(idtype("NIK", EUIS_NIK)))
    header, (item,) = body["header"], body["message"]["search_response"]
    assert header["action"] == "on-search" and header["receiver_id"] == "dinsos-jabar"
    assert header["total_count"] == header["completed_count"] == 1
    assert item["reference_id"] == "ref-1" and item["status"] == "succ"
    assert item["pagination"]["total_count"] == 1
    (family,) = item["data"]["reg_records"]
    assert item["data"]["reg_record_type"] == "Group"
    assert _identifiers(family) == {"KK": KK_P001, "DTSEN": DTSEN_P001}
    assert family["poverty_score"] == 1 and family["group_size"] == 3
    names = [m["demographic_info"]["name"]["given_name"] for m in family["member_list"]]
    assert names == ["ASEP SUNANDAR", "EUIS KURNIASIH", "DEDE RAHMAT"]
    assert family["group_head_info"]["demographic_info"]["name"]["given_name"] == "ASEP SUNANDAR"
    assert family["additional_attributes"] == [{"name": "region_code",
                                                "value": "32.04.05.2001"}]


def test_search_by_kk_and_by_dtsen_id_find_the_same_family(dinsos):
    body = _answer(dinsos.search(idtype("KK", KK_P001), idtype("DTSEN", DTSEN_P001)))
    by_kk, by_dtsen = body["message"]["search_response"]
    assert by_kk["data"]["reg_records"] == by_dtsen["data"]["reg_records"]
    assert _identifiers(by_kk["data"]["reg_records"][0])["KK"] == KK_P001


def test_member_search_by_nik_and_by_a_persons_dtsen_id(dinsos):
    body = _answer(dinsos.search(idtype("NIK", DEDE_NIK, response_entity="Member"),
                                 idtype("DTSEN", DTSEN_DEDE, response_entity="Member")))
    by_nik, by_dtsen = body["message"]["search_response"]
    (person,) = by_nik["data"]["reg_records"]
    assert by_nik["data"]["reg_record_type"] == "Member"
    assert _identifiers(person, "member_identifier") == {"NIK": DEDE_NIK, "DTSEN": DTSEN_DEDE}
    assert person["demographic_info"] == {"@type": "SRPerson",
                                          "name": {"@type": "Name", "given_name": "DEDE RAHMAT"},
                                          "sex": "male", "birth_date": "2010-10-15"}
    assert by_dtsen["data"]["reg_records"] == [person]


def test_an_unknown_identifier_finds_nothing_and_is_no_error(dinsos):
    body = _answer(dinsos.search(idtype("NIK", "3204059999999999")))
    (item,) = body["message"]["search_response"]
    assert item["status"] == "succ" and item["data"]["reg_records"] == []
    assert item["pagination"]["total_count"] == 0


def test_predicate_search_by_desil_and_age(dinsos):
    # Desil 1-2 families with a child under 15: P001 (Dede, 2010) and P002 (Nur, 2012).
    body = _answer(dinsos.search(
        predicate(("desil", "le", "2"), ("age", "lt", 18), sort=[
            {"attribute_name": "desil", "sort_order": "desc"}]),
        predicate(("desil", "eq", 3)),
        predicate(("region_code", "eq", "32.04.05.2002")),
    ))
    poor_with_children, desil_3, wetan = body["message"]["search_response"]
    kks = [_identifiers(r)["KK"] for r in poor_with_children["data"]["reg_records"]]
    assert kks == [KK_P002, KK_P001]  # desil descending
    assert [r["poverty_score"] for r in desil_3["data"]["reg_records"]] == [3]
    assert wetan["data"]["reg_records"] == desil_3["data"]["reg_records"]


def test_predicate_conditions_or_and_not(dinsos):
    def expression(attribute, operator, value):
        return {"attribute_name": attribute, "operator": operator, "attribute_value": value}

    either = {"query_type": "predicate", "query": [{
        "seq_num": 1, "expression1": expression("desil", "eq", 1), "condition": "or",
        "expression2": expression("desil", "eq", 3)}]}
    but_not = {"query_type": "predicate", "query": [{
        "seq_num": 1, "expression1": expression("desil", "in", "1,2"), "condition": "not",
        "expression2": expression("sex", "eq", "female")}]}
    body = _answer(dinsos.search(either, but_not))
    either_answer, not_answer = body["message"]["search_response"]
    assert sorted(r["poverty_score"] for r in either_answer["data"]["reg_records"]) == [1, 3]
    # Every desil 1-2 family has a woman or girl: none is left.
    assert not_answer["pagination"]["total_count"] == 0


def test_member_predicate_search_by_sex_and_birth_date(dinsos):
    body = _answer(dinsos.search(predicate(("sex", "eq", "female"),
                                           ("birth_date", "lt", "1984-01-01"),
                                           response_entity="Member")))
    (item,) = body["message"]["search_response"]
    names = sorted(r["demographic_info"]["name"]["given_name"]
                   for r in item["data"]["reg_records"])
    assert names == ["CUCU SUMIATI", "EUIS KURNIASIH"]


def test_paging_walks_the_result_with_one_total(dinsos):
    pages = []
    for number in (1, 2, 3):
        body = _answer(dinsos.search(predicate(("desil", "ge", 1),
                                               pagination={"page_size": 2,
                                                           "page_number": number})))
        (item,) = body["message"]["search_response"]
        assert item["pagination"] == {"page_size": 2, "page_number": number, "total_count": 3}
        pages.append([_identifiers(r)["KK"] for r in item["data"]["reg_records"]])
    assert [len(p) for p in pages] == [2, 1, 0]
    assert len(set(pages[0] + pages[1])) == 3


def test_a_page_larger_than_the_senders_limit_is_rejected(make_sender, register):
    client = make_sender(max_page_size=50)
    body = _answer(client.search(predicate(("desil", "ge", 1),
                                           pagination={"page_size": 51})))
    (item,) = body["message"]["search_response"]
    assert item["status"] == "rjct" and item["status_reason_code"] == "rjct.pagination.invalid"


def test_a_sender_receives_only_its_fields(make_sender, register):
    client = make_sender("bappenas-stats", fields=["region", "desil", "group_size"])
    body = _answer(client.search(idtype("KK", KK_P001),
                                 idtype("NIK", EUIS_NIK, response_entity="Member")))
    family = body["message"]["search_response"][0]["data"]["reg_records"][0]
    assert family == {"@type": "Group", "group_type": "family", "group_size": 3,
                      "poverty_score": 1, "poverty_score_type": "desil",
                      "additional_attributes": [{"name": "region_code",
                                                 "value": "32.04.05.2001"}],
                      "last_updated": "2026-02-01T00:00:00Z"}
    person = body["message"]["search_response"][1]["data"]["reg_records"][0]
    assert person == {"@type": "Member", "additional_attributes": [
        {"name": "region_code", "value": "32.04.05.2001"}, {"name": "desil", "value": 1}]}
    assert ASEP_NIK not in str(body) and "ASEP" not in str(body)


def test_a_counts_only_sender_gets_totals_and_no_records(make_sender, register):
    client = make_sender("counts-only", fields=[])
    body = _answer(client.search(predicate(("desil", "le", 2))))
    (item,) = body["message"]["search_response"]
    assert item["pagination"]["total_count"] == 2 and item["data"]["reg_records"] == []


def test_a_sender_of_kabupaten_cirebon_finds_nobody_of_kabupaten_bandung(make_sender, register):
    cirebon = make_sender("dinsos-cirebon", region="32.09")
    body = _answer(cirebon.search(idtype("NIK", ASEP_NIK), idtype("KK", KK_P001),
                                  idtype("DTSEN", DTSEN_P001), predicate(("desil", "ge", 1)),
                                  idtype("KK", CIREBON_KK)))
    *bandung, everyone, own = body["message"]["search_response"]
    assert all(item["pagination"]["total_count"] == 0 for item in bandung)
    assert everyone["pagination"]["total_count"] == 1
    assert _identifiers(everyone["data"]["reg_records"][0])["KK"] == CIREBON_KK
    assert own["pagination"]["total_count"] == 1


def test_a_whole_country_sender_finds_both_regions(make_sender, register):
    client = make_sender("kemensos", region=None)
    body = _answer(client.search(predicate(("desil", "eq", 1))))
    assert body["message"]["search_response"][0]["pagination"]["total_count"] == 2


def test_query_and_id_types_the_sender_may_not_use_are_rejected(make_sender, register):
    client = make_sender("kk-only", query_types=["idtype-value"], id_types=["KK"])
    body = _answer(client.search(idtype("KK", KK_P001), idtype("NIK", ASEP_NIK),
                                 predicate(("desil", "eq", 1)),
                                 {"query_type": "expression", "query": {"type": "x",
                                                                       "value": {}}}))
    kk, nik, pred, expression = body["message"]["search_response"]
    assert kk["status"] == "succ" and kk["pagination"]["total_count"] == 1
    for item in (nik, pred, expression):
        assert item["status"] == "rjct"
        assert item["status_reason_code"] == "rjct.search_criteria.invalid"


def test_malformed_criteria_sort_and_references_are_rejected_one_by_one(dinsos):
    body = _answer(dinsos.search(
        predicate(("income", "lt", 5)),
        predicate(("desil", "between", 5)),
        predicate(("desil", "lt", "five")),
        predicate(("desil", "lt", 5), sort=[{"attribute_name": "name"}]),
        predicate(("desil", "lt", 5), pagination={"page_size": 0}),
        idtype("NIK", ASEP_NIK),
        valid=False,
    ))
    codes = [i.get("status_reason_code") for i in body["message"]["search_response"]]
    assert codes == ["rjct.search_criteria.invalid"] * 3 + [
        "rjct.sort.invalid", "rjct.pagination.invalid", None]


def test_a_predicate_search_is_one_counted_query_and_one_paged_query(dinsos,
                                                                     django_assert_max_num_queries):
    # Sender, duplicate check, count, page, members, DTSEN aliases, and the stored
    # transaction with its audit row: a fixed number, whatever the register's size.
    with django_assert_max_num_queries(16):
        _answer(dinsos.search(predicate(("desil", "le", 3), ("age", "lt", 60))))
