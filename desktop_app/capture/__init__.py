"""Image processing and blob storage for attachments, with Pillow only (no Qt widgets here)."""
