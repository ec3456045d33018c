"""Vectorised structure checks for NIK (national ID) and KK (family card) numbers.

A NIK is 16 digits: the 6-digit kecamatan code ``PPKKCC`` of first registration, the birth
date as ``DDMMYY`` with 40 added to the day for women, and a 4-digit serial. A KK number has
the same kecamatan prefix. Every function takes and returns pyarrow arrays (any array-like
pyarrow accepts works as input), so the linkage engine can reuse them on millions of rows.

>>> import pyarrow as pa
>>> digits, problem = clean_id_number(pa.array(["'3204055208800001", "3.20405E+15", None]))
>>> digits.to_pylist(), problem.to_pylist()
(['3204055208800001', None, None], [None, 'scientific_notation', None])
>>> sex, born = decode_nik(digits, reference_year=2025)
>>> sex.to_pylist(), [str(d) if d else d for d in born.to_pylist()]
(['P', None, None], ['1980-08-12', None, None])
"""

import pyarrow as pa
import pyarrow.compute as pc

NOT_16_DIGITS = "not_16_digits"
SCIENTIFIC_NOTATION = "scientific_notation"

_SCIENTIFIC = r"^(?P<mantissa>\d(?:[.,]\d+)?)[eE]\+?(?P<exponent>\d{1,2})$"


def _as_string_array(values) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not isinstance(values, pa.Array):
        values = pa.array(values, type=pa.string())
    if values.type != pa.string():
        values = values.cast(pa.string())
    return values


def clean_id_number(values) -> tuple[pa.Array, pa.Array]:
    """Clean NIK or KK numbers as typed in spreadsheets and check they are 16 digits.

    Strips surrounding whitespace, a leading apostrophe (Excel's text marker), a ``.0``
    float suffix, inner spaces and dots. A value in scientific notation (``3.20405E+15``)
    is recovered when its mantissa still holds all 16 digits, otherwise it has lost digits.

    Parameters
    ----------
    values : pyarrow.Array of str
        Raw values; nulls and blanks mean "missing".

    Returns
    -------
    digits : pyarrow.Array of str
        The 16-digit number, null when missing or invalid.
    problem : pyarrow.Array of str
        Null when fine or missing, ``"not_16_digits"`` or ``"scientific_notation"``.
    """
    values = _as_string_array(values)
    # Most values are already 16 plain digits: only the others go through the repairs.
    plain = pc.fill_null(
        pc.and_(pc.equal(pc.binary_length(values), 16), pc.ascii_is_decimal(values)), False
    )
    others = pc.invert(plain)
    no_problem = pa.nulls(len(values), pa.string())
    if not pc.any(others).as_py():
        return values, no_problem
    digits, problem = _repair_id_number(values.filter(others))
    return (
        pc.replace_with_mask(values, others, digits),
        pc.replace_with_mask(no_problem, others, problem),
    )


