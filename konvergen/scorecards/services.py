"""Writes of the scorecards app: a region's weights for a preset and its fiscal-incentive
inputs (both audited)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from konvergen.audit.services import audit_record
from konvergen.regions.models import Level
from konvergen.scorecards import engine
from konvergen.scorecards.models import Preset, RegionCompliance, ScorecardWeights

ERR_WEIGHTS = "weights"


def scorecard_weights_set(*, region, weights: dict[str, float], acting_user,
                          preset: str = Preset.LOCAL_AGENCY) -> ScorecardWeights:
    """Store the region's weights of ``preset``'s top-level criteria (checked by the engine:
    none negative, not all zero)."""
    card = engine.local_agency_scorecard()
    known = {c.key for c in card.criteria}
    unknown = sorted(set(weights) - known)
    if unknown:
        raise ValidationError(_("Unknown criterion: %(keys)s.") % {"keys": ", ".join(unknown)},
                              code=ERR_WEIGHTS)
    try:
        engine.reweight(card, weights)
    except ValueError as exc:
        raise ValidationError(
            _("These weights cannot be used: every weight must be 0 or more and at least one "
              "must be above 0."), code=ERR_WEIGHTS) from exc
    clean = {key: float(weights[key]) for key in sorted(weights)}
    with transaction.atomic():
        row, _created = ScorecardWeights.objects.select_for_update().get_or_create(
            region=region, scorecard=preset, defaults={"updated_by": acting_user})
        before = dict(row.weights)
        row.weights, row.updated_by = clean, acting_user
        row.save(update_fields=["weights", "updated_by", "updated_at"])
        audit_record(actor=acting_user, action="scorecards.weights_set", obj=row,
                     region_code=region.code, changes={"weights": [before, clean]})
    return row


COMPLIANCE_FIELDS = ("spending_budget", "decree", "verified_data", "report_q1", "report_q2",
                     "note")


def region_compliance_set(*, region, year: int, values: dict, acting_user) -> RegionCompliance:
    """Store what a kab/kota reports for the PMK 97/2023 incentive of ``year`` (audited
    with the fields that changed)."""
    if region.level != Level.KABKOTA:
        raise ValidationError(_("Only a kabupaten or kota reports this."), code="level")
    budget = values.get("spending_budget")
    if budget is not None and budget < 0:
        raise ValidationError(_("The spending budget cannot be negative."),
                              code="spending_budget")
    with transaction.atomic():
        row, _created = RegionCompliance.objects.select_for_update().get_or_create(
            region=region, year=year, defaults={"updated_by": acting_user})
        changes = {}
        for name in COMPLIANCE_FIELDS:
            if name in values and getattr(row, name) != values[name]:
                changes[name] = [getattr(row, name), values[name]]
                setattr(row, name, values[name])
        row.updated_by = acting_user
        row.save()
        if changes:
            audit_record(actor=acting_user, action="scorecards.compliance_set", obj=row,
                         region_code=region.code, changes={"year": year, **changes})
    return row
