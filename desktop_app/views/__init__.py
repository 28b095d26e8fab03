"""Everything that imports Qt widgets. Views get DTOs from services through the task runner."""
