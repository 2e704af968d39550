"""dg projects: their ``[tool.dg]`` configuration and the ``defs.yaml`` component types."""
