"""device-ingestion: device types and register, ThingsBoard-compatible telemetry over HTTP
and MQTT, time series with roll-ups, energy statistics, device status and commands."""