def _repair_id_number(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    """:func:`clean_id_number` for values that are not 16 plain digits."""
    text = pc.utf8_trim_whitespace(values)
    text = pc.replace_substring_regex(text, r"^['`’‘]+", "")
    text = pc.replace_substring_regex(text, r"^(\d+)\.0+$", r"\1")
    # Blank or placeholder-only ("-", ".", "?") means missing, not malformed.
    missing = pc.fill_null(pc.match_substring_regex(text, r"^[\s\-_.,/?]*$"), True)

    parts = pc.extract_regex(text, _SCIENTIFIC)
    mantissa = pc.replace_substring_regex(pc.struct_field(parts, "mantissa"), r"[.,]", "")
    exponent = pc.cast(pc.struct_field(parts, "exponent"), pa.int16())
    is_scientific = pc.is_valid(exponent)
    recovered_ok = pc.and_(pc.equal(exponent, 15), pc.equal(pc.utf8_length(mantissa), 16))
    lost_digits = pc.and_(pc.equal(exponent, 15), pc.less(pc.utf8_length(mantissa), 16))

    plain = pc.replace_substring_regex(text, r"[\s.]+", "")
    candidate = pc.if_else(is_scientific, pc.if_else(recovered_ok, mantissa, None), plain)
    valid = pc.fill_null(pc.match_substring_regex(candidate, r"^\d{16}$"), False)
    digits = pc.if_else(valid, candidate, pa.scalar(None, pa.string()))

    problem = pc.if_else(
        pc.or_kleene(missing, valid),
        pa.scalar(None, pa.string()),
        pc.if_else(
            pc.fill_null(lost_digits, False),
            pa.scalar(SCIENTIFIC_NOTATION),
            pa.scalar(NOT_16_DIGITS),
        ),
    )
    return digits, problem


#: Longest malformed value kept in the canonical NIK/KK column (the register stores 16 chars).
MAX_KEPT_LENGTH = 16


def malformed_kept(values, problem) -> pa.Array:
    """What the register keeps of a malformed NIK or KK number (see :func:`clean_id_number`).

    A value with the ``not_16_digits`` problem is kept as cleaned (whitespace, a leading
    apostrophe, a ``.0`` suffix, inner spaces and dots removed) when what is left is 1 to 16
    digits, so a NIK one digit short still shows and can be compared by hand or by a fuzzy
    comparison. Anything else becomes null: more than 16 digits does not fit the register's
    column, letters are not a number, and scientific notation has already lost its digits.
    The raw text always stays in the import's flag row.

    Parameters
    ----------
    values : pyarrow.Array of str
        Raw values, as given to :func:`clean_id_number`.
    problem : pyarrow.Array of str
        The problem array :func:`clean_id_number` returned for them.

    Returns
    -------
    pyarrow.Array of str
        Null except where a malformed value is kept.

    >>> raw = pa.array(["'320405120180000", "3.20405E+15", "32040512018000011", "3204x"])
    >>> malformed_kept(raw, clean_id_number(raw)[1]).to_pylist()
    ['320405120180000', None, None, None]
    """
    values = _as_string_array(values)
    problem = _as_string_array(problem)
    bad = pc.fill_null(pc.equal(problem, NOT_16_DIGITS), False)
    kept = pa.nulls(len(values), pa.string())
    if not pc.any(bad).as_py():
        return kept
    text = pc.utf8_trim_whitespace(values.filter(bad))
    text = pc.replace_substring_regex(text, r"^['`’‘]+", "")
    text = pc.replace_substring_regex(text, r"^(\d+)\.0+$", r"\1")
    text = pc.replace_substring_regex(text, r"[\s.]+", "")
    fits = pc.fill_null(
        pc.match_substring_regex(text, rf"^\d{{1,{MAX_KEPT_LENGTH}}}$"), False)
    return pc.replace_with_mask(kept, bad, pc.if_else(fits, text, pa.scalar(None, pa.string())))


def is_id_number(values) -> pa.Array:
    """True where a value is exactly 16 digits (no cleaning), null where null."""
    return pc.match_substring_regex(_as_string_array(values), r"^\d{16}$")


def kecamatan_prefix(values) -> pa.Array:
    """The 6-digit kecamatan code ``PPKKCC`` of clean NIK or KK numbers."""
    return pc.utf8_slice_codeunits(_as_string_array(values), 0, 6)


def decode_nik(values, *, reference_year: int) -> tuple[pa.Array, pa.Array]:
    """Decode sex and birth date from clean 16-digit NIKs.

    Parameters
    ----------
    values : pyarrow.Array of str
        Clean NIKs (as returned by :func:`clean_id_number`); other values give nulls.
    reference_year : int
        Two-digit years up to ``reference_year`` are read as 20YY, later ones as 19YY.

    Returns
    -------
    sex : pyarrow.Array of str
        ``"L"`` or ``"P"`` (day above 40), null where the date part is not a valid date.
    birth_date : pyarrow.Array of date32
        Null where the date part is not a valid date.
    """
    nik = _as_string_array(values)
    nik = pc.if_else(pc.fill_null(is_id_number(nik), False), nik, pa.scalar(None, pa.string()))
    day = pc.cast(pc.utf8_slice_codeunits(nik, 6, 8), pa.int16())
    month = pc.utf8_slice_codeunits(nik, 8, 10)
    yy = pc.cast(pc.utf8_slice_codeunits(nik, 10, 12), pa.int16())
    female = pc.greater(day, 40)
    real_day = pc.if_else(female, pc.subtract(day, 40), day)
    year = pc.if_else(
        pc.less_equal(yy, reference_year - 2000), pc.add(yy, 2000), pc.add(yy, 1900)
    )
    text = pc.binary_join_element_wise(
        pc.cast(year, pa.string()),
        month,
        pc.utf8_lpad(pc.cast(real_day, pa.string()), 2, "0"),
        "-",
    )
    stamp = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True)
    birth_date = pc.cast(stamp, pa.date32())
    sex = pc.if_else(
        pc.is_valid(birth_date),
        pc.if_else(female, pa.scalar("P"), pa.scalar("L")),
        pa.scalar(None, pa.string()),
    )
    return sex, birth_date
