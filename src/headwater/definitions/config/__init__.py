"""Configuration and resources: pythonic :class:`Config` and ``RunConfig`` (pydantic, imported
only here), config schemas, :class:`ConfigurableResource`, ``@resource`` and
:class:`ResourceDefinition`, IO managers and :class:`EnvVar`.

It may import ``asset_graph`` (IO manager contexts carry asset keys) and nothing else of
``definitions``. pydantic is imported only by ``pythonic`` and ``configurable``.
"""
