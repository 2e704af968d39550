"""Two modules define different schedules with the same name."""
