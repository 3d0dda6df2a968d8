"""Pure domain logic of the gov-affairs service: no I/O, no framework."""
