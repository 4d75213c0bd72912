"""Pure functions of one input: text -> links, bytes -> article, text -> language, text -> fingerprint.

No Prefect, no DuckDB, no network here.
"""
