"""The moderators' workspace in the Django admin: the case queue with its decisions, and
read-only reports, sanctions and audit trail. Every decision goes through moderation.services,
which writes the audit rows and makes the live effect."""

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

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
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.timesince import timesince

from chat.models import Message
from moderation.models import AuditEvent, ModerationCase, Report, Standing
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
CONTEXT_MESSAGES = 10


def highlight_findings(text: str, findings: Iterable[Any]) -> SafeString:
    """``text`` escaped, with each finding's span wrapped in ``<mark title="kind: evidence">``.

    Overlapping spans share one mark; a span that does not fit the text is left out rather
    than guessed at (the findings table still lists it).
    """
    spans: list[tuple[int, int, str]] = []
    for finding in findings or ():
        if not isinstance(finding, dict):
            continue
        start, end = finding.get("start"), finding.get("end")
        if type(start) is not int or type(end) is not int or not 0 <= start < end <= len(text):
            continue
        spans.append((start, end, f"{finding.get('kind', '')}: {finding.get('evidence', '')}"))
    merged: list[tuple[int, int, list[str]]] = []
    for start, end, title in sorted(spans):
        if merged and start < merged[-1][1]:
            first, last, titles = merged[-1]
            merged[-1] = (first, max(last, end), titles if title in titles else [*titles, title])
        else:
            merged.append((start, end, [title]))
    parts: list[str] = []
    position = 0
    for start, end, titles in merged:
        parts.append(escape(text[position:start]))
        parts.append(format_html('<mark title="{}">{}</mark>', "; ".join(titles), text[start:end]))
        position = end
    parts.append(escape(text[position:]))
    # Every part above is escaped or built by format_html.
    return mark_safe("".join(parts))


def _username(user: Any) -> str:
    return user.get_username() if user is not None else ""


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
        return _username(case.subject)

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
            "findings": _finding_rows(case, message),
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
            context["original_html"] = highlight_findings(
                message.text, findings_in(case.findings, ORIGINAL)
            )
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
                .order_by("-pk")[:CONTEXT_MESSAGES]
            )
            context["context_messages"] = list(before)[::-1]
        else:
            recent = (
                Message.objects.filter(sender_id=case.subject_id)
                .select_related("sender")
                .order_by("-pk")[:CONTEXT_MESSAGES]
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
        return f"{_username(subject)} is a staff account; an administrator decides sanctions there"
    if decision == "ban":
        if Standing.objects.filter(user=subject, banned_at__isnull=False).exists():
            return f"{_username(subject)} is already banned"
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


ORIGINAL = "original"


def findings_in(findings: Iterable[Any], where: str) -> list[dict]:
    """The findings made in one text: the original, or "translation:<language>"."""
    return [f for f in findings or () if isinstance(f, dict) and f.get("in", ORIGINAL) == where]


def _finding_rows(case: ModerationCase, message: Message | None) -> list[dict[str, Any]]:
    """The findings as table rows, with the text each span covers in the text it was found in."""
    texts = {ORIGINAL: message.text if message is not None else ""}
    if message is not None:
        for translation in message.translations.all():
            texts[f"translation:{translation.language}"] = translation.text
    rows = []
    for finding in case.findings or ():
        if not isinstance(finding, dict):
            continue
        where = finding.get("in", ORIGINAL)
        text = texts.get(where, "")
        start, end = finding.get("start"), finding.get("end")
        fits = type(start) is int and type(end) is int and 0 <= start < end <= len(text)
        rows.append(
            {
                "kind": finding.get("kind", ""),
                "confidence": finding.get("confidence"),
                "evidence": finding.get("evidence", ""),
                "found_in": where,
                "matched": text[start:end] if fits else "",
            }
        )
    return rows


def _sanction_text(standing: Standing | None) -> str:
    if standing is not None and standing.banned_at is not None:
        return f"banned since {timezone.localtime(standing.banned_at):%Y-%m-%d %H:%M}"
    if standing is not None and standing.muted_until and standing.muted_until > timezone.now():
        return f"muted until {timezone.localtime(standing.muted_until):%Y-%m-%d %H:%M}"
    return "no sanction"


def detail_text(detail: Any) -> str:
    """An audit event's detail as ``key=value, ...``."""
    if not isinstance(detail, dict):
        return ""
    return ", ".join(f"{key}={value}" for key, value in sorted(detail.items()))


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
        return _username(report.reporter)

    @admin.display(description="reported", ordering="reported__username")
    def reported_name(self, report: Report) -> str:
        return _username(report.reported)

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
        return _username(standing.user)

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
        return _username(event.actor) if event.actor_id else "(automatic)"

    @admin.display(description="subject", ordering="subject__username")
    def subject_name(self, event: AuditEvent) -> str:
        return _username(event.subject)

    @admin.display(description="case", ordering="case")
    def case_column(self, event: AuditEvent) -> str:
        return _case_link(event.case_id)

    @admin.display(description="message", ordering="message")
    def message_column(self, event: AuditEvent) -> int | None:
        return event.message_id

    @admin.display(description="detail")
    def detail_summary(self, event: AuditEvent) -> str:
        return detail_text(event.detail)
