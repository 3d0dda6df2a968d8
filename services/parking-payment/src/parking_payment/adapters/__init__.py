"""Adapters: protocol clients, verifiers, parsers and the local provider simulators."""
