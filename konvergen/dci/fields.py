"""Which fields a sender may receive, and how a family (``Group``) and a person (``Member``)
are written as DCI records with only those fields. Plain dictionaries in and out: no Django.

The record shapes follow the Social Registry data objects of the specification (v1.0.0:
``Group`` with ``group_identifier``, ``group_type``, ``group_size``, ``poverty_score``,
``place``, ``group_head_info``, ``member_list``; ``Member`` with ``member_identifier`` and
``demographic_info`` of type ``SRPerson``); what the objects have no field for (the
Kemendagri region code, the desil of a person's family) travels as the name/value pairs of
``additional_attributes``, the extension point the specification gives.
"""

REGION = "region"
DESIL = "desil"
GROUP_SIZE = "group_size"
IDENTIFIERS = "identifiers"
NAME = "name"
ADDRESS = "address"
SEX = "sex"
BIRTH_DATE = "birth_date"
MEMBERS = "members"

#: Every field a sender may be given, with what it holds. The first three identify nobody.
FIELDS: dict[str, str] = {
    REGION: "Kemendagri code of the family's desa/kelurahan",
    DESIL: "national welfare decile of the family (poverty_score, type 'desil')",
    GROUP_SIZE: "number of current members of the family",
    IDENTIFIERS: "No KK and DTSEN ID of a family; NIK and DTSEN ID of a person",
    NAME: "names (the head of a family, a person)",
    ADDRESS: "the family's address",
    SEX: "a person's sex",
    BIRTH_DATE: "a person's birth date",
    MEMBERS: "a family's head and member list (each with the person fields allowed)",
}
NON_IDENTIFYING = frozenset({REGION, DESIL, GROUP_SIZE})

_SEX = {"L": "male", "P": "female"}


def _identifier(kind: str, value: str) -> dict:
    return {"@type": "Identifier", "identifier_type": kind, "identifier_value": value}


def _attributes(pairs) -> list[dict]:
    return [{"name": name, "value": value} for name, value in pairs if value is not None]


def member_record(person: dict, allowed: frozenset[str]) -> dict:
    """A person (keys ``nik``, ``dtsen_id``, ``name``, ``sex``, ``birth_date`` (ISO),
    ``relation``, ``region_code``, ``desil``) as a ``Member`` with the ``allowed`` fields.

    >>> member_record({"nik": "3204051203800001", "name": "ASEP", "sex": "L",
    ...                "region_code": "32.04.05.2001"}, frozenset({"sex", "region"}))
    {'@type': 'Member', 'demographic_info': {'@type': 'SRPerson', 'sex': 'male'}, \
'additional_attributes': [{'name': 'region_code', 'value': '32.04.05.2001'}]}
    """
    record: dict = {"@type": "Member"}
    if IDENTIFIERS in allowed:
        ids = [_identifier("NIK", person["nik"])] if person.get("nik") else []
        if person.get("dtsen_id"):
            ids.append(_identifier("DTSEN", person["dtsen_id"]))
        record["member_identifier"] = ids
    info: dict = {"@type": "SRPerson"}
    if NAME in allowed and person.get("name"):
        info["name"] = {"@type": "Name", "given_name": person["name"]}
    if SEX in allowed and person.get("sex") in _SEX:
        info["sex"] = _SEX[person["sex"]]
    if BIRTH_DATE in allowed and person.get("birth_date"):
        info["birth_date"] = person["birth_date"]
    if len(info) > 1:
        record["demographic_info"] = info
    if NAME in allowed and person.get("relation"):
        record["relationship_head"] = person["relation"]
    extra = _attributes([
        ("region_code", person.get("region_code") if REGION in allowed else None),
        ("desil", person.get("desil") if DESIL in allowed else None),
    ])
    if extra:
        record["additional_attributes"] = extra
    return record


def group_record(family: dict, members: list[dict], allowed: frozenset[str]) -> dict:
    """A family (keys ``kk_number``, ``dtsen_id``, ``region_code``, ``address``, ``desil``,
    ``head_name``, ``head_nik``, ``last_updated``) and its current members as a ``Group``."""
    record: dict = {"@type": "Group", "group_type": "family"}
    if IDENTIFIERS in allowed:
        ids = [_identifier("KK", family["kk_number"])] if family.get("kk_number") else []
        if family.get("dtsen_id"):
            ids.append(_identifier("DTSEN", family["dtsen_id"]))
        record["group_identifier"] = ids
    if GROUP_SIZE in allowed:
        record["group_size"] = len(members)
    if DESIL in allowed and family.get("desil") is not None:
        record["poverty_score"] = family["desil"]
        record["poverty_score_type"] = "desil"
    place: dict = {}
    if ADDRESS in allowed and family.get("address"):
        place["address"] = family["address"]
    if place:
        record["place"] = {"@type": "Place", **place}
    if MEMBERS in allowed:
        person_fields = allowed - {REGION, DESIL}
        heads = [m for m in members if m.get("is_head")]
        if heads:
            record["group_head_info"] = member_record(heads[0], person_fields)
        record["member_list"] = [member_record(m, person_fields) for m in members]
    elif NAME in allowed and family.get("head_name"):
        record["group_head_info"] = {
            "@type": "Member",
            "demographic_info": {"@type": "SRPerson",
                                 "name": {"@type": "Name", "given_name": family["head_name"]}},
        }
    extra = _attributes([("region_code", family.get("region_code") if REGION in allowed
                          else None)])
    if extra:
        record["additional_attributes"] = extra
    if family.get("last_updated"):
        record["last_updated"] = family["last_updated"]
    return record
