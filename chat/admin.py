from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from chat.models import (
    ApiKey,
    Block,
    Conversation,
    Message,
    MessageEdit,
    MessageTranslation,
    Participant,
    Profile,
    WebhookDelivery,
    WebhookEndpoint,
)
from chat.services.api_keys import api_key_create, api_key_revoke
from chat.services.webhooks import delivery_resend, endpoint_create


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "language", "country", "external_id")
    search_fields = ("user__username", "external_id")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "title", "last_seq", "created_at")
    list_filter = ("kind",)
    inlines = [ParticipantInline]


class TranslationInline(admin.TabularInline):
    model = MessageTranslation
    extra = 0
    readonly_fields = (
        "language",
        "status",
        "reason",
        "text",
        "provider",
        "model",
        "from_cache",
        "cost_usd",
        "created_at",
    )
    can_delete = False


@admin.register(Block)
class BlockAdmin(admin.ModelAdmin):
    """Who blocked whom: read-only here (members block and unblock from the client)."""

    list_display = ("blocker", "blocked", "created_at")
    search_fields = ("blocker__username", "blocked__username")
    readonly_fields = ("blocker", "blocked", "created_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class EditInline(admin.TabularInline):
    """Every text the message had or was asked to have, with the check's verdict on each."""

    model = MessageEdit
    extra = 0
    fields = ("kind", "status", "reason", "text", "created_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "conversation",
        "sender",
        "status",
        "reason",
        "seq",
        "translation_cost",
        "created_at",
    )
    list_filter = ("status", "reason")
    search_fields = ("text", "sender__username")
    raw_id_fields = ("conversation", "sender")
    readonly_fields = ("findings", "seq", "finalized_at", "created_at", "edited_at", "deleted_at")
    inlines = [TranslationInline, EditInline]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(_translation_cost=Sum("translations__cost_usd"))
        )

    @admin.display(description="translation cost (USD)", ordering="_translation_cost")
    def translation_cost(self, obj: Message):
        return obj._translation_cost or 0


class ApiKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        choices=ApiKey.Scope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ApiKey
        fields = ("name", "scopes")


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Keys of the host app's backend. A new key is shown once, on the page after it is made;
    the list shows only each key's public prefix."""

    form = ApiKeyForm
    list_display = ("name", "key_prefix", "scopes", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    actions = ("revoke",)

    @admin.display(description="key")
    def key_prefix(self, key: ApiKey) -> str:
        return f"xk_{key.prefix}_…"

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # a key is made or revoked, never edited

    def save_model(self, request: HttpRequest, obj: ApiKey, form, change: bool) -> None:
        key, plaintext = api_key_create(
            name=form.cleaned_data["name"], scopes=form.cleaned_data["scopes"]
        )
        obj.pk, obj.prefix = key.pk, key.prefix
        request._xlate_new_api_key = plaintext  # shown by response_add, then forgotten

    def response_add(self, request: HttpRequest, obj: ApiKey, post_url_continue=None):
        plaintext = getattr(request, "_xlate_new_api_key", None)
        if plaintext is None:
            return super().response_add(request, obj, post_url_continue)
        context = {**self.admin_site.each_context(request), "key": obj, "plaintext": plaintext}
        response: HttpResponse = TemplateResponse(
            request, "admin/chat/apikey/created.html", context
        )
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request: HttpRequest, queryset) -> None:
        for key in queryset:
            api_key_revoke(key=key)
        messages.success(request, f"Revoked {queryset.count()} key(s).")


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        choices=WebhookEndpoint.Event.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ("url", "events", "active")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    """The host's URLs for events; the signing secret is made with the endpoint."""

    form = WebhookEndpointForm
    list_display = ("url", "events", "active", "created_at")
    readonly_fields = ("secret", "created_at")

    def save_model(self, request: HttpRequest, obj: WebhookEndpoint, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        endpoint = endpoint_create(url=form.cleaned_data["url"], events=form.cleaned_data["events"])
        obj.pk, obj.secret = endpoint.pk, endpoint.secret


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The delivery log: every event sent to every endpoint, with its last answer."""

    list_display = (
        "created_at", "event", "endpoint", "status", "attempts", "last_status_code",
        "last_error", "delivered_at",
    )  # fmt: skip
    list_filter = ("status", "event", "endpoint")
    list_select_related = ("endpoint",)
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    actions = ("send_again",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.action(description="Send the selected events again")
    def send_again(self, request: HttpRequest, queryset) -> None:
        for delivery in queryset:
            delivery_resend(delivery=delivery)
        messages.success(request, f"Queued {queryset.count()} deliveries again.")
