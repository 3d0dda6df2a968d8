"""MQTT: the ThingsBoard device API over MQTT (token as username) on the service's own
device transport (MQTT 3.1, 3.1.1, 5), or through an external broker and the service's
client."""
