"""headwater.loading."""
