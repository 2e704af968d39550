"""headwater.definitions."""
