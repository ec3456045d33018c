from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from konvergen.accounts import throttle

LOCKED = _("Too many failed sign-in attempts. Wait %(minutes)s minutes and try again.")


class ThrottledAuthenticationForm(AuthenticationForm):
    def clean(self):
        username = (self.data.get("username") or "").strip()
        ip = self.request.META.get("REMOTE_ADDR") if self.request else None
        if username and throttle.is_locked(username=username, ip_address=ip):
            raise forms.ValidationError(
                LOCKED,
                code="locked",
                params={"minutes": settings.LOGIN_FAILURE_WINDOW_SECONDS // 60},
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                throttle.record_failure(username=username, ip_address=ip)
            raise
        throttle.clear_failures(username=username)
        return cleaned


# --- User management ---------------------------------------------------------------------

REGION_UNKNOWN = _("Region: no active region with this code lies within your regions.")
ORGANISATION_NEEDED = _(
    "Organisation: agency officers, agency heads and partners act for an organisation."
)
ORGANISATION_NOT_HERE = _("Organisation: this organisation does not work in the chosen region.")
VILLAGE_DESA = _("Region: a village operator is assigned to one desa or kelurahan.")
ROLE_NOT_YOURS = _("Role: you may not grant this role.")
#: Roles for which the "may see personal data" grant means something.
PERSONAL_DATA_GRANTABLE = frozenset({"viewer", "tkpk_chair", "national"})


class AssignmentForm(forms.Form):
    """A role over a region (a code inside the manager's scope) and, for agency officers,
    agency heads and partners, an organisation of that region."""

    role = forms.ChoiceField(label=_("Role"), error_messages={"invalid_choice": ROLE_NOT_YOURS})
    region = forms.CharField(
        label=_("Region"), max_length=13,
        help_text=_("Kemendagri code, e.g. 32.04 (kabupaten) or 32.04.05.2001 (desa)."),
        widget=forms.TextInput(attrs={"list": "region-codes", "autocomplete": "off"}),
    )
    organisation: "forms.ModelChoiceField[Any]" = forms.ModelChoiceField(
        label=_("Organisation"), queryset=None, required=False)
    personal_data = forms.BooleanField(
        label=_("May see personal data"), required=False,
        help_text=_("Leadership viewers and the TKPK chair only; the other roles see "
                    "personal data of their regions by the nature of their work."))

    def __init__(self, *args, manager, **kwargs):
        from konvergen.accounts import access, selectors
        from konvergen.accounts.models import Role

        super().__init__(*args, **kwargs)
        self.manager = manager
        grantable = set(access.grantable_roles(manager))
        cast(forms.ChoiceField, self.fields["role"]).choices = [
            (v, label) for v, label in Role.choices if v in grantable]
        organisation = cast(forms.ModelChoiceField, self.fields["organisation"])
        organisation.queryset = selectors.grantable_organisations(manager)
        organisation.label_from_instance = (  # type: ignore[method-assign]  # Django's hook
            lambda obj: f"{obj.name} ({obj.region_id})")

    def clean_region(self):
        from konvergen.accounts import access
        from konvergen.regions.models import Region

        code = self.cleaned_data["region"].strip()
        region = Region.objects.filter(code=code, is_active=True).first()
        if region is None or not access.in_scope(self.manager, code, feature="users_manage"):
            raise forms.ValidationError(REGION_UNKNOWN, code="region_unknown")
        return region

    def clean(self):
        from konvergen.accounts import access
        from konvergen.accounts.models import ORGANISATION_ROLES, Role
        from konvergen.regions.models import Level

        cleaned = super().clean()
        assert cleaned is not None  # Form.clean() returns cleaned_data
        role, region = cleaned.get("role"), cleaned.get("region")
        organisation = cleaned.get("organisation")
        if role and region and not access.may_grant(self.manager, role, region.code):
            self.add_error("role", forms.ValidationError(ROLE_NOT_YOURS, code="role"))
        if role in ORGANISATION_ROLES:
            if organisation is None:
                self.add_error("organisation", forms.ValidationError(
                    ORGANISATION_NEEDED, code="organisation_needed"))
            elif region and not (region.covers(organisation.region_id)
                                 or organisation.region.covers(region.code)):
                self.add_error("organisation", forms.ValidationError(
                    ORGANISATION_NOT_HERE, code="organisation_region"))
        else:
            cleaned["organisation"] = None
        if role == Role.VILLAGE and region and region.level != Level.DESA:
            self.add_error("region", forms.ValidationError(VILLAGE_DESA, code="village_desa"))
        if role not in PERSONAL_DATA_GRANTABLE:
            cleaned["personal_data"] = False
        return cleaned


class InviteForm(AssignmentForm):
    username = forms.CharField(
        label=_("Username"), max_length=150,
        help_text=_("Letters, digits and @ . + - _ only."),
        validators=[UnicodeUsernameValidator()],
    )
    full_name = forms.CharField(label=_("Full name"), max_length=300)
    email = forms.EmailField(label=_("E-mail"),
                             help_text=_("The invitation link is sent to this address."))

    field_order = ["username", "full_name", "email", "role", "region", "organisation",
                   "personal_data"]

    def clean_username(self):
        from konvergen.accounts.models import User

        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(
                _("Username: this username is already taken."), code="username_taken")
        return username


class CodeForm(forms.Form):
    """A six-digit code from the authenticator app."""

    code = forms.CharField(
        label=_("Code from your authenticator app"), max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                      "pattern": "[0-9 ]*", "autofocus": True}),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("Code: type the six digits your app shows."),
                                        code="code_format")
        return code


RESET_LIMITED = _("Too many password-reset requests. Wait %(minutes)s minutes and try again.")


class ThrottledPasswordResetForm(PasswordResetForm):
    """Django's reset form, refusing more than PASSWORD_RESET_LIMIT requests per address
    (and four times that per client address) within the window; every request counts,
    whether or not an account has the address."""

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_email(self):
        email = self.cleaned_data["email"]
        ip = self.request.META.get("REMOTE_ADDR") if self.request else None
        if throttle.reset_is_limited(email=email, ip_address=ip):
            raise forms.ValidationError(
                RESET_LIMITED, code="reset_limited",
                params={"minutes": settings.PASSWORD_RESET_WINDOW_SECONDS // 60})
        throttle.record_reset_request(email=email, ip_address=ip)
        return email


class AuditedSetPasswordForm(SetPasswordForm):
    """Setting a password from a reset link, written through the audited service."""

    def save(self, commit=True):
        from konvergen.accounts import services

        services.user_password_change(user=self.user,
                                      password=self.cleaned_data["new_password1"], reset=True)
        return self.user


class AuditedPasswordChangeForm(PasswordChangeForm):
    """Changing one's own password (with the old one), written through the audited
    service."""

    def save(self, commit=True):
        from konvergen.accounts import services

        services.user_password_change(user=self.user,
                                      password=self.cleaned_data["new_password1"])
        return self.user
