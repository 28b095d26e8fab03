"""Use cases. Each public method is one transaction; writes return ``Result(dto, changes)``."""
