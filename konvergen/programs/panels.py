"""Programmes' section of the family profile (``core.panels``, page "family"): the help
recorded for the family and its members' groups. Registered from ``ProgramsConfig.ready``;
the registry does not import programs."""

from konvergen.accounts import access
from konvergen.programs import selectors


def family_panel(user, *, family, redaction=None, **_subject) -> dict:
    """The help and groups, with names only where the user may see personal data
    (``redaction``, by default ``access.redaction`` in the family's desa)."""
    if redaction is None:
        redaction = access.redaction(user, family.region_code)
    return {
        "family_interventions": selectors.family_interventions(family.pk, redaction=redaction),
        "family_groups": selectors.family_groups(family.pk, redaction=redaction),
    }
