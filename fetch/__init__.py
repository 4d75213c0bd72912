"""The HTTP client: every attempt for a URL ends as a FetchResult, never an exception."""
from fetch.client import Fetcher

__all__ = ["Fetcher"]
