"""Adapters: renderers and protocol code the domain is put to work with."""
