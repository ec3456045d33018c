from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in. What they may do comes only from their role assignments."""

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    TKPK = "tkpk", _("TKPK secretariat")
    AGENCY = "agency", _("Agency officer (OPD)")
    #: The head of an agency (kepala OPD): what its officers may do, and signs off its reports.
    AGENCY_HEAD = "agency_head", _("Agency head (kepala OPD)")
    #: The district social office's data verifiers: validate or return village proposals.
    DINSOS = "dinsos", _("Social office verifier (Dinsos)")
    PARTNER = "partner", _("Partner")
    VILLAGE = "village", _("Village operator")
    VIEWER = "viewer", _("Leadership viewer")
    #: The TKPK chair (usually the wakil bupati/wali kota): what leadership viewers see, and
    #: approves the agencies' verified reports.
    TKPK_CHAIR = "tkpk_chair", _("TKPK chair")
    NATIONAL = "national", _("National coordinator")


#: Roles that act on behalf of an organisation (their assignment names it).
ORGANISATION_ROLES = frozenset({Role.AGENCY, Role.AGENCY_HEAD, Role.PARTNER})

WHOLE_COUNTRY_NATIONAL_ONLY = _(
    "Only a national coordinator may cover the whole country: choose a region."
)


class RoleAssignment(models.Model):
    """A user holds ``role`` over ``region`` and everything below it, for agencies and
    partners on behalf of ``organisation``.

    A national coordinator covers several provinces with one assignment each, or the whole
    country with one assignment without a region (no other role may: a constraint says so).
    ``access.assignment_scope`` turns either into a scope code."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
        help_text=_("Empty: the whole country (national coordinators only)."),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("organisation"),
    )
    personal_data = models.BooleanField(
        _("may see personal data"),
        default=False,
        help_text=_(
            "Only used for viewers and national coordinators; the other roles "
            "see personal data of their scope by the nature of their work."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "region", "organisation"], name="role_assignment_unique"
            ),
            # NULLs are distinct in a unique constraint: one country-wide row per user.
            models.UniqueConstraint(
                fields=["user", "role"], condition=Q(region__isnull=True),
                name="role_assignment_country_once",
            ),
            models.CheckConstraint(
                condition=Q(region__isnull=False) | Q(role=Role.NATIONAL),
                name="role_assignment_country_national",
                violation_error_message=WHOLE_COUNTRY_NATIONAL_ONLY,
            ),
        ]

    def __str__(self) -> str:
        org = f" / {self.organisation}" if self.organisation_id else ""
        return f"{self.user} — {self.get_role_display()} @ {self.region_id or 'Indonesia'}{org}"


class LoginAttempt(models.Model):
    """Failed sign-ins, counted to throttle password guessing."""

    username = models.CharField(max_length=150, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.username} @ {self.at:%Y-%m-%d %H:%M}"


class TotpDevice(models.Model):
    """A user's authenticator app (TOTP, RFC 6238): optional second factor at sign-in.

    Enrolment writes an unconfirmed device; it protects sign-ins only once the user has
    typed a code from the app (``confirmed_at``). ``last_step`` is the time step of the
    last accepted code, so one code cannot be used twice."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="totp_device",
        verbose_name=_("user"),
    )
    secret = models.CharField(_("secret"), max_length=64)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    last_step = models.BigIntegerField(_("last time step used"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")

    def __str__(self) -> str:
        return f"TOTP {self.user_id}"


class PasswordResetRequest(models.Model):
    """Password-reset requests, counted to throttle them (whether or not the address
    belongs to an account, so the limit tells nothing about who has one)."""

    email = models.CharField(max_length=254, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.email} @ {self.at:%Y-%m-%d %H:%M}"
