"""Request and response models of the API, one module per resource (use cases take and
return them; the routes import them from here)."""
