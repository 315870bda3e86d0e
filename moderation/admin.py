"""The moderators' workspace in the Django admin: the case queue with its decisions, and
read-only reports, sanctions and audit trail. Every decision goes through moderation.services,
which writes the audit rows and makes the live effect."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.timesince import timesince

from chat.models import Message
from moderation import records_admin  # noqa: F401 - registers the read-only admins
from moderation.case_view import (
    ORIGINAL,
    detail_text,
    finding_rows,
    findings_in,
    highlight_findings,
    username_of,
)
from moderation.models import ModerationCase, Standing
from moderation.services import case_approve, case_reject, user_ban, user_mute

MUTE_SECONDS = {"mute_1h": 3600, "mute_24h": 86400}
# (value, button label, confirmation asked in the browser or "").
DECISIONS = (
    ("approve", "Approve", ""),
    ("reject", "Reject", ""),
    ("mute_1h", "Mute sender 1 h", ""),
    ("mute_24h", "Mute sender 24 h", ""),
    ("ban", "Ban sender", "Ban this sender? The account can no longer log in or send."),
)


class AgeFilter(admin.SimpleListFilter):
    """How long ago a case was opened."""

    title = "age"
    parameter_name = "age"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        return [
            ("hour", "Last hour"),
            ("today", "Today"),
            ("week", "Last 7 days"),
            ("older", "Older than 7 days"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        now = timezone.now()
        match self.value():
            case "hour":
                return queryset.filter(created_at__gte=now - timedelta(hours=1))
            case "today":
                midnight = timezone.localtime(now).replace(
                    hour=0, minute=0, second=0, microsecond=0
                )
                return queryset.filter(created_at__gte=midnight)
            case "week":
                return queryset.filter(created_at__gte=now - timedelta(days=7))
            case "older":
                return queryset.filter(created_at__lt=now - timedelta(days=7))
        return queryset


@admin.register(ModerationCase)
class ModerationCaseAdmin(admin.ModelAdmin):
    """The queue: pending first, oldest first; decisions as buttons and bulk actions."""

    list_display = (
        "id",
        "status",
        "age",
        "subject_column",
        "excerpt",
        "reason_column",
        "verdict",
        "score_column",
        "source",
        "language",
        "appealed",
    )
    list_display_links = ("id", "excerpt")
    list_filter = ("status", "source", "primary_kind", "language", AgeFilter, "appealed")
    list_select_related = ("subject", "message")
    search_fields = ("subject__username", "message__text")
    ordering = (
        models.Case(
            models.When(status=ModerationCase.Status.PENDING, then=models.Value(0)),
            default=models.Value(1),
        ).asc(),
        "created_at",
        "pk",
    )
    actions = ("approve_cases", "reject_cases", "mute_1h", "mute_24h", "ban_subjects")
    fieldsets = (
        (
            "Case",
            {
                "fields": (
                    ("status", "decision", "decided_at"),
                    ("source", "verdict", "reason", "primary_kind"),
                    ("kinds_display", "language", "created_at"),
                    ("appealed", "appeal_note"),
                )
            },
        ),
        ("Review", {"fields": ("assignee", "note")}),
    )
    readonly_fields = (
        "status",
        "decision",
        "decided_at",
        "source",
        "verdict",
        "reason",
        "primary_kind",
        "kinds_display",
        "language",
        "created_at",
        "appealed",
        "appeal_note",
    )

    # --- permissions: cases are opened by the pipeline and by reports, never deleted ---

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A case is part of the audit trail; it goes only with its user or message.
        return False

    def has_decide_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("moderation.decide_case")

    # --- the list ---

    @admin.display(description="reason", ordering="primary_kind")
    def reason_column(self, case: ModerationCase) -> str:
        return case.primary_kind or case.reason

    @admin.display(description="score", ordering="score")
    def score_column(self, case: ModerationCase) -> str | None:
        return None if case.score is None else f"{case.score:.1f}"

    @admin.display(description="subject", ordering="subject__username")
    def subject_column(self, case: ModerationCase) -> str:
        return username_of(case.subject)

    @admin.display(description="message")
    def excerpt(self, case: ModerationCase) -> str:
        if case.message is None:
            return "(no message)"
        return Truncator(case.message.text).chars(60)

    @admin.display(description="age", ordering="created_at")
    def age(self, case: ModerationCase) -> str:
        return f"{timesince(case.created_at, depth=1)} ago"

    @admin.display(description="kinds")
    def kinds_display(self, case: ModerationCase) -> str:
        return ", ".join(str(kind) for kind in case.kinds or ())

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        counts = dict(
            ModerationCase.objects.values_list("status").annotate(n=Count("pk")).order_by()
        )
        appealed = ModerationCase.objects.filter(
            status=ModerationCase.Status.PENDING, appealed=True
        ).count()
        context = {
            "status_counts": [
                (value, label.lower(), counts.get(value, 0))
                for value, label in ModerationCase.Status.choices
            ],
            "appealed_pending": appealed,
            "live_poll_url": reverse("moderation:cases-latest"),
            "live_latest_id": ModerationCase.objects.aggregate(latest=Max("pk"))["latest"] or 0,
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context=context)

    # --- one case ---

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "assignee":
            # Only people who can work the queue; never the whole user table.
            kwargs["queryset"] = moderators()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: ModerationCase, form: Any, change: bool
    ) -> None:
        # Write only what the form edits, so a decision made meanwhile is not overwritten.
        editable = [name for name in form.changed_data if name in ("assignee", "note")]
        if editable:
            obj.save(update_fields=editable)

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: ModerationCase | None = None,
    ) -> HttpResponse:
        if obj is not None:
            context.update(self._case_context(request, obj))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _case_context(self, request: HttpRequest, case: ModerationCase) -> dict[str, Any]:
        message = (
            Message.objects.select_related("sender").filter(pk=case.message_id).first()
            if case.message_id
            else None
        )
        context: dict[str, Any] = {
            "case_message": message,
            "findings": finding_rows(case, message),
            "reports": case.reports.select_related("reporter").order_by("created_at", "pk"),
            "events": [
                (event, detail_text(event.detail))
                for event in case.events.select_related("actor").order_by("created_at", "pk")
            ],
            "sanction": _sanction_text(Standing.objects.filter(user_id=case.subject_id).first()),
            "subject_cases": ModerationCase.objects.filter(subject_id=case.subject_id).aggregate(
                total=Count("pk"),
                rejected=Count("pk", filter=Q(status=ModerationCase.Status.REJECTED)),
            ),
            "subject_cases_url": reverse("admin:moderation_moderationcase_changelist")
            + f"?subject__exact={case.subject_id}",
            "next_pending_url": _next_pending_url(case),
        }
        if message is not None:
            # A case about an edit: its findings point into the edit's text.
            text = case.edit.text if case.edit_id else message.text
            context["original_html"] = highlight_findings(
                text, findings_in(case.findings, ORIGINAL)
            )
            context["versions"] = list(message.edits.order_by("pk"))
            translations = list(message.translations.order_by("language"))
            for translation in translations:
                translation.text_html = highlight_findings(
                    translation.text,
                    findings_in(case.findings, f"translation:{translation.language}"),
                )
            context["translations"] = translations
            before = (
                Message.objects.filter(conversation_id=message.conversation_id, pk__lt=message.pk)
                .select_related("sender")
                .order_by("-pk")[: settings.MODERATION_CONTEXT_MESSAGES]
            )
            context["context_messages"] = list(before)[::-1]
        else:
            recent = (
                Message.objects.filter(sender_id=case.subject_id)
                .select_related("sender")
                .order_by("-pk")[: settings.MODERATION_CONTEXT_MESSAGES]
            )
            context["context_messages"] = list(recent)[::-1]
        if self.has_decide_permission(request):
            context["decisions"] = DECISIONS
            context["decide_url"] = reverse(
                "admin:moderation_moderationcase_decide", args=[case.pk]
            )
        return context

    # --- decisions ---

    def get_urls(self) -> list[URLPattern]:
        decide = path(
            "<path:object_id>/decide/",
            self.admin_site.admin_view(self.decide_view),
            name="moderation_moderationcase_decide",
        )
        return [decide, *super().get_urls()]

    def decide_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """One decision from the buttons on a case page (POST, CSRF-checked by admin_view)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_decide_permission(request):
            raise PermissionDenied
        case = self.get_object(request, unquote(object_id))
        if case is None:
            raise Http404("no such case")
        if not self.has_view_or_change_permission(request, case):
            raise PermissionDenied
        decision = request.POST.get("decision", "")
        if decision not in {value for value, _, _ in DECISIONS}:
            self.message_user(request, "Unknown decision.", messages.ERROR)
        else:
            refused = _decide(request, case, decision, note=request.POST.get("note", "").strip())
            if refused:
                self.message_user(request, f"Not done: {refused}.", messages.WARNING)
            else:
                self.message_user(request, _done_text(decision, 1), messages.SUCCESS)
        return redirect("admin:moderation_moderationcase_change", case.pk)

    @admin.action(
        description="Approve selected cases (deliver held messages)", permissions=["decide"]
    )
    def approve_cases(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._bulk(request, queryset, "approve")

    @admin.action(
        description="Reject selected cases (remove their messages)", permissions=["decide"]
    )
    def reject_cases(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._bulk(request, queryset, "reject")

    @admin.action(description="Mute the senders for 1 hour", permissions=["decide"])
    def mute_1h(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._bulk(request, queryset, "mute_1h")

    @admin.action(description="Mute the senders for 24 hours", permissions=["decide"])
    def mute_24h(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._bulk(request, queryset, "mute_24h")

    @admin.action(description="Ban the senders", permissions=["decide"])
    def ban_subjects(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._bulk(request, queryset, "ban")

    def _bulk(self, request: HttpRequest, queryset: QuerySet, decision: str) -> None:
        done = 0
        refusals = []
        sanctioned: set[int] = set()
        for case in queryset.select_related("subject").order_by("created_at", "pk"):
            if decision not in ("approve", "reject"):
                # One sanction per person, however many of their cases are selected.
                if case.subject_id in sanctioned:
                    continue
                sanctioned.add(case.subject_id)
            refused = _decide(request, case, decision)
            if refused:
                refusals.append(refused)
            else:
                done += 1
        if done:
            self.message_user(request, _done_text(decision, done), messages.SUCCESS)
        for refused in refusals:
            self.message_user(request, f"Not done: {refused}.", messages.WARNING)


def _decide(request: HttpRequest, case: ModerationCase, decision: str, note: str = "") -> str:
    """Apply one decision to one case through the services; return why it was refused, or ""."""
    moderator = request.user
    if case.subject_id == moderator.pk:
        return f"case {case.pk} is about you; another moderator decides it"
    if decision in ("approve", "reject"):
        service = case_approve if decision == "approve" else case_reject
        with transaction.atomic():
            # Locked, so two moderators deciding the same case at once cannot both win.
            locked = ModerationCase.objects.select_for_update().get(pk=case.pk)
            if locked.status != ModerationCase.Status.PENDING:
                return f"case {case.pk} is already {locked.status}"
            service(case=locked, moderator=moderator, note=note)
        return ""
    subject = case.subject
    if subject.is_staff or subject.is_superuser:
        return (
            f"{username_of(subject)} is a staff account; an administrator decides sanctions there"
        )
    if decision == "ban":
        if Standing.objects.filter(user=subject, banned_at__isnull=False).exists():
            return f"{username_of(subject)} is already banned"
        user_ban(user=subject, moderator=moderator, case=case)
    else:
        user_mute(user=subject, moderator=moderator, seconds=MUTE_SECONDS[decision], case=case)
    if note:
        ModerationCase.objects.filter(pk=case.pk).update(note=note)
    return ""


def _done_text(decision: str, count: int) -> str:
    noun = "case" if count == 1 else "cases"
    sender = "sender" if count == 1 else "senders"
    return {
        "approve": f"Approved {count} {noun}.",
        "reject": f"Rejected {count} {noun}.",
        "mute_1h": f"Muted {count} {sender} for 1 hour.",
        "mute_24h": f"Muted {count} {sender} for 24 hours.",
        "ban": f"Banned {count} {sender}.",
    }[decision]


def _sanction_text(standing: Standing | None) -> str:
    if standing is not None and standing.banned_at is not None:
        return f"banned since {timezone.localtime(standing.banned_at):%Y-%m-%d %H:%M}"
    if standing is not None and standing.muted_until and standing.muted_until > timezone.now():
        return f"muted until {timezone.localtime(standing.muted_until):%Y-%m-%d %H:%M}"
    return "no sanction"


def _next_pending_url(case: ModerationCase) -> str:
    following = (
        ModerationCase.objects.filter(status=ModerationCase.Status.PENDING)
        .exclude(pk=case.pk)
        .order_by("created_at", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    if following is None:
        return ""
    return reverse("admin:moderation_moderationcase_change", args=[following])


def moderators() -> QuerySet:
    """Active staff who may decide cases: the people a case can be assigned to."""
    decide = Permission.objects.filter(content_type__app_label="moderation", codename="decide_case")
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__in=decide)
            | Q(user_permissions__in=decide)
        )
        .distinct()
        .order_by("username")
    )
