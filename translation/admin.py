from django.contrib import admin, messages

from translation.models import CachedTranslation, ProviderCall


@admin.register(CachedTranslation)
class CachedTranslationAdmin(admin.ModelAdmin):
    list_display = (
        "key_short",
        "source_language",
        "target_language",
        "prompt_version",
        "provider",
        "model",
        "hits",
        "last_used_at",
    )
    list_filter = ("source_language", "target_language", "prompt_version", "provider")
    search_fields = ("source_text", "text")
    readonly_fields = [f.name for f in CachedTranslation._meta.fields]
    actions = ["purge_language_pair", "purge_prompt_version"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="key")
    def key_short(self, obj: CachedTranslation) -> str:
        return obj.key[:12]

    @admin.action(
        description="Purge every entry of the selected entries' language pairs",
        permissions=["delete"],
    )
    def purge_language_pair(self, request, queryset) -> None:
        pairs = set(queryset.values_list("source_language", "target_language"))
        deleted = 0
        for source, target in pairs:
            deleted += CachedTranslation.objects.filter(
                source_language=source, target_language=target
            ).delete()[0]
        self.message_user(request, f"Purged {deleted} entries.", messages.SUCCESS)

    @admin.action(
        description="Purge every entry of the selected entries' prompt versions",
        permissions=["delete"],
    )
    def purge_prompt_version(self, request, queryset) -> None:
        versions = set(queryset.values_list("prompt_version", flat=True))
        deleted = CachedTranslation.objects.filter(prompt_version__in=versions).delete()[0]
        self.message_user(request, f"Purged {deleted} entries.", messages.SUCCESS)


@admin.register(ProviderCall)
class ProviderCallAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "provider",
        "model",
        "purpose",
        "ok",
        "error",
        "input_tokens",
        "output_tokens",
        "cost_usd",
        "latency_ms",
        "user_id",
        "message_id",
    )
    list_filter = ("provider", "model", "purpose", "ok", "error")
    date_hierarchy = "created_at"
    readonly_fields = [f.name for f in ProviderCall._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
