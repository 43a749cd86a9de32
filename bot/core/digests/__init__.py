"""Digests (简报推送): composing, fanning out once per period, pacing and crash recovery."""
