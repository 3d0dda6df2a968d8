"""Pure rules of commerce: no I/O, no framework."""
