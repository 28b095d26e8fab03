"""Pure-Python rules of the help desk: no Qt, no database."""
