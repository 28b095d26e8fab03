"""Pure rules of the server: status machine, roles and visibility, per-field merge, field checks. No ORM."""
