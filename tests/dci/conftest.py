"""A signed DCI client, senders, and a small register: the tiny P3KE register of
Kabupaten Bandung with a DTSEN snapshot of the same families on top, and one family of
Kabupaten Cirebon. Every answer is checked against ``schemas/dci_social_v1.0.0.json``."""

import datetime as dt
import json
import uuid
from pathlib import Path

import jsonschema
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client
from django.utils import timezone
from referencing import Registry, Resource

from konvergen.dci import signature
from tests.conftest import tiny_p3ke_rows, write_p3ke

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "dci_social_v1.0.0.json")
                    .read_text(encoding="utf-8"))
_REGISTRY = Registry().with_resource(SCHEMA["$id"], Resource.from_contents(SCHEMA))
_FORMATS = jsonschema.FormatChecker()


@_FORMATS.checks("date-time", raises=ValueError)
def _date_time(value) -> bool:
    # ISO 8601 with a zone, as the specification asks ("including timezone").
    return not isinstance(value, str) or dt.datetime.fromisoformat(value).tzinfo is not None


@_FORMATS.checks("date", raises=ValueError)
def _date(value) -> bool:
    return not isinstance(value, str) or bool(dt.date.fromisoformat(value))


def assert_valid(document, definition: str) -> None:
    """``document`` is valid against ``$defs/<definition>`` of our schema subset."""
    validator = jsonschema.Draft202012Validator(
        {"$ref": f"{SCHEMA['$id']}#/$defs/{definition}"}, registry=_REGISTRY,
        format_checker=_FORMATS)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


SEARCH_URL = "/registry/sync/search"
STATUS_URL = "/registry/sync/txn/status"

# The tiny register's identifiers.
ASEP_NIK, EUIS_NIK, DEDE_NIK = "3204051203800001", "3204054505820001", "3204051510100001"
KK_P001, KK_P002, KK_P003 = "3204050101100001", "3204050101100002", "3204050101100003"
DTSEN_P001, DTSEN_DEDE = "3204000000001", "320400000000103"
CIREBON_NIK, CIREBON_KK = "3209011203800009", "3209010101100009"

DTSEN_FAMILY_HEADER = ("ID DTSEN,Kode Wilayah,Alamat,No KK,Nama Kepala Keluarga,"
                       "NIK Kepala Keluarga,Desil Nasional")
DTSEN_MEMBER_HEADER = ("ID DTSEN,ID Individu DTSEN,Nama,NIK,Jenis Kelamin,"
                       "Hubungan dengan Kepala Keluarga,Tanggal Lahir")
DTSEN_FAMILIES = [
    f"3204000000001,3204052001,KP. BOJONG RT 001 RW 002,{KK_P001},ASEP SUNANDAR,{ASEP_NIK},1",
    f"3204000000002,3204052001,KP. CIBIRU RT 003 RW 002,{KK_P002},SITI AMINAH,"
    "3204055506850002,2",
    f"3204000000003,3204052002,JL. RAYA CILEUNYI NO 5,{KK_P003},UJANG SURYANA,"
    "3204052010700003,3",
]
DTSEN_MEMBERS = [
    f"3204000000001,320400000000101,ASEP SUNANDAR,{ASEP_NIK},Laki-laki,Kepala Keluarga,"
    "12-03-1980",
    f"3204000000001,320400000000102,EUIS KURNIASIH,{EUIS_NIK},Perempuan,Istri,05-05-1982",
    f"3204000000001,{DTSEN_DEDE},DEDE RAHMAT,{DEDE_NIK},Laki-laki,Anak,15-10-2010",
    "3204000000002,320400000000201,SITI AMINAH,3204055506850002,Perempuan,Kepala Keluarga,"
    "15-06-1985",
    "3204000000002,320400000000202,NUR HIDAYAT,3204050102120002,Laki-laki,Anak,01-02-2012",
    "3204000000003,320400000000301,UJANG SURYANA,3204052010700003,Laki-laki,Kepala Keluarga,"
    "20-10-1970",
    "3204000000003,320400000000302,CUCU SUMIATI,3204056208720003,Perempuan,Istri,22-08-1972",
]


@pytest.fixture
def register(personas, tmp_path):
    """Bandung: P3KE then DTSEN of the same three families; Cirebon: one P3KE family."""
    from konvergen.registry.services import dataset_get_or_create, register_import

    bandung = dataset_get_or_create(source="p3ke", region=personas.bandung)
    fam, mem = write_p3ke(tmp_path / "p3ke", *tiny_p3ke_rows())
    register_import(dataset=bandung, families_path=fam, members_path=mem,
                    snapshot_date=dt.date(2026, 1, 15), acting_user=personas.admin)
    folder = tmp_path / "dtsen"
    folder.mkdir()
    (folder / "keluarga.csv").write_text(
        "\n".join([DTSEN_FAMILY_HEADER, *DTSEN_FAMILIES]) + "\n", encoding="utf-8")
    (folder / "anggota.csv").write_text(
        "\n".join([DTSEN_MEMBER_HEADER, *DTSEN_MEMBERS]) + "\n", encoding="utf-8")
    register_import(dataset=bandung, families_path=folder / "keluarga.csv",
                    members_path=folder / "anggota.csv", source="dtsen",
                    snapshot_date=dt.date(2026, 2, 1), acting_user=personas.admin)
    families, members = tiny_p3ke_rows()
    cirebon_family = (families[0].replace("P001", "C001")
                      .replace("KABUPATEN BANDUNG,CILEUNYI,CILEUNYI KULON,3204052001",
                               "KABUPATEN CIREBON,WALED,WALED DESA,3209012008")
                      .replace(KK_P001, CIREBON_KK).replace(ASEP_NIK, CIREBON_NIK))
    cirebon_head = members[0].replace("P001", "C001").replace("I0011", "C0011").replace(
        ASEP_NIK, CIREBON_NIK)
    fam, mem = write_p3ke(tmp_path / "cirebon", [cirebon_family], [cirebon_head])
    register_import(dataset=dataset_get_or_create(source="p3ke", region=personas.cirebon),
                    families_path=fam, members_path=mem, snapshot_date=dt.date(2026, 1, 15),
                    acting_user=personas.admin)


