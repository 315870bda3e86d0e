"""Read-only admins beside the case queue: reports, standings (sanctions), the audit trail."""

from typing import Any

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator

from moderation.case_view import detail_text, username_of
from moderation.models import AuditEvent, Report, Standing


class ReadOnlyAdmin(admin.ModelAdmin):
    """Viewable by whoever has the view permission; nobody adds, edits or deletes here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _case_link(case_id: int | None) -> str:
    if case_id is None:
        return ""
    url = reverse("admin:moderation_moderationcase_change", args=[case_id])
    return format_html('<a href="{}">case {}</a>', url, case_id)


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "created_at",
        "reason",
        "reporter_name",
        "reported_name",
        "conversation_column",
        "case_column",
        "comment_excerpt",
    )
    list_filter = ("reason", "created_at")
    list_select_related = ("reporter", "reported")
    search_fields = ("reporter__username", "reported__username", "comment")
    date_hierarchy = "created_at"
    fields = (
        "created_at",
        "reason",
        "reporter_name",
        "reported_name",
        "conversation_column",
        "message_text",
        "case_column",
        "comment",
    )
    readonly_fields = fields

    @admin.display(description="reporter", ordering="reporter__username")
    def reporter_name(self, report: Report) -> str:
        return username_of(report.reporter)

    @admin.display(description="reported", ordering="reported__username")
    def reported_name(self, report: Report) -> str:
        return username_of(report.reported)

    @admin.display(description="case", ordering="case")
    def case_column(self, report: Report) -> str:
        return _case_link(report.case_id)

    @admin.display(description="conversation", ordering="conversation")
    def conversation_column(self, report: Report) -> int:
        return report.conversation_id

    @admin.display(description="comment")
    def comment_excerpt(self, report: Report) -> str:
        return Truncator(report.comment).chars(80)

    @admin.display(description="message")
    def message_text(self, report: Report) -> str:
        return report.message.text if report.message_id else ""


class StandingStateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("banned", "Banned"), ("muted", "Muted now"), ("clear", "Neither")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        now = timezone.now()
        muted = Q(banned_at__isnull=True, muted_until__gt=now)
        match self.value():
            case "banned":
                return queryset.filter(banned_at__isnull=False)
            case "muted":
                return queryset.filter(muted)
            case "clear":
                return queryset.filter(banned_at__isnull=True).exclude(muted)
        return queryset


@admin.register(Standing)
class StandingAdmin(ReadOnlyAdmin):
    list_display = ("user_name", "state", "muted_until", "banned_at", "cases")
    list_filter = (StandingStateFilter,)
    list_select_related = ("user",)
    search_fields = ("user__username",)
    fields = ("user_name", "state", "muted_until", "banned_at", "cases")
    readonly_fields = fields

    @admin.display(description="user", ordering="user__username")
    def user_name(self, standing: Standing) -> str:
        return username_of(standing.user)

    @admin.display(description="state")
    def state(self, standing: Standing) -> str:
        if standing.banned_at is not None:
            return "banned"
        if standing.muted_until and standing.muted_until > timezone.now():
            return "muted"
        return "clear"

    @admin.display(description="cases")
    def cases(self, standing: Standing) -> str:
        url = reverse("admin:moderation_moderationcase_changelist")
        return format_html('<a href="{}?subject__exact={}">their cases</a>', url, standing.user_id)


class DecidedByFilter(admin.SimpleListFilter):
    title = "decided by"
    parameter_name = "by"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [("automatic", "The pipeline"), ("person", "A person")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        match self.value():
            case "automatic":
                return queryset.filter(actor__isnull=True)
            case "person":
                return queryset.filter(actor__isnull=False)
        return queryset


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "action",
        "actor_name",
        "subject_name",
        "case_column",
        "message_column",
        "detail_summary",
    )
    list_filter = ("action", DecidedByFilter, "created_at")
    list_select_related = ("actor", "subject")
    search_fields = ("actor__username", "subject__username")
    date_hierarchy = "created_at"
    fields = (
        "created_at",
        "action",
        "actor_name",
        "subject_name",
        "case_column",
        "message_column",
        "detail_summary",
    )
    readonly_fields = fields

    @admin.display(description="actor", ordering="actor__username")
    def actor_name(self, event: AuditEvent) -> str:
        return username_of(event.actor) if event.actor_id else "(automatic)"

    @admin.display(description="subject", ordering="subject__username")
    def subject_name(self, event: AuditEvent) -> str:
        return username_of(event.subject)

    @admin.display(description="case", ordering="case")
    def case_column(self, event: AuditEvent) -> str:
        return _case_link(event.case_id)

    @admin.display(description="message", ordering="message")
    def message_column(self, event: AuditEvent) -> int | None:
        return event.message_id

    @admin.display(description="detail")
    def detail_summary(self, event: AuditEvent) -> str:
        return detail_text(event.detail)
