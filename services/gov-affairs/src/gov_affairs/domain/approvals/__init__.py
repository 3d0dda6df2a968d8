"""The approval engine (审批): flows as data, a pure state machine over them (ADR 0019)."""
