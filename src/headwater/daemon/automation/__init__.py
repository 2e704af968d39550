"""Declarative automation on the host: evaluate assets' condition trees from the snapshot and
the instance (never user code), request runs, keep a cursor and explain each evaluation."""
