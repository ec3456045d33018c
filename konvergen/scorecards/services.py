"""Writes of the scorecards app: a region's weights for a preset and its fiscal-incentive
inputs (both audited)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from konvergen.audit.services import audit_record, model_changes
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
        changes = model_changes(row, list(COMPLIANCE_FIELDS), values)
        for name, (_old, new) in changes.items():
            setattr(row, name, new)
        row.updated_by = acting_user
        row.save()
        if changes:
            audit_record(actor=acting_user, action="scorecards.compliance_set", obj=row,
                         region_code=region.code, changes={"year": year, **changes})
    return row


# --- Scorecards a secretariat defines ------------------------------------------------------

CRITERION_FIELDS = ("label", "source", "parameter", "rule", "weight", "polarity", "cap")


def _criterion_error(number: int, field: str, message: str) -> ValidationError:
    labels = {"source": _("source"), "rule": _("scoring rule"), "weight": _("weight"),
              "parameter": _("indicator code or quarter"), "polarity": _("better when"),
              "cap": _("cap")}
    return ValidationError(
        _("Criterion %(n)s, field “%(field)s”: %(message)s")
        % {"n": number, "field": labels[field], "message": message}, code=field)


def _clean_criteria(peers: str, rows: list[dict]) -> list[dict]:
    """Check each criterion against the catalogue (source for these peers, a rule that
    fits the source, a valid parameter, weight and cap) and give it a key; the messages
    name the criterion's number and the field."""
    from django.utils.text import slugify

    from konvergen.scorecards import sources
    from konvergen.targets.models import Indicator

    if not rows:
        raise ValidationError(_("A scorecard needs at least one criterion."), code="criteria")
    indicators = {i.code: i for i in Indicator.objects.filter(
        code__in=[r.get("parameter") or "" for r in rows])}
    clean: list[dict] = []
    keys: set[str] = set()
    for number, row in enumerate(rows, start=1):
        source = sources.CATALOGUE.get(row.get("source") or "")
        if source is None or source.peers != peers:
            raise _criterion_error(number, "source", _("choose a source from the list."))
        rule = row.get("rule") or ""
        if rule not in sources.RULES[source.kind]:
            raise _criterion_error(number, "rule", _(
                "this source cannot be scored with that rule; use one of: %(rules)s.")
                % {"rules": ", ".join(str(sources.RULE_LABELS[r])
                                      for r in sources.RULES[source.kind])})
        parameter = (row.get("parameter") or "").strip()
        polarity = row.get("polarity") or ""
        if source.parameter == sources.P_INDICATOR:
            indicator = indicators.get(parameter)
            if indicator is None:
                raise _criterion_error(number, "parameter", _(
                    "give the code of an indicator (see the indicators page)."))
            if rule == engine.ACHIEVEMENT or (rule == engine.MINMAX and not polarity):
                polarity = indicator.polarity
        elif source.parameter == sources.P_QUARTER:
            if parameter not in ("1", "2", "3", "4"):
                raise _criterion_error(number, "parameter", _("give a quarter, 1 to 4."))
        else:
            parameter = ""
        if rule == engine.TO_BEST and polarity == engine.LOWER:
            raise _criterion_error(number, "polarity", _(
                "“against the best peer” is for higher-is-better values; use min–max with "
                "“lower is better”."))
        if rule not in (engine.MINMAX, engine.ACHIEVEMENT):
            polarity = ""
        try:
            weight = float(row.get("weight"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            weight = -1.0
        if not weight >= 0 or weight > 1000:
            raise _criterion_error(number, "weight", _("give a number from 0 to 1000."))
        given = row.get("cap")
        cap: float | None = None
        if given not in ("", None) and rule in engine.CAPPED_RULES:
            try:
                cap = float(given)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                cap = 0.0
            if not cap > 0:
                raise _criterion_error(number, "cap", _("give a number above 0, or leave "
                                                        "it empty."))
        label = (row.get("label") or "").strip() or str(source.label)
        base = slugify(f"{source.key}-{parameter}" if parameter else source.key)[:36]
        key, n = base, 2
        while key in keys:
            key, n = f"{base}-{n}", n + 1
        keys.add(key)
        clean.append({"key": key, "label": label[:160], "source": source.key,
                      "parameter": parameter, "rule": rule, "weight": weight,
                      "polarity": polarity, "cap": cap})
    if not any(row["weight"] > 0 for row in clean):
        raise ValidationError(_("At least one weight must be above 0."), code="weight")
    return clean


def custom_scorecard_save(*, region, peers: str, name: str, criteria: list[dict],
                          acting_user, description: str = "", top: int = 3,
                          separate_kinds: bool = True, scorecard=None):
    """Create or replace a secretariat's own scorecard with its criteria (audited with the
    criteria before and after). ``region`` is a kab/kota for agencies, a province for
    kab/kota."""
    from konvergen.scorecards.models import CustomCriterion, CustomScorecard, Peers
    from konvergen.scorecards.selectors import engine_card

    level = Level.KABKOTA if peers == Peers.AGENCIES else Level.PROVINCE
    if peers not in Peers.values or region.level != level:
        raise ValidationError(_("Organisations are compared within a kabupaten/kota, "
                                "kabupaten/kota within a province."), code="peers")
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Give the scorecard a name."), code="name")
    if not 0 <= int(top) <= 50:
        raise ValidationError(_("Award places: give a number from 0 to 50."), code="top")
    rows = _clean_criteria(peers, criteria)
    with transaction.atomic():
        if scorecard is None:
            card = CustomScorecard.objects.create(
                region=region, peers=peers, name=name[:160], description=description,
                top=top, separate_kinds=separate_kinds, created_by=acting_user)
            before: list[dict] = []
            action = "scorecards.custom_create"
        else:
            card = CustomScorecard.objects.select_for_update().get(pk=scorecard.pk)
            before = [{"key": c.key, **{f: getattr(c, f) for f in CRITERION_FIELDS}}
                      for c in card.criteria.all()]
            card.name, card.description, card.top = name[:160], description, top
            card.separate_kinds = separate_kinds
            card.save()
            card.criteria.all().delete()
            action = "scorecards.custom_update"
        made = CustomCriterion.objects.bulk_create(
            [CustomCriterion(scorecard=card, position=i, **row) for i, row in enumerate(rows)])
        engine_card(card, made)  # the engine's own checks, as a last word
        audit_record(actor=acting_user, action=action, obj=card, region_code=region.code,
                     changes={"name": name, "criteria": [before, rows]})
    return card


def custom_scorecard_archive(*, scorecard, acting_user) -> None:
    with transaction.atomic():
        scorecard.archived = True
        scorecard.save(update_fields=["archived", "updated_at"])
        audit_record(actor=acting_user, action="scorecards.custom_archive", obj=scorecard,
                     region_code=scorecard.region_id, changes={"archived": [False, True]})
