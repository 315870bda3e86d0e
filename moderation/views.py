"""Staff-only JSON for the moderators' workspace: the live refresh of the case list."""

from django.db.models import Count, Max, Q
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from moderation.models import ModerationCase


@require_GET
@never_cache
def cases_latest(request: HttpRequest) -> JsonResponse:
    """The newest case id and the pending count; with ``?since=<id>``, also how many cases
    arrived after that id. Only active staff who may view cases get an answer."""
    user = request.user
    if not (user.is_active and user.is_staff and user.has_perm("moderation.view_moderationcase")):
        return JsonResponse({"error": "forbidden"}, status=403)
    since = request.GET.get("since", "")
    since_id = int(since) if since.isdigit() else None
    totals = ModerationCase.objects.aggregate(
        latest_id=Max("pk"),
        pending=Count("pk", filter=Q(status=ModerationCase.Status.PENDING)),
        new=Count("pk", filter=Q(pk__gt=since_id or 0)),
    )
    body = {"latest_id": totals["latest_id"] or 0, "pending": totals["pending"]}
    if since_id is not None:
        body["new"] = totals["new"]
    return JsonResponse(body)
