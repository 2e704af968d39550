"""Imports an asset defined elsewhere: the loaders must count it once."""

from loader_pkg.ingest import raw_orders as orders_alias

__all__ = ["orders_alias"]
