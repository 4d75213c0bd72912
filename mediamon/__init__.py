"""mediamon: media-monitoring ingestion pipeline (CLI, settings and shared records)."""

__version__ = "0.1.0"
