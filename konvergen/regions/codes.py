"""Kemendagri region codes: parsing and normalising. Plain Python, no Django.

A code is ``PP`` (province), ``PP.KK`` (kabupaten/kota), ``PP.KK.CC`` (kecamatan) or
``PP.KK.CC.DDDD`` (desa/kelurahan). Files in the field write them with or without dots.

>>> normalise_code("3204052001")
'32.04.05.2001'
>>> level_of("32.04")
2
>>> kind_of("32.04.05.1001", "Cibiru")
'kelurahan'
"""

import re

PROVINCE, KABKOTA, KECAMATAN, DESA = 1, 2, 3, 4
_DIGITS_BY_LEVEL = {2: PROVINCE, 4: KABKOTA, 6: KECAMATAN, 10: DESA}
_DOTTED = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")


def normalise_code(raw: object) -> str | None:
    """Return the dotted form of a region code, or None when it is not one."""
    if raw is None:
        return None
    text = str(raw).strip()
    if text.endswith(".0") and text.replace(".", "").isdigit() and "." not in text[:-2]:
        text = text[:-2]  # a code read from a spreadsheet as a float
    if _DOTTED.match(text):
        return text
    digits = text.replace(".", "").replace(" ", "")
    if not digits.isdigit() or len(digits) not in _DIGITS_BY_LEVEL:
        return None
    parts = [digits[:2], digits[2:4], digits[4:6], digits[6:10]]
    return ".".join(p for p in parts if p)


def level_of(code: str) -> int:
    return code.count(".") + 1


def parent_of(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def kind_of(code: str, name: str) -> str:
    """Region type from the code rules (village part 1 = kelurahan, 2 = desa, 3 = desa adat)."""
    level = level_of(code)
    if level == PROVINCE:
        return "provinsi"
    if level == KABKOTA:
        return "kota" if name.strip().lower().startswith("kota") else "kabupaten"
    if level == KECAMATAN:
        return "kecamatan"
    return {"1": "kelurahan", "3": "desa_adat"}.get(code[-4], "desa")
