from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config.health import health_view, workers_health_view

admin.site.site_header = "Clinic Inbox administration"
admin.site.site_title = "Clinic Inbox"
admin.site.index_title = "Routing, policies and cases"

urlpatterns = [
    path("", include("clinic_inbox.urls")),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("reports/", include("reports.urls")),
    path("api/", include("clinic_inbox.api.urls")),
    path("health/", health_view, name="health"),
    path("health/workers/", workers_health_view, name="health_workers"),
]
