"""HTTP API: one router per resource (phase B), request and response models here."""
