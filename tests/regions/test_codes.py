import pytest

from konvergen.regions.codes import kind_of, level_of, normalise_code, parent_of


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("32", "32"),
        ("3204", "32.04"),
        ("320405", "32.04.05"),
        ("3204052001", "32.04.05.2001"),
        ("32.04.05.2001", "32.04.05.2001"),
        (" 32.04 ", "32.04"),
        (3204052001, "32.04.05.2001"),
        ("3204052001.0", "32.04.05.2001"),
        ("32.4", None),
        ("320", None),
        ("abc", None),
        ("", None),
        (None, None),
    ],
)
def test_normalise_code(raw, expected):
    assert normalise_code(raw) == expected


def test_levels_parents_and_kinds():
    assert [level_of(c) for c in ("32", "32.04", "32.04.05", "32.04.05.2001")] == [1, 2, 3, 4]
    assert parent_of("32.04.05.2001") == "32.04.05"
    assert parent_of("32") is None
    assert kind_of("32.04", "Kabupaten Bandung") == "kabupaten"
    assert kind_of("32.73", "Kota Bandung") == "kota"
    assert kind_of("32.04.05.1001", "x") == "kelurahan"
    assert kind_of("32.04.05.2001", "x") == "desa"
    assert kind_of("91.03.01.3001", "x") == "desa_adat"
