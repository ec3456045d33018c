"""The accounts app's rows of the permission matrix (see ``test_permission_matrix``): GET rows
(url name -> (kwargs, roles that get HTTP 200, or ``"public"``)), POST rows (roles whose
request gets through the access check, ``"405"``, or ``"public"``: everyone, signed in or
not), POST-only names, and the objects their kwargs name.

Everyone signed in keeps their own account (password, two-factor sign-in); the sign-in,
password-reset and invitation pages are public. The user pages are the secretariat's (and
administrators'): both secretariats list and invite users of their own kabupaten; only
Bandung's opens the Dinas Sosial officer of Kabupaten Bandung."""

SIGNED_IN = {"admin", "tkpk_bandung", "tkpk_cirebon", "tkpk_chair", "agency_head",
             "dinsos_officer", "csr_partner", "village_operator", "viewer", "national",
             "outsider"}
MANAGERS = {"admin", "tkpk_bandung", "tkpk_cirebon"}
BANDUNG_MANAGERS = {"admin", "tkpk_bandung"}
OFFICER = {"user_id": "MANAGED_USER"}
RESET_LINK = {"uidb64": "MQ", "token": "not-a-token"}
INVITATION = {"token": "not-a-token"}

MATRIX: dict = {
    "accounts:account": ({}, SIGNED_IN),
    "accounts:password-change": ({}, SIGNED_IN),
    "accounts:password-change-done": ({}, SIGNED_IN),
    "accounts:password-reset": ({}, "public"),
    "accounts:password-reset-done": ({}, "public"),
    "accounts:password-reset-confirm": (RESET_LINK, "public"),
    "accounts:password-reset-complete": ({}, "public"),
    "accounts:invitation": (INVITATION, "public"),
    "accounts:totp-enrol": ({}, SIGNED_IN),
    "accounts:totp-disable": ({}, SIGNED_IN),
    "accounts:users": ({}, MANAGERS),
    "accounts:user-invite": ({}, MANAGERS),
    "accounts:user": (OFFICER, BANDUNG_MANAGERS),
}
POST_MATRIX: dict = {
    "accounts:login": ({}, "public"),
    "accounts:logout": ({}, "public"),
    "accounts:account": ({}, "405"),
    "accounts:password-change": ({}, SIGNED_IN),
    "accounts:password-change-done": ({}, "405"),
    "accounts:password-reset": ({}, "public"),
    "accounts:password-reset-done": ({}, "405"),
    "accounts:password-reset-confirm": (RESET_LINK, "public"),
    "accounts:password-reset-complete": ({}, "405"),
    "accounts:invitation": (INVITATION, "public"),
    "accounts:totp-enrol": ({}, SIGNED_IN),
    "accounts:totp-disable": ({}, SIGNED_IN),
    # Without a sign-in waiting for its code, the step sends one on (302).
    "accounts:totp-verify": ({}, SIGNED_IN),
    "accounts:users": ({}, "405"),
    "accounts:user-invite": ({}, MANAGERS),
    # An empty post names no action: nothing changes (the officer stays active).
    "accounts:user": (OFFICER, BANDUNG_MANAGERS),
}
#: The code step redirects unless a sign-in waits for its code (tests/accounts/test_totp.py).
NOT_GET: set = {"accounts:totp-verify"}


def matrix_objects(personas, tmp_path) -> dict:
    """The Dinas Sosial officer of Kabupaten Bandung, managed by Bandung's secretariat."""
    return {"MANAGED_USER": personas.dinsos_officer.pk}
