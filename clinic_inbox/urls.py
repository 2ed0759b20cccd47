from django.urls import path

from clinic_inbox.views import (
    attachments,
    case,
    home,
    identity,
    intake,
    merge,
    public,
    queue,
    sensitivity,
)

app_name = "inbox"

urlpatterns = [
    path("", home.home, name="home"),
    path("queue/", queue.queue, name="queue"),
    path("queue/bulk/", queue.bulk_action, name="bulk_action"),
    path("cases/new/", intake.log_message, name="log_message"),
    path("cases/<int:pk>/", case.case_detail, name="case"),
    path("cases/<int:pk>/claim/", case.claim, name="claim"),
    path("cases/<int:pk>/assign/", case.assign, name="assign"),
    path("cases/<int:pk>/move/", case.move, name="move"),
    path("cases/<int:pk>/recategorise/", case.recategorise, name="recategorise"),
    path("cases/<int:pk>/reply/", case.reply, name="reply"),
    path("cases/<int:pk>/note/", case.note, name="note"),
    path("cases/<int:pk>/route-to-clinical/", case.route_to_clinical, name="route_to_clinical"),
    path("cases/<int:pk>/escalate/", case.escalate, name="escalate"),
    path("cases/<int:pk>/link-patient/", identity.link_patient, name="link_patient"),
    path("cases/<int:pk>/mark-sensitive/", sensitivity.mark_sensitive, name="mark_sensitive"),
    path("cases/<int:pk>/merge/", merge.merge, name="merge"),
    path("contact/", public.contact, name="contact"),
    path("contact/thanks/<str:token>/", public.thanks, name="contact_thanks"),
    path(
        "cases/<int:pk>/attachments/<int:attachment_id>/",
        attachments.download_attachment,
        name="attachment",
    ),
]
