"""Compile the .po catalogues (locale/ and konvergen/<app>/locale/) to .mo with polib (no GNU
gettext needed at set-up)."""

import sys
from pathlib import Path

import polib


def main() -> int:
    base = Path(__file__).resolve().parent.parent
    root = base / "locale"
    # The project's catalogue, and apps' own (konvergen/<app>/locale/, which Django finds).
    paths = [*root.glob("*/LC_MESSAGES/*.po"), *base.glob("konvergen/*/locale/*/LC_MESSAGES/*.po")]
    for po_path in paths:
        po = polib.pofile(str(po_path))
        po.save_as_mofile(str(po_path.with_suffix(".mo")))
        print(
            f"{po_path.relative_to(base)}: {len(po.translated_entries())} translated, "
            f"{len(po.untranslated_entries())} untranslated"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
