"""SLA clocks in the GUI: the detail panel, the tray notifier and the settings page."""
