"""Sign-in, one's own account (password, two-factor) and the secretariat's user pages.

Access is decided in ``access`` (``users_manage``, ``access_managed_user``,
``may_manage_user``) and the rules of granting in the services; the views only wire forms
to them."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from konvergen.accounts import access, selectors, services, throttle, tokens, totp
from konvergen.accounts.forms import (
    AssignmentForm,
    AuditedPasswordChangeForm,
    AuditedSetPasswordForm,
    CodeForm,
    InviteForm,
    ThrottledAuthenticationForm,
    ThrottledPasswordResetForm,
)
from konvergen.accounts.middleware import PENDING
from konvergen.accounts.models import Role

#: Session key holding a fresh invitation link to show once on the user's page.
_INVITE_LINK = "konvergen_invitation_link"


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


# --- One's own account ---------------------------------------------------------------------

@login_required
@require_GET
def account(request):
    return render(request, "accounts/account.html", {
        "totp_enabled": selectors.has_totp(request.user),
        "assignments": selectors.user_with_assignments(request.user),
    })


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = AuditedPasswordChangeForm
    success_url = reverse_lazy("accounts:password-change-done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = ThrottledPasswordResetForm
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password-reset-done")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = AuditedSetPasswordForm
    success_url = reverse_lazy("accounts:password-reset-complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@require_http_methods(["GET", "POST"])
def invitation(request, token: str):
    """The invitee's page: set a password (once, before the link expires), then sign in."""
    user = tokens.invitation_user(token)
    if user is None:
        return render(request, "accounts/invitation.html", {"invalid": True})
    form = AuditedSetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.invitation_accept(user=user, password=form.cleaned_data["new_password1"])
        messages.success(request, _("Your password is set: sign in with it."))
        return redirect("accounts:login")
    return render(request, "accounts/invitation.html", {"form": form, "invitee": user})


# --- Two-factor sign-in ----------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def totp_enrol(request):
    device = services.totp_enrol_start(user=request.user)
    if device.confirmed_at:
        return redirect("accounts:account")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_confirm(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc)
        else:
            messages.success(request, _("Two-factor sign-in is on: each sign-in now asks "
                                        "for a code from your authenticator app."))
            return redirect("accounts:account")
    uri = totp.provisioning_uri(device.secret, request.user.get_username())
    return render(request, "accounts/totp_enrol.html", {
        "form": form, "secret": device.secret, "uri": uri,
        # segno draws the URI as modules (paths): no text of it reaches the markup.
        "qr": mark_safe(totp.qr_svg(uri)),
    })


