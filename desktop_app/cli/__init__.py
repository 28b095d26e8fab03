"""helpdesk-cli: the help desk's services from a terminal, with no widgets (entry point in ``main``)."""
