"""Konvergen: coordination platform for regional poverty alleviation in Indonesia."""

__version__ = "0.1.0"
