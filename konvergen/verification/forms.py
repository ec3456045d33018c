from pathlib import Path
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from konvergen.verification.models import Proposal

MAX_UPLOAD = 10 * 1024 * 1024
#: Accepted evidence and minutes files: extension -> the bytes such a file starts with.
SIGNATURES = {
    ".pdf": (b"%PDF",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".webp": (b"RIFF",),
}
BAD_TYPE = _("Upload a photo (JPG, PNG, WEBP) or a PDF file.")
TOO_BIG = _("The file is larger than 10 MB.")
NOT_MATCHING = _("The file's content does not match its type.")

NIK_FIELD: dict[str, Any] = {
    "max_length": 16, "min_length": 16,
    "widget": forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]{16}"}),
}


def clean_document(upload):
    """Evidence and minutes: a photo or PDF, at most 10 MB, whose bytes match its type."""
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in SIGNATURES:
        raise forms.ValidationError(BAD_TYPE)
    if upload.size > MAX_UPLOAD:
        raise forms.ValidationError(TOO_BIG)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in SIGNATURES[suffix]):
        raise forms.ValidationError(NOT_MATCHING)
    return upload


def _digits(value: str) -> str:
    if value and not value.isdigit():
        raise forms.ValidationError(_("Digits only."))
    return value


class MusdesForm(forms.Form):
    region_code = forms.ChoiceField(label=_("Desa/kelurahan"))
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("Place"), max_length=200)
    attendees_count = forms.IntegerField(label=_("Number of attendees"), min_value=1)
    attendees = forms.CharField(label=_("Attendees"), required=False,
                                help_text=_("One name (and function) per line."),
                                widget=forms.Textarea(attrs={"rows": 4}))
    signed_by = forms.CharField(label=_("Signed by (kepala desa / lurah)"), max_length=200)
    minutes = forms.FileField(label=_("Minutes (berita acara), PDF or photo"))

    def __init__(self, *args, desa_choices, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["region_code"]).choices = desa_choices

    def clean_minutes(self):
        return clean_document(self.cleaned_data["minutes"])


