"""Synthetic demo regions: a P3KE-style register and messy programme lists for any kab/kota.

The computation lives in :mod:`konvergen.synth.engine` (no Django); the ``synth`` management
command reads the region's desa from the database and calls it.
"""
