"""The telemetry path: device directory, publishing to Kafka, storing from Kafka."""
