"""Staff-only pages of the moderators' workspace: the live refresh of the case list, and the
leads' overview with its charts."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from moderation.models import ModerationCase
from moderation.overview import Series, overview

# The bar charts' drawing area, in SVG user units.
_CHART_WIDTH, _CHART_HEIGHT = 480, 120


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


def _bars(series: Series) -> dict:
    """A series as bars to draw: position, height and a title for each hour."""
    step = _CHART_WIDTH / len(series.counts)
    peak = series.peak or 1
    bars = []
    for index, (hour, count) in enumerate(zip(series.hours, series.counts, strict=True)):
        height = round(_CHART_HEIGHT * count / peak, 1)
        bars.append(
            {
                "x": round(index * step, 1),
                "y": round(_CHART_HEIGHT - height, 1),
                "width": round(step * 0.8, 1),
                "height": height,
                "title": f"{hour:%H:00} UTC: {count}",
            }
        )
    return {"label": series.label, "total": series.total, "peak": series.peak, "bars": bars}


@require_GET
@never_cache
def leads_overview(request: HttpRequest) -> HttpResponse:
    """Messages per hour, cases opened and decided, the queue and the median time to decision,
    for staff who may view cases."""
    user = request.user
    if not (user.is_active and user.is_staff and user.has_perm("moderation.view_moderationcase")):
        raise PermissionDenied
    figures = overview()
    context = {
        **admin.site.each_context(request),
        "title": "Moderation overview",
        "figures": figures,
        "charts": [_bars(s) for s in (figures.messages, figures.opened, figures.decided)],
        "width": _CHART_WIDTH,
        "height": _CHART_HEIGHT,
    }
    return render(request, "admin/moderation/overview.html", context)
