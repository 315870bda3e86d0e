from django.contrib import admin
from django.db.models import Sum

from chat.models import Conversation, Message, MessageTranslation, Participant, Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "language", "country")
    search_fields = ("user__username",)


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
    readonly_fields = ("findings", "seq", "finalized_at", "created_at")
    inlines = [TranslationInline]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).annotate(_translation_cost=Sum("translations__cost_usd"))
        )

    @admin.display(description="translation cost (USD)", ordering="_translation_cost")
    def translation_cost(self, obj: Message):
        return obj._translation_cost or 0
