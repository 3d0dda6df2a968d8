"""Exchange with city and district platforms: agreements, periods, records (pure)."""
