"""Email import in the GUI: drop or pick files, a progress dialog, the quarantine list, the watched folder."""
