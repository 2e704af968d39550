"""headwater.execution."""
