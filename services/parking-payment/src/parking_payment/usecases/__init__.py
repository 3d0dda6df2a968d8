"""Use cases of parking-payment (phase B wires them to the service kit's unit of work)."""
