"""Time-based one-time passwords (RFC 6238) through pyotp, and the enrolment QR code as
inline SVG through segno: no Django, no network."""

import time

import pyotp
import segno

ISSUER = "Konvergen"
#: Codes of the previous and next 30-second step are accepted too (clock drift).
DRIFT_STEPS = 1


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, account: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The URI as an inline SVG QR code (no XML declaration, fits in a page)."""
    return segno.make(uri, error="m").svg_inline(scale=5, border=2)


def matching_step(secret: str, code: str, *, after_step: int = 0,
                  now: float | None = None) -> int | None:
    """The time step whose code ``code`` is (within the allowed drift), provided it comes
    after ``after_step`` (so a code is never accepted twice); None otherwise."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = time.time() if now is None else now
    for offset in range(-DRIFT_STEPS, DRIFT_STEPS + 1):
        at = now + offset * totp.interval
        step = totp.timecode(at)
        if step > after_step and pyotp.utils.strings_equal(totp.at(at), code):
            return step
    return None