class DciClient:
    """Builds, signs and posts DCI messages as one sender."""

    def __init__(self, sender_id: str, key: Ed25519PrivateKey, key_id: str = "1"):
        self.sender_id, self.key, self.key_id = sender_id, key, key_id
        self.http = Client()

    def header(self, action: str, total: int = 1, /, **changes) -> dict:
        header = {"version": "1.0.0", "message_id": uuid.uuid4().hex,
                  "message_ts": timezone.now().isoformat(), "action": action,
                  "sender_id": self.sender_id, "receiver_id": "konvergen", "total_count": total}
        header.update(changes)
        return header

    def sign(self, header, message, *, created: int | None = None, expires=None,
             key=None) -> str:
        created = int(timezone.now().timestamp()) if created is None else created
        return signature.sign(header, message, private_key=key or self.key,
                              kid=f"{self.sender_id}|{self.key_id}|ed25519", created=created,
                              expires=expires)

    def envelope(self, action: str, message: dict, /, *, total: int = 1, **header_changes):
        header = self.header(action, total, **header_changes)
        return {"signature": self.sign(header, message), "header": header, "message": message}

    def post(self, url: str, envelope) -> tuple[int, dict]:
        body = envelope if isinstance(envelope, str | bytes) else json.dumps(envelope)
        response = self.http.post(url, body, content_type="application/json")
        assert response["Content-Type"] == "application/json"
        return response.status_code, response.json()

    def search(self, *criteria: dict, transaction_id: str | None = None, valid: bool = True,
               **header_changes):
        """Post a search of one request per ``criteria``; (HTTP status, answer). ``valid``:
        the request is checked against the schema first."""
        message = {
            "transaction_id": transaction_id or uuid.uuid4().hex,
            "search_request": [
                {"reference_id": f"ref-{i + 1}", "timestamp": timezone.now().isoformat(),
                 "search_criteria": c} for i, c in enumerate(criteria)],
        }
        envelope = self.envelope("search", message, total=len(criteria), **header_changes)
        if valid:
            assert_valid(envelope, "search_request_envelope")
        return self.post(SEARCH_URL, envelope)

    def status(self, attribute_type: str, value, *, txn_type: str = "search"):
        message = {"transaction_id": uuid.uuid4().hex,
                   "txnstatus_request": {"reference_id": "status-1", "txn_type": txn_type,
                                         "attribute_type": attribute_type,
                                         "attribute_value": value}}
        envelope = self.envelope("txn-status", message)
        assert_valid(envelope, "txn_status_request_envelope")
        return self.post(STATUS_URL, envelope)


def idtype(id_type: str, value: str, **extra) -> dict:
    return {"query_type": "idtype-value", "query": {"type": id_type, "value": value}, **extra}


def predicate(*expressions, **extra) -> dict:
    """One predicate item per (attribute, operator, value); items are ANDed."""
    items = [{"seq_num": i + 1, "expression1": {"attribute_name": a, "operator": o,
                                                "attribute_value": v}}
             for i, (a, o, v) in enumerate(expressions)]
    return {"query_type": "predicate", "query": items, **extra}


ALL_FIELDS = ["region", "desil", "group_size", "identifiers", "name", "address", "sex",
              "birth_date", "members"]


@pytest.fixture
def make_sender(personas):
    """make_sender(sender_id, region=..., **limits) -> DciClient of a registered sender."""

    def make(sender_id: str = "dinsos-jabar", *, region="32.04", fields=None, **limits):
        from konvergen.dci.services import sender_create
        from konvergen.regions.models import Region

        key = Ed25519PrivateKey.generate()
        sender_create(
            sender_id=sender_id, name=sender_id.upper(),
            public_key=signature.public_key_pem(key.public_key()),
            region=Region.objects.get(code=region) if region else None,
            operations=limits.pop("operations", ["search", "txn-status"]),
            query_types=limits.pop("query_types", ["idtype-value", "predicate"]),
            id_types=limits.pop("id_types", ["NIK", "KK", "DTSEN"]),
            fields=ALL_FIELDS if fields is None else fields, acting_user=personas.admin,
            **limits)
        return DciClient(sender_id, key)

    return make


@pytest.fixture
def dinsos(make_sender, register):
    """A sender limited to Kabupaten Bandung with every operation and field."""
    return make_sender()
