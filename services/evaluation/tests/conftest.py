"""evaluation's tests: unit tests of the domain (no I/O) in unit/, the service on a real
PostgreSQL and Kafka in integration/. This file puts the shared builders
(``evaluation_fixtures``) on the import path."""
