"""Schema revisions, kept free of SQLAlchemy so the start-up check can read them cheaply."""

# The newest revision in migrations/versions; a test checks it against Alembic's script head.
HEAD_REVISION = "0009_sla_due_order"
KNOWN_REVISIONS = (
    "0001_initial",
    "0002_sync",
    "0003_queue",
    "0004_attachments",
    "0005_work",
    "0006_mail",
    "0007_sla_due",
    "0008_queue_no_reporter",
    "0009_sla_due_order",
)
