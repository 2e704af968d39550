"""Asset selections: :class:`AssetSelection`, its node types (one per way of choosing assets
or checks) and the parser of the string syntax (``"key:a+ and group:x"``).

A selection resolves against an :class:`~headwater.definitions.asset_graph.AssetGraph`, so this
package imports only ``asset_graph`` (and ``headwater.core`` / ``headwater.errors``).
"""
