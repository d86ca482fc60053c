"""一点通: static site generator for village petty-power transparency portals."""

from __future__ import annotations

__version__ = "0.1.0"
