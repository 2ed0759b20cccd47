from __future__ import annotations

from django.urls import path

from reports import dashboard, rollout_views, views

app_name = "reports"

urlpatterns = [
    path("", views.eod_report, name="eod"),
    path("end-of-day.csv", views.eod_report_csv, name="eod_csv"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard.csv", dashboard.dashboard_csv, name="dashboard_csv"),
    path("diagnostics/", rollout_views.diagnostics, name="diagnostics"),
    path("diagnostics.csv", rollout_views.diagnostics_csv, name="diagnostics_csv"),
    path("setup/", rollout_views.setup, name="setup"),
]
