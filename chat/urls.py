from django.urls import path
from django.views.generic import TemplateView

from chat import views

app_name = "chat"

urlpatterns = [
    path("", views.index, name="index"),
    path("api/socket-token", views.socket_token, name="socket-token"),
    path("healthz", views.healthz, name="healthz"),
    # The host app's link into the web client: a token in the fragment (session-open.js).
    path(
        "session/open",
        TemplateView.as_view(template_name="chat/session_open.html"),
        name="session-open",
    ),
]
