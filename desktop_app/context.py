"""The composition of the Qt-free core: one AppContext per process, built here and passed down."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from desktop_app.capture.blob_store import BlobStore, blob_root
from desktop_app.capture.rules import attachment_policy
from desktop_app.capture.thumbnails import ThumbnailCache, thumbnail_root
from desktop_app.db.engine import create_sqlite_engine, make_session_factory
from desktop_app.db.migrate import migrate
from desktop_app.domain.clock import Clock, utc_now
from desktop_app.domain.ids import IdFactory, new_id
from desktop_app.mail.smtp_account import settings_smtp_account
from desktop_app.paths import AppPaths, resolve_paths
from desktop_app.services.attachment_service import AttachmentService
from desktop_app.services.bootstrap_service import BootstrapService
from desktop_app.services.category_service import CategoryService
from desktop_app.services.communication_service import CommunicationService
from desktop_app.services.directory_service import DirectoryService
from desktop_app.services.incident_service import IncidentService
from desktop_app.services.mail_import_service import MailImportService, mail_options
from desktop_app.services.mail_quarantine import quarantine_root
from desktop_app.services.queue_query import QueueService
from desktop_app.services.reporter_service import ReporterService
from desktop_app.services.saved_view_service import SavedViewService
from desktop_app.services.sla_service import SlaService
from desktop_app.services.transaction import ServiceEnv
from desktop_app.services.workflow import WorkflowServices
from desktop_app.settings import Settings, load_settings
from desktop_app.sync.engine import SyncEngine


@dataclass
class AppContext:
    paths: AppPaths
    settings: Settings
    engine: Engine
    incidents: IncidentService
    reporters: ReporterService
    categories: CategoryService
    directory: DirectoryService
    queue: QueueService
    saved_views: SavedViewService
    bootstrap: BootstrapService
    sync: SyncEngine
    attachments: AttachmentService
    clock: Clock = utc_now
    sla: SlaService = field(init=False)
    mail: MailImportService = field(init=False)
    workflow: WorkflowServices = field(init=False)
    communication: CommunicationService = field(init=False)

    def close(self) -> None:
        self.sync.close()
        self.engine.dispose()


def open_context(
    data_dir: str | Path | None = None,
    *,
    clock: Clock = utc_now,
    ids: IdFactory = new_id,
    initialise: bool = True,
) -> AppContext:
    """Open (migrating first, after a backup) the data directory's database and build the services."""
    paths = resolve_paths(data_dir)
    settings = load_settings(paths.settings_file)
    engine = create_sqlite_engine(paths.database)
    try:
        migrate(engine, paths.database, paths.backups)
    except BaseException:
        engine.dispose()
        raise
    env = ServiceEnv(make_session_factory(engine), clock=clock, ids=ids)
    context = AppContext(
        paths=paths,
        settings=settings,
        engine=engine,
        incidents=IncidentService(env, settings.matrix()),
        reporters=ReporterService(env),
        categories=CategoryService(env),
        directory=DirectoryService(env),
        queue=QueueService(env),
        saved_views=SavedViewService(env),
        bootstrap=BootstrapService(env),
        sync=SyncEngine(env, blobs=BlobStore(blob_root(paths.data_dir))),
        attachments=AttachmentService(
            env,
            BlobStore(blob_root(paths.data_dir)),
            ThumbnailCache(thumbnail_root(paths.data_dir)),
            attachment_policy(settings),
        ),
        clock=clock,
    )
    context.mail = MailImportService(
        env, context.incidents, context.attachments, quarantine_root(paths.data_dir), mail_options(settings)
    )
    context.sla = SlaService(env, context.incidents)
    context.workflow = WorkflowServices.build(env, context.incidents)
    context.communication = CommunicationService(env, context.sla, lambda: settings_smtp_account(context.settings))
    if initialise and context.bootstrap.needs_initialise():
        context.bootstrap.initialise()
    return context
