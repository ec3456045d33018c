"""The synthetic-region engine: plain numpy/pyarrow, no Django.

``synthesise(desa_table, params)`` simulates a kab/kota and returns its tables;
``write_synthesis(result, folder)`` writes them as CSV plus ``manifest.json``;
``dtsen_export(p3ke_families, p3ke_members)`` gives a DTSEN export of the same families.
"""

from .dtsen import DtsenExport, dtsen_export, write_dtsen_from_p3ke
from .params import ERROR_KINDS, DtsenNoise, ErrorRates, SynthParams
from .population import DESA_COLUMNS
from .synthesis import Synthesis, synthesise
from .writer import write_synthesis

__all__ = ["DESA_COLUMNS", "ERROR_KINDS", "DtsenExport", "DtsenNoise", "ErrorRates",
           "SynthParams", "Synthesis", "dtsen_export", "synthesise", "write_dtsen_from_p3ke",
           "write_synthesis"]