@login_required
@require_http_methods(["GET", "POST"])
def totp_disable(request):
    enabled = selectors.has_totp(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and enabled and form.is_valid():
        try:
            services.totp_disable(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc)
        else:
            messages.success(request, _("Two-factor sign-in is off."))
            return redirect("accounts:account")
    return render(request, "accounts/totp_disable.html", {"form": form, "enabled": enabled})


def _next_url(request) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return wanted
    return reverse(settings.LOGIN_REDIRECT_URL)


@login_required
@require_http_methods(["GET", "POST"])
def totp_verify(request):
    """The code step after the password: only while the session owes its code."""
    if not request.session.get(PENDING):
        return redirect(_next_url(request))
    if not selectors.has_totp(request.user):  # switched off meanwhile (by an administrator)
        request.session.pop(PENDING, None)
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.totp_check(user=request.user, code=form.cleaned_data["code"]):
            request.session.pop(PENDING, None)
            request.session.pop("totp_failures", None)
            request.session.cycle_key()
            return redirect(_next_url(request))
        failures = request.session.get("totp_failures", 0) + 1
        request.session["totp_failures"] = failures
        if failures >= settings.LOGIN_FAILURE_LIMIT:
            # Count it as a failed sign-in too: the username's throttle applies.
            throttle.record_failure(username=request.user.get_username(),
                                    ip_address=request.META.get("REMOTE_ADDR"))
            logout(request)
            messages.error(request, _("Too many wrong codes: sign in again."))
            return redirect("accounts:login")
        form.add_error("code", services.WRONG_CODE)
    return render(request, "accounts/totp_verify.html",
                  {"form": form, "next": _next_url(request)})


# --- User management (secretariat, administrators) --------------------------------------------

@login_required
@require_GET
def user_list(request):
    access.require_feature(request.user, "users_manage")
    q, role, active = (request.GET.get("q", "").strip(), request.GET.get("role", ""),
                       request.GET.get("active", ""))
    users = list(selectors.managed_users(request.user, q=q, role=role if role in Role.values
                                         else "", active=active)[:500])
    with_totp = selectors.totp_users(users)
    for u in users:
        u.manageable = access.may_manage_user(request.user, u,
                                              held=[a.region_id for a in u.assignments])
        u.has_totp = u.pk in with_totp
    return render(request, "accounts/user_list.html", {
        "users": users, "q": q, "role": role, "active": active, "roles": Role.choices,
    })


def _invitation_link(request, user) -> str:
    return request.build_absolute_uri(
        reverse("accounts:invitation", kwargs={"token": tokens.invitation_token(user)}))


@login_required
@require_http_methods(["GET", "POST"])
def user_invite(request):
    access.require_feature(request.user, "users_manage")
    form = InviteForm(request.POST or None, manager=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_invite(
                username=data["username"], full_name=data["full_name"], email=data["email"],
                role=data["role"], region=data["region"], organisation=data["organisation"],
                personal_data=data["personal_data"], acting_user=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            link = _invitation_link(request, user)
            services.invitation_send(user=user, link=link)
            request.session[_INVITE_LINK] = [user.pk, link]
            messages.success(request, _("%(name)s is invited: the link was e-mailed to "
                                        "%(email)s.") % {"name": user.username,
                                                         "email": user.email})
            return redirect("accounts:user", user_id=user.pk)
    return render(request, "accounts/user_invite.html", {
        "form": form, "regions": selectors.region_suggestions(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def user_detail(request, user_id: int):
    """A user's roles; the manager adds and removes roles, deactivates or reactivates the
    user and renews an unused invitation (POST ``action``). Users holding a role outside
    the manager's regions are shown read-only."""
    access.require_feature(request.user, "users_manage")
    target = access.access_managed_user(request.user, user_id)
    manageable = access.may_manage_user(request.user, target)
    form = AssignmentForm(manager=request.user)
    if request.method == "POST":
        if not manageable:
            raise Http404(access.NOT_FOUND)
        action = request.POST.get("action", "")
        try:
            if action == "add_role":
                form = AssignmentForm(request.POST, manager=request.user)
                if form.is_valid():
                    d = form.cleaned_data
                    services.user_role_grant(user=target, role=d["role"], region=d["region"],
                                             organisation=d["organisation"],
                                             personal_data=d["personal_data"],
                                             acting_user=request.user)
                    messages.success(request, _("Role granted."))
                    return redirect("accounts:user", user_id=target.pk)
            elif action == "remove_role":
                assignment = selectors.user_assignment(target, request.POST.get("assignment"))
                if assignment is None:
                    raise Http404(access.NOT_FOUND)
                services.user_role_revoke(assignment=assignment, acting_user=request.user)
                messages.success(request, _("Role removed."))
                return redirect("accounts:user", user_id=target.pk)
            elif action in ("deactivate", "reactivate"):
                services.user_set_active(user=target, active=action == "reactivate",
                                         acting_user=request.user)
                messages.success(request, _("User reactivated.") if action == "reactivate"
                                 else _("User deactivated: they can no longer sign in."))
                return redirect("accounts:user", user_id=target.pk)
            elif action == "renew_invitation":
                services.invitation_renew(user=target, acting_user=request.user)
                link = _invitation_link(request, target)
                services.invitation_send(user=target, link=link)
                request.session[_INVITE_LINK] = [target.pk, link]
                messages.success(request, _("A new invitation link was made; earlier links "
                                            "no longer work."))
                return redirect("accounts:user", user_id=target.pk)
            else:
                messages.error(request, _("Nothing to do."))
                return redirect("accounts:user", user_id=target.pk)
        except ValidationError as exc:
            if action == "add_role":
                form.add_error(None, exc)
            else:
                for message in exc.messages:
                    messages.error(request, message)
                return redirect("accounts:user", user_id=target.pk)
    invitation_link: str | None = None
    shown = request.session.get(_INVITE_LINK)
    if shown and shown[0] == target.pk:
        invitation_link = shown[1]
        del request.session[_INVITE_LINK]
    return render(request, "accounts/user_detail.html", {
        "target": target,
        "assignments": selectors.user_with_assignments(target),
        "manageable": manageable,
        "is_self": target.pk == request.user.pk,
        "invitation_pending": not target.has_usable_password(),
        "invitation_link": invitation_link,
        "has_totp": selectors.has_totp(target),
        "form": form,
        "regions": selectors.region_suggestions(request.user) if manageable else [],
    })
