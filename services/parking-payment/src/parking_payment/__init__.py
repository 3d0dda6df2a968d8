"""Parking and payment (停车与缴费).

Vehicles, gates, sessions, tariffs, charging, property fees and payments.
"""
