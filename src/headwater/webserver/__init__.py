"""HTTP API and browser UI for headwater (Starlette)."""
