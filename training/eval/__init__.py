"""Evaluation by execution: sample DuckDB databases from the catalog, SQL scored by result."""
