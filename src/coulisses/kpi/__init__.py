"""Measure: import platform analytics exports into one DuckDB store, then KPIs and the report.

Heavy libraries (duckdb, openpyxl, xlrd) are imported inside the modules that need them.
"""
