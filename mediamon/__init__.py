"""mediamon's command line: the top layer, which drives the flows."""

from core import __version__

__all__ = ["__version__"]
