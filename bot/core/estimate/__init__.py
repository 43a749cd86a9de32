"""The scoring dialogue (积分测算): the form, figure reading, the scoring port and batch tables."""
