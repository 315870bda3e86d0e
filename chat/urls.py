from django.urls import path

from chat import views

app_name = "chat"

urlpatterns = [
    path("", views.index, name="index"),
    path("api/socket-token", views.socket_token, name="socket-token"),
    path("healthz", views.healthz, name="healthz"),
]
