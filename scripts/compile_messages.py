"""Compile locale/*/LC_MESSAGES/*.po to .mo with polib (no GNU gettext needed at set-up)."""

import sys
from pathlib import Path

import polib


def main() -> int:
    root = Path(__file__).resolve().parent.parent / "locale"
    for po_path in root.glob("*/LC_MESSAGES/*.po"):
        po = polib.pofile(str(po_path))
        po.save_as_mofile(str(po_path.with_suffix(".mo")))
        print(
            f"{po_path.relative_to(root.parent)}: {len(po.translated_entries())} translated, "
            f"{len(po.untranslated_entries())} untranslated"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
