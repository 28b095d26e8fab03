"""The sync screens: the background loop, the status indicator, sign-in, Outbox, Errors and Conflicts.

The main window wires all of it with one call: ``integration.install_sync_ui(window, context, runner, bus)``.
"""
