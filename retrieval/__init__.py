"""innobot package."""
