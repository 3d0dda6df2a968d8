"""The online service hall (网上办事大厅): the catalogue of services and their applications."""
