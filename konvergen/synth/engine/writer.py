"""Writing a synthesis to a folder: one CSV per table (pyarrow.csv) and ``manifest.json``."""

import json
from pathlib import Path

import pyarrow.csv as pacsv

from .synthesis import Synthesis


def write_synthesis(synthesis: Synthesis, out_dir: Path) -> dict:
    """Write every file and the manifest (with the list of files and row counts)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (table, delimiter) in sorted(synthesis.files.items()):
        options = pacsv.WriteOptions(include_header=True, delimiter=delimiter,
                                     quoting_style="needed")
        pacsv.write_csv(table, out_dir / name, write_options=options)
        written.append({"name": name, "rows": table.num_rows, "delimiter": delimiter})
    manifest = dict(synthesis.manifest, files=written)
    (out_dir / "manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest
