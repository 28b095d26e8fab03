"""Attachments in the GUI: screen capture, the annotation editor, the thumbnail strip, the preview."""
