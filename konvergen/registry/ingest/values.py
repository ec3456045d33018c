"""Value vocabularies every source shares, and the key used to look values up.

Raw values are compared by :func:`value_key` (lower case, punctuation and spacing collapsed),
the same normalisation as :data:`VALUE_KEY_SQL` in DuckDB.

>>> value_key("  Tidak  Ada ")
'tidak ada'
>>> BOOL_WORDS[value_key("Ya")], SEX_WORDS[value_key("Laki-laki")]
('true', 'L')
"""

import re

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")

# DuckDB expression with the same result as value_key() for the column placeholder {x}.
VALUE_KEY_SQL = ("trim(regexp_replace(lower(replace(replace({x}, '>', ' lebih dari '), '<',"
                 " ' kurang dari ')), '[^0-9a-z]+', ' ', 'g'))")


def value_key(value: str) -> str:
    """The lookup key of a raw value. Comparison signs are words, not punctuation: "Gas > 3
    kg" is "gas lebih dari 3 kg", never "Gas 3 kg".

    >>> value_key("Gas > 3 kg") == value_key("Gas Lebih dari 3 kg") != value_key("Gas 3 kg")
    True
    """
    text = str(value).replace(">", " lebih dari ").replace("<", " kurang dari ")
    return _NOT_ALNUM.sub(" ", text.lower()).strip()


_TRUE = ["ya", "y", "iya", "1", "true", "benar", "ada", "yes", "sudah", "padan", "ok"]
_FALSE = [
    "tidak", "t", "tdk", "0", "false", "salah", "tidak ada", "no", "n", "bukan", "belum",
    "tidak padan", "belum padan", "-",
]
BOOL_WORDS: dict[str, str] = {
    **{value_key(w): "true" for w in _TRUE},
    **{value_key(w): "false" for w in _FALSE if value_key(w)},
}

SEX_WORDS: dict[str, str] = {
    value_key(w): code
    for code, words in {
        "L": ["L", "Laki-laki", "Laki laki", "Lakilaki", "Laki", "Pria", "1", "M", "Male"],
        "P": ["P", "Perempuan", "Wanita", "2", "F", "Female"],
    }.items()
    for w in words
}

# Disability is kept as a category string; these words mean "no disability" / "yes".
DISABILITY_WORDS: dict[str, str] = {
    **{value_key(w): "tidak" for w in ["tidak", "tidak ada", "bukan", "0", "t", "tidak cacat"]},
    **{value_key(w): "ya" for w in ["ya", "y", "ada", "1"]},
}


def case_sql(key_sql: str, vocabulary: dict[str, str]) -> str:
    """A DuckDB ``CASE`` mapping an already computed value key through ``vocabulary``."""
    if not vocabulary:
        return "CAST(NULL AS VARCHAR)"
    arms = " ".join(
        f"WHEN {_quote(k)} THEN {_quote(v)}" for k, v in sorted(vocabulary.items())
    )
    return f"(CASE {key_sql} {arms} END)"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
