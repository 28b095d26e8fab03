"""The services of working an incident (issue 7), built together: one field on AppContext."""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.services.escalation_service import EscalationService
from desktop_app.services.incident_service import IncidentService
from desktop_app.services.knowledge_service import KnowledgeService
from desktop_app.services.similar_service import SimilarService
from desktop_app.services.timeline_service import TimelineService
from desktop_app.services.transaction import ServiceEnv
from desktop_app.services.worklog_service import WorklogService


@dataclass
class WorkflowServices:
    worklog: WorklogService
    escalations: EscalationService
    timeline: TimelineService
    similar: SimilarService
    knowledge: KnowledgeService

    @classmethod
    def build(cls, env: ServiceEnv, incidents: IncidentService) -> WorkflowServices:
        return cls(
            worklog=WorklogService(env),
            escalations=EscalationService(env, incidents),
            timeline=TimelineService(env),
            similar=SimilarService(env),
            knowledge=KnowledgeService(env),
        )
