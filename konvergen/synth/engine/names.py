"""Personal names: drawing them by culture (vectorised) and making the variants real lists show.

>>> import numpy as np
>>> rng = np.random.default_rng(1)
>>> names = draw_names(rng, culture=np.zeros(3, dtype=np.int8), female=np.array([0, 1, 1]),
...                    muslim=np.ones(3, dtype=bool))
>>> len(names)
3
"""

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .names_data import (
    CULTURES,
    ISLAMIC_FEMALE,
    ISLAMIC_MALE,
    KABKOTA_CULTURES,
    PROVINCE_CULTURES,
)

CULTURE_NAMES: tuple[str, ...] = tuple(CULTURES)
_SLOTS = ("male", "female", "male2", "female2", "surnames", "prefix_male", "prefix_female")
P_ISLAMIC_PREFIX = 0.22  # Muslim persons whose name starts with Muhammad/Ahmad/Abdul/Siti/Nur
P_BIN_BINTI = 0.015      # Muslim children named "... bin/binti <father>"


def culture_mix(province_code: str, kabkota_code: str) -> tuple[np.ndarray, np.ndarray]:
    """Culture indices and weights for a kab/kota (falls back to a Malay/Javanese mix)."""
    mix = KABKOTA_CULTURES.get(kabkota_code) or PROVINCE_CULTURES.get(province_code) or (
        ("melayu", 0.6), ("jawa", 0.4))
    idx = np.array([CULTURE_NAMES.index(name) for name, _ in mix], dtype=np.int8)
    weights = np.array([w for _, w in mix], dtype=float)
    return idx, weights / weights.sum()


def _build_pools():
    pools = {}
    for slot in _SLOTS:
        values: list[str] = []
        offsets: list[int] = []
        lengths: list[int] = []
        for name in CULTURE_NAMES:
            items = CULTURES[name].get(slot, ())
            offsets.append(len(values))
            lengths.append(len(items))
            values.extend(items)
        pools[slot] = (pa.array(values or [""], pa.string()),
                       np.array(offsets, np.int64), np.array(lengths, np.int64))
    return pools


_POOLS = _build_pools()
_P_TWO = np.array([CULTURES[c]["p_two"] for c in CULTURE_NAMES])
P_SURNAME = np.array([CULTURES[c]["p_surname"] for c in CULTURE_NAMES])
MUSLIM_SHARE = np.array([CULTURES[c]["muslim"] for c in CULTURE_NAMES])
_HAS_PREFIX = np.array([bool(CULTURES[c].get("prefix_male")) for c in CULTURE_NAMES])
_BATAK = CULTURE_NAMES.index("batak")


def _draw(rng, slot: str, culture: np.ndarray) -> pa.Array:
    pool, offsets, lengths = _POOLS[slot]
    n = lengths[culture]
    idx = offsets[culture] + np.floor(rng.random(len(culture)) * np.maximum(n, 1)).astype(np.int64)
    out = pc.take(pool, pa.array(np.minimum(idx, len(pool) - 1)))
    return pc.if_else(pa.array(n > 0), out, "")


def draw_surname_index(rng, culture: np.ndarray) -> np.ndarray:
    """A family name index into the culture's surname pool (-1 when the culture has none)."""
    _, offsets, lengths = _POOLS["surnames"]
    n = lengths[culture]
    idx = offsets[culture] + np.floor(rng.random(len(culture)) * np.maximum(n, 1)).astype(np.int64)
    return np.where(n > 0, idx, -1)


def surname_from_index(idx: np.ndarray) -> pa.Array:
    pool = _POOLS["surnames"][0]
    out = pc.take(pool, pa.array(np.maximum(idx, 0)))
    return pc.if_else(pa.array(idx >= 0), out, "")


def _where(mask: np.ndarray, a, b) -> pa.Array:
    return pc.if_else(pa.array(mask), a, b)