class _ProposalBase(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(label=_("Evidence (photo or PDF)"))

    def clean_evidence(self):
        return clean_document(self.cleaned_data["evidence"])


class DeactivationForm(_ProposalBase):
    deactivation_reason = forms.ChoiceField(label=_("Why the family leaves the register"),
                                            choices=Proposal.Reason.choices)

    field_order = ["deactivation_reason", "reason", "evidence"]


class HousingMixin:
    fields: dict[str, forms.Field]  # the form's, which the mixin is mixed into

    def add_housing(self, initial: dict | None = None):
        from konvergen.verification.services import HOUSING_FIELDS

        labels = {
            "house_ownership": _("House ownership"), "roof_type": _("Roof"),
            "wall_type": _("Walls"), "floor_type": _("Floor"),
            "lighting_source": _("Lighting"), "cooking_fuel": _("Cooking fuel"),
            "water_source": _("Drinking water source"), "toilet_facility": _("Toilet"),
        }
        for name in HOUSING_FIELDS:
            self.fields[name] = forms.CharField(label=labels[name], max_length=80,
                                                required=False,
                                                initial=(initial or {}).get(name, ""))


class NewFamilyForm(HousingMixin, _ProposalBase):
    kk_number = forms.CharField(label=_("No KK"), required=False, **NIK_FIELD)
    head_nik = forms.CharField(label=_("NIK of the head"), required=False, **NIK_FIELD)
    head_name = forms.CharField(label=_("Head of family"), max_length=200)
    address = forms.CharField(label=_("Address"), max_length=300)
    members = forms.CharField(
        label=_("Members"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: NIK; name; birth date (YYYY-MM-DD); relation to head."))

    field_order = ["kk_number", "head_nik", "head_name", "address", "members"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_housing()
        # Reason and evidence last.
        self.order_fields([*self.field_order, *(f for f in self.fields if f not in (
            *self.field_order, "reason", "evidence")), "reason", "evidence"])

    def clean_kk_number(self):
        return _digits(self.cleaned_data["kk_number"])

    def clean_head_nik(self):
        return _digits(self.cleaned_data["head_nik"])

    def clean_members(self):
        import datetime as dt

        members = []
        for number, line in enumerate(self.cleaned_data["members"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split(";")]
            if len(parts) != 4 or (parts[0] and not (parts[0].isdigit() and len(parts[0]) == 16)):
                raise forms.ValidationError(
                    _("Line %(line)s: write NIK; name; birth date; relation."),
                    params={"line": number})
            try:
                dt.date.fromisoformat(parts[2])
            except ValueError:
                raise forms.ValidationError(
                    _("Line %(line)s: the birth date must be YYYY-MM-DD."),
                    params={"line": number}) from None
            members.append(dict(zip(("nik", "name", "birth_date", "relation"), parts,
                                    strict=True)))
        return members

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean() returns cleaned_data
        if not (data.get("kk_number") or data.get("head_nik")):
            raise forms.ValidationError(_("Give the No KK or the head's NIK."))
        return data

    def proposal_data(self) -> dict:
        from konvergen.verification.services import HOUSING_FIELDS

        d = self.cleaned_data
        return {
            **{k: d[k] for k in ("kk_number", "head_nik", "head_name", "address")},
            "housing": {k: d[k] for k in HOUSING_FIELDS if d.get(k)},
            "members": d["members"],
        }


class CorrectionForm(HousingMixin, _ProposalBase):
    """The family's current values, its housing and its members, prefilled; only what the
    operator changes becomes a correction."""

    kk_number = forms.CharField(label=_("No KK"), required=False, **NIK_FIELD)
    head_nik = forms.CharField(label=_("NIK of the head"), required=False, **NIK_FIELD)
    head_name = forms.CharField(label=_("Head of family"), max_length=200)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)

    def __init__(self, data=None, files=None, *, family, record, members, **kwargs):
        initial = {f: getattr(family, f) for f in ("kk_number", "head_nik", "head_name",
                                                   "address")}
        super().__init__(data, files, initial=initial, **kwargs)
        from konvergen.verification.services import HOUSING_FIELDS

        self.add_housing({f: getattr(record, f, "") for f in HOUSING_FIELDS} if record else {})
        self.members = members
        self.member_rows = []
        for m in members:
            names = []
            for field, make in (
                ("nik", lambda: forms.CharField(label=_("NIK"), required=False, **NIK_FIELD)),
                ("name", lambda: forms.CharField(label=_("Name"), max_length=200)),
                ("birth_date", lambda: forms.DateField(
                    label=_("Birth date"), required=False,
                    widget=forms.DateInput(attrs={"type": "date"}))),
                ("relation", lambda: forms.CharField(label=_("Relation to head"),
                                                     max_length=20, required=False)),
            ):
                key = f"m{m.pk}_{field}"
                self.fields[key] = make()
                self.fields[key].initial = getattr(m, field)
                names.append(key)
            self.member_rows.append((m, names))
        self.order_fields([f for f in self.fields if f not in ("reason", "evidence")]
                          + ["reason", "evidence"])

    def family_fields(self):
        skip = {n for _m, names in self.member_rows for n in names} | {"reason", "evidence"}
        return [self[f] for f in self.fields if f not in skip]

    def member_fields(self):
        return [(m, [self[n] for n in names]) for m, names in self.member_rows]

    def proposal_data(self) -> dict:
        """Only the values that differ from what the form was prefilled with."""
        from konvergen.verification.services import _clean

        d = self.cleaned_data
        family = {}
        for name in self.fields:
            if name in ("reason", "evidence") or (name.startswith("m") and "_" in name and \
                    name.split("_", 1)[0][1:].isdigit()):
                continue
            if _clean(d.get(name)) != _clean(self.fields[name].initial):
                family[name] = d.get(name) or ""
        members = {}
        for m, names in self.member_rows:
            changed = {}
            for key in names:
                field = key.split("_", 1)[1]
                value: Any = d.get(key)
                if _clean(value) != _clean(self.fields[key].initial):
                    changed[field] = value.isoformat() if hasattr(value, "isoformat") else (
                        value or "")
            if changed:
                members[str(m.pk)] = changed
        return {"family": family, "members": members}


class ActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in (
        "submit", "validate", "return", "ratify", "reject")])
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    musdes = forms.IntegerField(required=False)
