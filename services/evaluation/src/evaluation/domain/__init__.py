"""Pure logic of the evaluation service: no I/O, no framework."""
