"""Kemendagri region codes: parsing and normalising. Plain Python, no Django.

A code is ``PP`` (province), ``PP.KK`` (kabupaten/kota), ``PP.KK.CC`` (kecamatan) or
``PP.KK.CC.DDDD`` (desa/kelurahan). Files in the field write them with or without dots.

>>> normalise_code("3204052001")
'32.04.05.2001'
>>> level_of("32.04")
2
>>> kind_of("32.04.05.1001", "Cibiru")
'kelurahan'

A region *covers* itself and every code below it (its code and a dot, then more): the one
rule behind "within a region" everywhere. Two regions *overlap* when one covers the other
("in, above or below"):

>>> lineage("32.04.01.2001")
['32', '32.04', '32.04.01', '32.04.01.2001']
>>> covers("32.04", "32.04.01.2001"), covers("32.04", "32.040")
(True, False)
>>> overlaps("32.04.01", "32"), overlaps("32.04", "32.09")
(True, False)
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
    """1 for a province, 2 kab/kota, 3 kecamatan, 4 desa/kelurahan.

    >>> level_of("32"), level_of("32.04.05.2001")
    (1, 4)
    """
    return code.count(".") + 1


def parent_of(code: str) -> str | None:
    """The region directly above, None for a province.

    >>> parent_of("32.04.05"), parent_of("32")
    ('32.04', None)
    """
    return code.rsplit(".", 1)[0] if "." in code else None


def province_of(code: str) -> str:
    """The province a code lies in (a province is its own).

    >>> province_of("32.04.05.2001"), province_of("32")
    ('32', '32')
    """
    return code.split(".", 1)[0]


def lineage(code: str, *, nearest_first: bool = False) -> list[str]:
    """The code and every region above it, province first (or the code itself first).

    >>> lineage("32.04.01.2001")
    ['32', '32.04', '32.04.01', '32.04.01.2001']
    >>> lineage("32")
    ['32']
    >>> lineage("32.04.01", nearest_first=True)
    ['32.04.01', '32.04', '32']
    """
    parts = code.split(".")
    codes = [".".join(parts[:n]) for n in range(1, len(parts) + 1)]
    return codes[::-1] if nearest_first else codes


def ancestors(code: str) -> list[str]:
    """The regions above a code, province first (empty for a province).

    >>> ancestors("32.04.01.2001")
    ['32', '32.04', '32.04.01']
    >>> ancestors("32")
    []
    """
    return lineage(code)[:-1]


def descendant_prefix(code: str) -> str:
    """What every code below ``code`` starts with (its code and a dot).

    >>> descendant_prefix("32.04")
    '32.04.'
    """
    return code + "."


def covers(scope: str, code: str) -> bool:
    """True when ``code`` is the region ``scope`` or lies below it.

    >>> covers("32.04", "32.04"), covers("32.04", "32.04.05.2001")
    (True, True)
    >>> covers("32.04", "32"), covers("32.04", "32.040"), covers("32.04", "32.09.01")
    (False, False, False)
    """
    return code == scope or code.startswith(scope + ".")


def overlaps(a: str, b: str) -> bool:
    """True when one of two regions covers the other: ``b`` is in, above or below ``a``.

    >>> overlaps("32.04", "32.04.05"), overlaps("32.04", "32"), overlaps("32.04", "32.04")
    (True, True, True)
    >>> overlaps("32.04", "32.09"), overlaps("32.04", "32.040")
    (False, False)
    """
    return covers(a, b) or covers(b, a)


def sql_prefix(column: str, level: int) -> str:
    """SQL (DuckDB) for the code of the region at ``level`` above or at ``column``'s code.

    >>> sql_prefix("region_code", 2)
    "split_part(region_code, '.', 1) || '.' || split_part(region_code, '.', 2)"
    """
    return " || '.' || ".join(f"split_part({column}, '.', {n})" for n in range(1, level + 1))


def sql_covers(scope: str, code: str) -> str:
    """SQL (DuckDB) for :func:`covers` over two SQL expressions.

    >>> sql_covers("loc.code", "d.region_code")
    "(d.region_code = loc.code OR starts_with(d.region_code, loc.code || '.'))"
    """
    return f"({code} = {scope} OR starts_with({code}, {scope} || '.'))"


def is_kelurahan(code: str) -> bool:
    """Kemendagri: a village part starting with 1 is a kelurahan (2 a desa, 3 a desa adat).

    >>> is_kelurahan("32.04.05.1001"), is_kelurahan("32.04.05.2001")
    (True, False)
    """
    return code.rsplit(".", 1)[-1].startswith("1")


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
