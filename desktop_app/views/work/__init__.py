"""Working an incident in the GUI: timeline, escalation, workaround, worklog options (issue 7)."""
