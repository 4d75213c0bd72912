"""The HTTP client: one fetch attempt ends as a FetchResult, never an exception."""
from flows.http.client import Fetcher

__all__ = ["Fetcher"]
