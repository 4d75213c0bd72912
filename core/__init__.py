"""The base layer every other package builds on: typed records, settings, user-facing errors."""

__version__ = "0.1.0"
