from django.urls import path

from moderation import views

app_name = "moderation"

urlpatterns = [
    path("cases/latest", views.cases_latest, name="cases-latest"),
    path("overview", views.leads_overview, name="overview"),
]
