"""DTSEN value labels mapped to canonical codes (``sources/canonical/codes.py``).

DTSEN carries the labels of the sources it was built from: P3KE's spellings, DTKS's, and the
Regsosek 2022 questionnaire's (BPS). Every label P3KE and DTKS map is accepted with the same
meaning (P3KE's reading wins where both spell one label). Numeric codes are taken only where
Regsosek, DTKS and BPS's later family forms agree: relation to the head (1 kepala keluarga,
2 istri/suami, 3 anak, 4 menantu, 5 cucu, 6 orang tua/mertua, 7 pembantu/sopir, 8 lainnya)
and marital status (1 belum kawin, 2 kawin, 3 cerai hidup, 4 cerai mati); sex 1/2 is
accepted for every source. Housing and education codes differ between questionnaire
vintages, so their numbers are not guessed: an export that uses them is flagged
(``coded_value_unknown``) rather than misread.
"""

from konvergen.registry.ingest.sources.dtks import codes as dtks_codes
from konvergen.registry.ingest.sources.p3ke import codes as p3ke_codes

VALUES: dict[str, dict[str, str]] = {}
for _field, _mapping in dtks_codes.VALUES.items():
    VALUES[_field] = {k: v for k, v in _mapping.items() if not k.isdigit()}
for _field, _mapping in p3ke_codes.VALUES.items():
    VALUES.setdefault(_field, {}).update(_mapping)

VALUES["relation"].update({
    "1": "kepala", "2": "istri_suami", "3": "anak", "4": "menantu", "5": "cucu",
    "6": "orang_tua", "7": "pembantu", "8": "lainnya",
    "Orang Tua/Mertua": "orang_tua", "Pembantu/Sopir": "pembantu",
})
VALUES["marital_status"].update({
    "1": "belum_kawin", "2": "kawin", "3": "cerai_hidup", "4": "cerai_mati",
    "Kawin/Nikah": "kawin",
})
VALUES["school_participation"].update({"Masih Sekolah": "masih_sekolah"})
