"""The synthetic-region engine: plain numpy/pyarrow, no Django.

``synthesise(desa_table, params)`` simulates a kab/kota and returns its tables;
``write_synthesis(result, folder)`` writes them as CSV plus ``manifest.json``.
"""

from .params import ERROR_KINDS, ErrorRates, SynthParams
from .population import DESA_COLUMNS
from .synthesis import Synthesis, synthesise
from .writer import write_synthesis

__all__ = ["DESA_COLUMNS", "ERROR_KINDS", "ErrorRates", "SynthParams", "Synthesis",
           "synthesise", "write_synthesis"]
