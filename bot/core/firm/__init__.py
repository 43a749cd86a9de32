"""The firm (企业档案): one saved profile per user, eligibility, gaps, corrections and what-ifs."""

from bot.core.firm.record import FieldEntry, FirmContext, FirmRecord

__all__ = ["FieldEntry", "FirmContext", "FirmRecord"]
