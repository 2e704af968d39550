"""headwater: an asset-oriented data orchestrator for Python."""

__version__ = "0.1.0"
