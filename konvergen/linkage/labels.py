"""Display names, in the user's language, for what the engine reports in English: the
compared fields and each comparison level (``engine.comparisons``). The engine stays free
of Django; the pages translate through these tables, and a test keeps them complete."""

from django.utils.translation import gettext_lazy as _

FIELD_LABELS = {
    "nik": _("NIK"),
    "name": _("Name"),
    "birth_date": _("Birth date"),
    "sex": _("Sex"),
    "kk": _("KK number"),
    "desa": _("Desa"),
    "address": _("Address"),
    "household": _("Household"),
}

LEVEL_LABELS = {
    "null": _("missing on one side"),
    "exact": _("exact"),
    "household: NIK of another family member": _("household: NIK of another family member"),
    "one digit wrong or two swapped": _("one digit wrong or two swapped"),
    "different": _("different"),
    "same words or sounds": _("same words or sounds"),
    "one letter typed wrong": _("one letter typed wrong"),
    "part of the name or initials": _("part of the name or initials"),
    "every word similar (Jaro-Winkler >= 0.88)": _("every word similar (Jaro-Winkler ≥ 0.88)"),
    "day and month swapped": _("day and month swapped"),
    "placeholder date, same year": _("placeholder date, same year"),
    "one digit wrong": _("one digit wrong"),
    "same": _("same"),
    "same No KK": _("same No KK"),
    "same desa": _("same desa"),
    "neighbouring desa": _("neighbouring desa"),
    "same kecamatan": _("same kecamatan"),
    "same kab/kota": _("same kab/kota"),
    "same address": _("same address"),
    "same RT/RW in the same desa": _("same RT/RW in the same desa"),
}


def field_label(name: str):
    return FIELD_LABELS.get(name, name)


def level_label(label: str):
    return LEVEL_LABELS.get(label, label)


def evidence_rows(evidence) -> list[dict]:
    """An engine evidence list for display: field and level names translated, strongest
    evidence (for or against) first."""
    rows = [
        {**e, "label": field_label(e.get("field")), "level": level_label(e.get("level", ""))}
        for e in evidence or []
    ]
    return sorted(rows, key=lambda e: -abs(e.get("weight") or 0))