def draw_names(rng, *, culture: np.ndarray, female: np.ndarray, muslim: np.ndarray,
               surname_idx: np.ndarray | None = None,
               father_name: pa.Array | None = None,
               child_of_male_head: np.ndarray | None = None) -> pa.Array:
    """Full names in title case, one per person.

    ``surname_idx`` (from :func:`draw_surname_index`, -1 for none) carries a family name;
    ``father_name`` with ``child_of_male_head`` allows the rare "bin/binti" form.
    """
    n = len(culture)
    female = female.astype(bool)
    given1 = _where(female, _draw(rng, "female", culture), _draw(rng, "male", culture))
    two = rng.random(n) < _P_TWO[culture]
    given2 = _where(female, _draw(rng, "female2", culture), _draw(rng, "male2", culture))
    given2 = _where(two, given2, "")

    islamic = muslim & (rng.random(n) < P_ISLAMIC_PREFIX)
    isl_m = pc.take(pa.array(ISLAMIC_MALE), pa.array(rng.integers(0, len(ISLAMIC_MALE), n)))
    isl_f = pc.take(pa.array(ISLAMIC_FEMALE), pa.array(rng.integers(0, len(ISLAMIC_FEMALE), n)))
    bali_m, bali_f = _draw(rng, "prefix_male", culture), _draw(rng, "prefix_female", culture)
    prefix = _where(_HAS_PREFIX[culture], _where(female, bali_f, bali_m),
                    _where(islamic, _where(female, isl_f, isl_m), ""))
    prefix = _where(pc.equal(prefix, given1).to_numpy(zero_copy_only=False), "", prefix)

    if surname_idx is None:
        surname_idx = np.where(rng.random(n) < P_SURNAME[culture],
                               draw_surname_index(rng, culture), -1)
    surname = surname_from_index(surname_idx)
    boru = female & (culture == _BATAK) & (surname_idx >= 0) & (rng.random(n) < 0.5)
    surname = _where(boru, pc.binary_join_element_wise("Br", surname, " "), surname)

    parts = [prefix, given1, given2, surname]
    if father_name is not None and child_of_male_head is not None:
        bin_ = muslim & child_of_male_head & (rng.random(n) < P_BIN_BINTI)
        link = _where(female, "binti", "bin")
        parts.append(_where(bin_, pc.binary_join_element_wise(link, father_name, " "), ""))
    joined = pc.binary_join_element_wise(*parts, " ")
    return pc.utf8_trim_whitespace(pc.replace_substring_regex(joined, r"\s{2,}", " "))


def first_token(names: pa.Array) -> pa.Array:
    return pc.list_element(pc.split_pattern(names, " ", max_splits=1), 0)


# --- variants -----------------------------------------------------------------------------

_MUHAMMAD = ("Muhamad", "Mohammad", "Moh.", "M.", "Mochamad", "Muh.", "Mohamad")
#: Old-spelling and regional spelling rules: (pattern, replacement) applied once.
SPELLING_RULES = (
    ("u", "oe"), ("j", "dj"), ("J", "Dj"), ("c", "tj"), ("C", "Tj"), ("y", "j"), ("Y", "J"),
    ("kh", "ch"), ("hm", "chm"), ("sy", "sj"), ("f", "p"), ("p", "f"), ("ah\\b", "a"),
    ("i\\b", "ie"), ("dh", "d"), ("th", "t"),
)
VARIANT_KINDS = ("muhammad", "spelling", "drop_middle", "abbreviate", "typo")
_VARIANT_WEIGHTS = np.array([0.2, 0.35, 0.15, 0.1, 0.2])


def _typo(name: str, r1: float, r2: float) -> str:
    letters = [i for i, ch in enumerate(name) if ch.isalpha()]
    if len(letters) < 3:
        return name + "h"
    i = letters[int(r1 * (len(letters) - 1))]
    op = int(r2 * 4)
    if (op == 0 and i + 1 < len(name) and name[i].islower() and name[i + 1].islower()
            and name[i] != name[i + 1]):
        return name[:i] + name[i + 1] + name[i] + name[i + 2:]
    if op == 1 and i > 0:
        return name[:i] + name[i + 1:]
    if op == 2:
        return name[:i] + name[i] + name[i:]
    vowels = "aiueo"
    ch = name[i]
    if ch.lower() in vowels:
        new = vowels[(vowels.index(ch.lower()) + 1) % 5]
        return name[:i] + (new.upper() if ch.isupper() else new) + name[i + 1:]
    return name[:i] + name[i] + name[i:]


