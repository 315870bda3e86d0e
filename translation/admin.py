from django.contrib import admin

from translation.models import CachedTranslation


@admin.register(CachedTranslation)
class CachedTranslationAdmin(admin.ModelAdmin):
    list_display = (
        "key_short",
        "source_language",
        "target_language",
        "provider",
        "hits",
        "last_used_at",
    )
    list_filter = ("source_language", "target_language", "provider", "prompt_version")
    search_fields = ("source_text", "text")
    readonly_fields = [f.name for f in CachedTranslation._meta.fields]

    @admin.display(description="key")
    def key_short(self, obj: CachedTranslation) -> str:
        return obj.key[:12]
