from django.urls import path

from clinic_inbox.api import views

app_name = "api"

urlpatterns = [
    path("v1/messages/", views.create_message, name="messages"),
    # `path`: external ids (a Message-ID, a portal path) may contain slashes.
    path("v1/cases/<path:key>/", views.case_status, name="case"),
    path("schema/", views.schema_view, name="schema"),
    path("docs/", views.docs, name="docs"),
]
