"""``konvergen api-client create|list|revoke``: clients of the REST API."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from konvergen.api.models import DEFAULT_RATE_LIMIT, SCOPES, ApiClient
from konvergen.api.services import api_client_create, api_client_revoke


class Command(BaseCommand):
    help = "REST API clients: create one (prints its token once), list them, revoke one."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="A new client acting as a service account.")
        create.add_argument("--user", required=True,
                            help="Username of the account whose roles limit the client.")
        create.add_argument("--name", required=True)
        create.add_argument("--scopes", required=True, nargs="+",
                            help="Scopes, space- or comma-separated: " + ", ".join(SCOPES))
        create.add_argument("--rate-limit", type=int, default=DEFAULT_RATE_LIMIT,
                            help=f"Requests per minute (default {DEFAULT_RATE_LIMIT}).")
        sub.add_parser("list", help="Every client with its user, scopes and state.")
        revoke = sub.add_parser("revoke", help="Revoke a client's token.")
        revoke.add_argument("client_id", type=int)

    def handle(self, *args, action, **opts):
        getattr(self, "_" + action)(**opts)

    def _create(self, *, user, name, scopes, rate_limit, **_):
        account = get_user_model().objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"no user {user!r}")
        wanted = [s for item in scopes for s in item.split(",")]
        try:
            client, token = api_client_create(name=name, user=account, scopes=wanted,
                                              rate_limit=rate_limit)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stderr.write(f"client {client.pk} {client.name!r} acting as {user}: "
                          f"{', '.join(client.scopes)}; {client.rate_limit}/min. "
                          "The token is shown only now:")
        self.stdout.write(token)

    def _list(self, **_):
        for c in ApiClient.objects.select_related("user").order_by("pk"):
            state = "active" if c.is_active and not c.revoked_at else "revoked"
            self.stdout.write(f"{c.pk}\t{c.name}\t{c.user.get_username()}\t"
                              f"{','.join(c.scopes)}\t{c.rate_limit}/min\t{state}\t"
                              f"kvg_{c.token_prefix}_…")

    def _revoke(self, *, client_id, **_):
        client = ApiClient.objects.filter(pk=client_id).first()
        if client is None:
            raise CommandError(f"no client {client_id}")
        api_client_revoke(client=client)
        self.stdout.write(f"client {client_id} revoked")
