"""Readable in-memory fakes shared by the tests, one module per area."""
