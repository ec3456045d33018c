"""``konvergen dci-sender add|list|activate|deactivate``: the senders of the DCI interface."""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from konvergen.dci import fields, protocol, services
from konvergen.dci.models import Sender
from konvergen.regions.models import Region


def _list(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


class Command(BaseCommand):
    help = "Register, list, activate or deactivate senders of the DCI social registry API."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="Register a sender with its Ed25519 public key.")
        add.add_argument("sender_id", help="header.sender_id of its messages")
        add.add_argument("--name", required=True)
        add.add_argument("--public-key", type=Path, required=True,
                         help="PEM file of the sender's Ed25519 public key")
        add.add_argument("--key-id", default="1", help="unique_key_id of the signature kidId")
        where = add.add_mutually_exclusive_group(required=True)
        where.add_argument("--region", help="Kemendagri code the sender is limited to")
        where.add_argument("--whole-country", action="store_true")
        add.add_argument("--operations", default=",".join(protocol.OPERATIONS),
                         help=f"comma-separated, of: {', '.join(protocol.OPERATIONS)}")
        add.add_argument("--query-types", default=",".join(protocol.QUERY_TYPES),
                         help=f"comma-separated, of: {', '.join(protocol.QUERY_TYPES)}")
        add.add_argument("--id-types", default=",".join(protocol.ID_TYPES),
                         help=f"comma-separated, of: {', '.join(protocol.ID_TYPES)}")
        add.add_argument("--fields", default=",".join(sorted(fields.NON_IDENTIFYING)),
                         help=f"comma-separated, of: {', '.join(fields.FIELDS)} "
                              "(default: the non-identifying ones; empty: counts only)")
        add.add_argument("--max-page-size", type=int, default=100)
        sub.add_parser("list", help="Every sender, as JSON lines.")
        for name in ("activate", "deactivate"):
            one = sub.add_parser(name)
            one.add_argument("sender_id")

    def handle(self, *args, action, **opts):
        getattr(self, "_" + action)(**opts)

    def _add(self, *, sender_id, name, public_key, key_id, region, whole_country, operations,
             query_types, id_types, fields, max_page_size, **_):
        place = None
        if not whole_country:
            place = Region.objects.filter(code=region).first()
            if place is None:
                raise CommandError(f"unknown region {region}")
        try:
            sender = services.sender_create(
                sender_id=sender_id, name=name, public_key=public_key.read_text(), region=place,
                key_id=key_id, operations=_list(operations), query_types=_list(query_types),
                id_types=_list(id_types), fields=_list(fields), max_page_size=max_page_size)
        except (OSError, ValidationError) as exc:
            raise CommandError(str(exc)) from exc
        where = sender.region_code or "whole country"
        self.stdout.write(f"sender {sender.sender_id} added ({where})")

    def _list(self, **_):
        for sender in Sender.objects.all():
            self.stdout.write(json.dumps({
                "sender_id": sender.sender_id, "name": sender.name, "key_id": sender.key_id,
                "region": sender.region_code, "operations": sender.operations,
                "query_types": sender.query_types, "id_types": sender.id_types,
                "fields": sender.fields, "max_page_size": sender.max_page_size,
                "active": sender.is_active,
            }))

    def _set(self, sender_id: str, active: bool):
        sender = Sender.objects.filter(sender_id=sender_id).first()
        if sender is None:
            raise CommandError(f"unknown sender {sender_id}")
        services.sender_set_active(sender=sender, active=active)
        self.stdout.write(f"sender {sender_id} {'activated' if active else 'deactivated'}")

    def _activate(self, *, sender_id, **_):
        self._set(sender_id, True)

    def _deactivate(self, *, sender_id, **_):
        self._set(sender_id, False)
