"""Telegram channel: PTB updates in, core replies out, digest pushes."""
