"""The target register: national target data (DTSEN / P3KE / DTKS) imported as snapshots."""
