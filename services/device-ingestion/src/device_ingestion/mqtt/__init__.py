"""MQTT: the ThingsBoard device API over MQTT (token as username), an embedded broker for
development, and the service's own client."""
