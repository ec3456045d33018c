"""Computation over registers and surveys that needs no Django: poverty measures and their kin.

Modules here take and return plain arrays or tables; Django services feed them and store the
results.
"""
