"""``konvergen demo-setup``: the demo region's organisations and one account per role.

Passwords are generated afresh on every run and printed once; nothing else is changed when
the accounts already exist.
"""

import secrets

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from konvergen.accounts.models import Role, RoleAssignment, User
from konvergen.accounts.services import role_assignment_create, user_create, user_set_password
from konvergen.organisations.catalogue import STANDARD_AGENCIES
from konvergen.organisations.models import OrganisationKind, Pentahelix
from konvergen.organisations.services import organisation_get_or_create
from konvergen.regions.models import Level, Region

#: The provinces of BP Taskin's seed agglomeration (Indramayu, Kabupaten and Kota Cirebon,
#: Kuningan in Jawa Barat; Brebes in Jawa Tengah): the national coordinator's demo account
#: covers each of them that is loaded, besides the demo region's province.
NATIONAL_PROVINCES = ("32", "33")

PARTNERS = [
    ("BAZNAS", "BAZNAS Kabupaten", OrganisationKind.ZAKAT, Pentahelix.COMMUNITY),
    ("CSR Mitra", "PT Mitra Sejahtera (CSR)", OrganisationKind.CSR, Pentahelix.BUSINESS),
]


class Command(BaseCommand):
    help = "Create the demo organisations and one account per role (passwords printed)."

    def add_arguments(self, parser):
        parser.add_argument("--region", default="32.04", help="Kab/kota code (default 32.04).")

    def handle(self, *args, region, **opts):
        try:
            kab = Region.objects.get(code=region, level=Level.KABKOTA)
        except Region.DoesNotExist:
            raise CommandError(
                f"Wilayah {region} tidak ditemukan; jalankan `konvergen regions load` dahulu. / "
                f"Region {region} not found; run `konvergen regions load` first."
            ) from None
        desa = (
            Region.objects.filter(level=Level.DESA, code__startswith=kab.code + ".", is_active=True)
            .order_by("code")
            .first()
        )
        if desa is None:
            raise CommandError(f"{region} has no desa/kelurahan loaded.")
        with transaction.atomic():
            orgs = {
                short: organisation_get_or_create(
                    region=kab, name=name, short_name=short, kind=kind, pentahelix=penta
                )
                for short, name, kind, penta in STANDARD_AGENCIES + PARTNERS
            }
            people = [
                ("admin", "Admin Konvergen", None, None, None, True),
                ("tkpk", "Sekretariat TKPK", Role.TKPK, kab, None, False),
                ("dinsos", "Petugas Dinas Sosial", Role.AGENCY, kab, orgs["Dinsos"], False),
                ("kadinsos", "Kepala Dinas Sosial", Role.AGENCY_HEAD, kab, orgs["Dinsos"],
                 False),
                ("ketua", "Ketua TKPK", Role.TKPK_CHAIR, kab, None, False),
                ("verifikator", "Verifikator Dinas Sosial", Role.DINSOS, kab, None,
                 False),
                ("baznas", "Mitra BAZNAS", Role.PARTNER, kab, orgs["BAZNAS"], False),
                ("desa", f"Operator Desa {desa.name}", Role.VILLAGE, desa, None, False),
                ("bupati", "Pimpinan Daerah", Role.VIEWER, kab, None, False),
                ("taskin", "Koordinator Nasional", Role.NATIONAL, kab.parent, None, False),
            ]
            accounts = []
            for username, full_name, role, scope, org, superuser in people:
                password = secrets.token_urlsafe(9)
                user = User.objects.filter(username=username).first()
                if user is None:
                    user = user_create(
                        username=username,
                        password=password,
                        full_name=full_name,
                        is_superuser=superuser,
                    )
                else:
                    user_set_password(user=user, password=password)
                if (
                    role
                    and not RoleAssignment.objects.filter(
                        user=user, role=role, region=scope, organisation=org
                    ).exists()
                ):
                    role_assignment_create(user=user, role=role, region=scope, organisation=org)
                where = f"{scope.code} {scope.name}" if scope else "Indonesia"
                if role == Role.NATIONAL:
                    where = self._national_provinces(user, scope)
                accounts.append((username, password, role or "admin", where))
        self.stdout.write(self.style.SUCCESS("Akun demo / demo accounts:"))
        for username, password, role_name, where in accounts:
            self.stdout.write(f"  {username:11} {password:14} {role_name:9} {where}")

    @staticmethod
    def _national_provinces(user, own) -> str:
        """Give the national coordinator the seed agglomeration's provinces too."""
        provinces = [own, *Region.objects.filter(code__in=NATIONAL_PROVINCES, is_active=True)
                     .exclude(code=own.code).order_by("code")]
        for province in provinces[1:]:
            if not RoleAssignment.objects.filter(user=user, role=Role.NATIONAL,
                                                 region=province).exists():
                role_assignment_create(user=user, role=Role.NATIONAL, region=province)
        return ", ".join(f"{p.code} {p.name}" for p in provinces)