def name_variants(rng, names: pa.Array) -> tuple[pa.Array, list[str]]:
    """A changed spelling of each name and the variant kind applied (always a change)."""
    n = len(names)
    out = names.to_pylist()
    kinds = [""] * n
    if n == 0:
        return pa.array(out, pa.string()), kinds
    want = rng.choice(len(VARIANT_KINDS), size=n, p=_VARIANT_WEIGHTS)
    pending = np.ones(n, dtype=bool)
    arr = names
    for k, kind in enumerate(VARIANT_KINDS[:-1]):
        rows = np.flatnonzero(pending & (want <= k))
        if not len(rows):
            continue
        sub = pc.take(arr, pa.array(rows))
        if kind == "muhammad":
            choice = rng.integers(0, len(_MUHAMMAD), len(rows))
            new = sub
            for j, repl in enumerate(_MUHAMMAD):
                new = _where(choice == j, pc.replace_substring_regex(
                    sub, r"\bMuhammad\b", repl, max_replacements=1), new)
            new = pc.replace_substring_regex(new, r"^Abdul ", "Abd. ")
            new = pc.replace_substring_regex(new, r"^Siti ", "St. ")
        elif kind == "spelling":
            rule_order = rng.integers(0, len(SPELLING_RULES), len(rows))
            new = sub
            todo = np.ones(len(rows), dtype=bool)
            for step in range(len(SPELLING_RULES)):
                rule = (rule_order + step) % len(SPELLING_RULES)
                for r, (pat, repl) in enumerate(SPELLING_RULES):
                    sel = todo & (rule == r)
                    if not sel.any():
                        continue
                    cand = pc.replace_substring_regex(new, pat, repl, max_replacements=1)
                    changed = pc.not_equal(cand, new).to_numpy(zero_copy_only=False) & sel
                    new = _where(changed, cand, new)
                    todo &= ~changed
                if not todo.any():
                    break
        elif kind == "drop_middle":
            new = pc.replace_substring_regex(sub, r"^(\S+) .+ (\S+)$", r"\1 \2")
        else:  # abbreviate: last word to its initial
            new = pc.replace_substring_regex(sub, r"^(.+ )(\w)\w+$", r"\1\2.")
        changed = pc.not_equal(new, sub).to_numpy(zero_copy_only=False)
        for i, value in zip(rows[changed], pc.filter(new, pa.array(changed)).to_pylist(),
                            strict=True):
            out[i] = value
            kinds[i] = kind
        pending[rows[changed]] = False
        want[rows[~changed]] = k + 1  # fall through to the next kind
    rest = np.flatnonzero(pending)
    r = rng.random((len(rest), 2))
    for j, i in enumerate(rest):
        out[i] = _typo(out[i], r[j, 0], r[j, 1])
        kinds[i] = "typo"
    return pa.array(out, pa.string()), kinds


_TITLES_M = ("Bapak", "Bpk.", "H.", "Bapak H.", "Tn.")
_TITLES_F = ("Ibu", "Ibu", "Hj.", "Ny.", "Ibu Hj.")
_TITLES_M_NONMUSLIM = ("Bapak", "Bpk.", "Tn.")
_TITLES_F_NONMUSLIM = ("Ibu", "Ny.")


def add_titles(rng, names: pa.Array, female: np.ndarray, muslim: np.ndarray) -> pa.Array:
    """Prefix each name with a form of address or hajj title (H./Hj. only for Muslims)."""
    n = len(names)

    def pick(options):
        return pc.take(pa.array(options), pa.array(rng.integers(0, len(options), n)))

    male_t = _where(muslim, pick(_TITLES_M), pick(_TITLES_M_NONMUSLIM))
    fem_t = _where(muslim, pick(_TITLES_F), pick(_TITLES_F_NONMUSLIM))
    return pc.binary_join_element_wise(_where(female.astype(bool), fem_t, male_t), names, " ")
