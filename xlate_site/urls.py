from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from chat import views as chat_views
from chat.login import LoginView
from xlate_site import metrics_view
from xlate_site.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    # Django's login view behind the login throttle (chat/login.py), like the token endpoint.
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", chat_views.LogoutView.as_view(), name="logout"),
    # The web client's strings (gettext() in static/chat/) in the active language: the
    # project's catalog (LOCALE_PATHS) and chat's, without the admin's.
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(domain="djangojs", packages=["chat"]),
        name="javascript-catalog",
    ),
    path("moderation/", include("moderation.urls")),
    path("api/", api.urls),
    path("metrics", metrics_view.metrics, name="metrics"),
    path("", include("chat.urls")),
]
