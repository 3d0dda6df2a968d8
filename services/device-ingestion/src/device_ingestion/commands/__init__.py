"""Device commands (ThingsBoard server-side RPC): queued, sent over MQTT or handed to an
HTTP long-poll, answered by the device, or expired."""
