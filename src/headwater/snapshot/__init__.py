"""headwater.snapshot."""
