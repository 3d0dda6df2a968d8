"""identity's use cases: each owns its unit of work, scope checks, audit and events."""
