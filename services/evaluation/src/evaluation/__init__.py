"""Evaluation service: surveys, service KPIs, the three indices and reports (clause 6.8)."""
