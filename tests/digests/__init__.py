"""Subscriptions, digests and scheduled delivery."""
