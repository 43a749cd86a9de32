"""Subscriptions (订阅): commands, the step-by-step flow, free-text parsing, schedules and topics."""
