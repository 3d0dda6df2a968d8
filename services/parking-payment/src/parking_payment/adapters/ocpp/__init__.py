"""OCPP central system (充电桩平台侧) on the PyPI ``ocpp`` library over WebSocket:
OCPP 1.6J and, where the charger offers it, 2.0.1."""
