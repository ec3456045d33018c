"""Registering senders: the command line and the Django admin, both audited; the signature
profile on its own."""

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command

from konvergen.audit.models import AuditEntry
from konvergen.dci import signature
from konvergen.dci.models import Sender


@pytest.fixture
def key_file(tmp_path):
    path = tmp_path / "dinsos.pub.pem"
    path.write_text(signature.public_key_pem(Ed25519PrivateKey.generate().public_key()))
    return path


def test_dci_sender_add_registers_a_limited_sender(personas, key_file, capsys):
    call_command("dci-sender", "add", "dinsos-cirebon", "--name", "Dinsos Kab. Cirebon",
                 "--public-key", str(key_file), "--region", "32.09",
                 "--operations", "search", "--id-types", "NIK,KK")
    sender = Sender.objects.get(sender_id="dinsos-cirebon")
    assert sender.region_code == "32.09" and sender.operations == ["search"]
    assert sender.query_types == ["idtype-value", "predicate"]
    assert sender.id_types == ["NIK", "KK"]
    assert sorted(sender.fields) == ["desil", "group_size", "region"]  # non-identifying
    assert AuditEntry.objects.filter(action="dci.sender_create",
                                     object_id=str(sender.pk)).exists()
    call_command("dci-sender", "deactivate", "dinsos-cirebon")
    sender.refresh_from_db()
    assert not sender.is_active
    call_command("dci-sender", "list")
    assert '"sender_id": "dinsos-cirebon"' in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["--region", "99.99"], "unknown region"),
    (["--whole-country", "--fields", "name,shoe_size"], "Fields"),
    (["--whole-country", "--operations", "subscribe"], "Operations"),
])
def test_dci_sender_add_refuses_bad_settings(personas, key_file, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("dci-sender", "add", "x", "--name", "X", "--public-key", str(key_file),
                     *args)
    assert not Sender.objects.exists()


def test_dci_sender_add_refuses_a_key_that_is_not_ed25519(personas, tmp_path):
    bad = tmp_path / "bad.pem"
    bad.write_text("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    with pytest.raises(CommandError, match="Ed25519"):
        call_command("dci-sender", "add", "x", "--name", "X", "--public-key", str(bad),
                     "--whole-country")


def test_the_admin_registers_a_sender_with_an_audit_row(personas, key_file):
    client = personas.client_for(personas.admin)
    response = client.post("/admin/dci/sender/add/", {
        "sender_id": "baznas-jabar", "name": "BAZNAS Jawa Barat", "key_id": "1",
        "public_key": key_file.read_text(), "region": "32", "operations": '["search"]',
        "query_types": '["predicate"]', "id_types": "[]", "fields": '["desil"]',
        "max_page_size": "100", "is_active": "on",
    })
    assert response.status_code == 302, response.content[:2000]
    sender = Sender.objects.get(sender_id="baznas-jabar")
    assert AuditEntry.objects.filter(action="admin.add", object_id=str(sender.pk)).exists()


def test_signature_round_trip_and_tampering():
    key = Ed25519PrivateKey.generate()
    header, message = {"message_id": "1", "sender_id": "s"}, {"transaction_id": "t"}
    value = signature.sign(header, message, private_key=key, kid="s|k|ed25519", created=1000)
    parsed = signature.verify(value, dict(reversed(header.items())), message,
                              public_key=key.public_key(), now=1100)
    assert (parsed.sender_id, parsed.key_id, parsed.expires) == ("s", "k", 1300)
    with pytest.raises(signature.SignatureError) as error:
        signature.verify(value, header, {"transaction_id": "u"}, public_key=key.public_key(),
                         now=1100)
    assert error.value.kind == signature.INVALID
    with pytest.raises(signature.SignatureError) as error:
        signature.verify(value, header, message, public_key=key.public_key(), now=1400)
    assert "expired" in error.value.reason
