"""Seed the reply templates (each passing lint), the jargon list and the categories that
border care, and let office managers edit them. Text is frozen here on purpose: later
edits belong in the admin, where each one becomes a new version."""

import datetime

from django.contrib.auth.management import create_permissions
from django.db import migrations

SIGN_OFF = "Thank you,\n{staff_first_name} at {clinic_name}"
SAFETY = "If your symptoms get worse, call 911 or go to the nearest emergency room."

# (name, categories, allowed roles (empty: all), body)
TEMPLATES = [
    (
        "Appointment confirmation",
        ["new_appointment", "reschedule_cancel"],
        [],
        "Hi {patient_first_name},\n"
        "Your visit at {clinic_name} is booked for {appointment_time}. Please come 10 minutes "
        "early and bring your insurance card. If you need to change the time, call us at "
        "{clinic_phone}.\n" + SIGN_OFF,
    ),
    (
        "Telehealth preparation",
        ["telehealth_prep"],
        [],
        "Hi {patient_first_name},\n"
        "Your video visit is on {appointment_time}. Please log in at {portal_url} and click "
        "the visit link 10 minutes early. Sit in a quiet room with good light. If the link "
        "does not work, call us at {clinic_phone}.\n" + SAFETY + "\n" + SIGN_OFF,
    ),
    (
        "Form completion",
        ["forms"],
        [],
        "Hi {patient_first_name},\n"
        "Thanks for sending your form. We will fill it in and tell you when it is ready. "
        "This can take up to 5 business days. A nurse will review any health questions on "
        "it.\n" + SAFETY + "\n" + SIGN_OFF,
    ),
    (
        "Referral received",
        ["referral_status"],
        [],
        "Hi {patient_first_name},\n"
        "We got your referral. We will send it to the specialist and call you with the visit "
        "time. If you have not heard from us in 5 business days, please call us at "
        "{clinic_phone}.\n" + SAFETY + "\n" + SIGN_OFF,
    ),
    (
        "Referral: missing insurance detail",
        ["referral_status", "insurance_verification"],
        [],
        "Hi {patient_first_name},\n"
        "We are working on your referral, but we need your insurance details first. Please "
        "reply with a photo of the front and back of your insurance card, or call us at "
        "{clinic_phone}.\n" + SAFETY + "\n" + SIGN_OFF,
    ),
    (
        "Insurance card needed",
        ["insurance_verification"],
        ["billing", "office_manager"],
        "Hi {patient_first_name},\n"
        "We need to check your insurance before your visit. Please reply with a photo of the "
        "front and back of your insurance card. You can also bring it to the front desk.\n"
        + SIGN_OFF,
    ),
    (
        "Portal access help",
        ["portal_access"],
        [],
        "Hi {patient_first_name},\n"
        "Sorry you are having trouble with the portal. Please go to {portal_url} and click "
        "“Forgot password” to set a new one. If that does not work, call us at {clinic_phone} "
        "and we will help you sign in.\n" + SIGN_OFF,
    ),
    (
        "Records request received",
        ["medical_records"],
        [],
        "Hi {patient_first_name},\n"
        "We got your request for your records. We will send them within 10 business days. "
        "If you need them sooner, please call us at {clinic_phone}. Your reference is "
        "{case_reference}.\n" + SIGN_OFF,
    ),
    (
        "Billing question: who to call",
        ["billing"],
        [],
        "Hi {patient_first_name},\n"
        "Thanks for your question about your bill. Please call our billing team at "
        "{clinic_phone} on a weekday between 9 am and 4 pm. Have your bill with you so we "
        "can find it fast.\n" + SIGN_OFF,
    ),
    (
        "Cancellation: let's find a new time",
        ["reschedule_cancel"],
        [],
        "Hi {patient_first_name},\n"
        "We are sorry you had to cancel. We would like to find you a new time. Please reply "
        "with a few days and times that work for you, or call us at {clinic_phone}.\n" + SIGN_OFF,
    ),
    (
        "Sent to the clinical team",
        ["clinical_question", "post_visit_followup"],
        [],
        "Hi {patient_first_name},\n"
        "Thanks for your message. A nurse will review it and reply to you by the end of the "
        "next business day.\n"
        "If your symptoms get worse or you feel unsafe, call 911 or go to the nearest "
        "emergency room now.\n" + SIGN_OFF,
    ),
    (
        "Nurse follow-up",
        ["clinical_question", "post_visit_followup"],
        ["clinical"],
        "Hi {patient_first_name},\n"
        "I read your message. Next step: {next_step}. Please reply if you have more "
        "questions.\n" + SAFETY + "\nTake care,\n{staff_first_name}, nurse at {clinic_name}",
    ),
    (
        "Post-visit check-in",
        ["post_visit_followup"],
        [],
        "Hi {patient_first_name},\n"
        "We hope you are feeling better after your visit. Please reply if you have questions "
        "about your care plan. A nurse will review your reply.\n" + SAFETY + "\n" + SIGN_OFF,
    ),
    (
        "Complaint received",
        ["complaint"],
        ["office_manager"],
        "Hi {patient_first_name},\n"
        "Thank you for telling us about this. I am sorry it happened. I will look into it "
        "and call you within 2 business days. If you want to talk sooner, please call me at "
        "{clinic_phone}.\n"
        "Thank you,\n{staff_first_name}, office manager at {clinic_name}",
    ),
    (
        "After hours: we got your message",
        [],
        [],
        "Hi {patient_first_name},\n"
        "Thanks for your message. Our office is closed now. We will reply on the next "
        "business day.\n"
        "If this is an emergency, call 911 or go to the nearest emergency room now.\n"
        "Thank you,\nThe {clinic_name} team",
    ),
    (
        "Waiting on you",
        [],
        [],
        "Hi {patient_first_name},\n"
        "We are still waiting to hear from you so we can finish this. Next step: {next_step}. "
        "Please reply to this message or call us at {clinic_phone}.\n" + SIGN_OFF,
    ),
]

JARGON = [
    ("pending verification", "we are still checking it"),
    ("prior to", "before"),
    ("access the platform prior to appointment", "click the visit link 10 minutes early"),
    ("utilize", "use"),
    ("commence", "start"),
    ("in order to", "to"),
    ("at your earliest convenience", "when you can"),
    ("per our policy", "our rule is"),
    ("adjudicated", "processed by your insurance"),
    ("prior authorization", "approval from your insurance"),
    ("remit payment", "pay"),
    ("PHI", "your health information"),
    ("aforementioned", "this"),
    ("facilitate", "help"),
]

CARE_BORDER = [
    "clinical_question",
    "post_visit_followup",
    "telehealth_prep",
    "forms",
    "referral_status",
]

MANAGER = [
    ("replytemplate", ("view", "add", "change")),
    ("templateversion", ("view",)),
    ("jargonterm", ("view", "add", "change", "delete")),
    ("carebordercategory", ("view", "add", "change", "delete")),
]


def seed(apps, schema_editor):
    ReplyTemplate = apps.get_model("templates_app", "ReplyTemplate")
    TemplateVersion = apps.get_model("templates_app", "TemplateVersion")
    review_due = datetime.date.today() + datetime.timedelta(days=180)
    for name, categories, roles, body in TEMPLATES:
        template = ReplyTemplate.objects.create(
            name=name, categories=categories, allowed_roles=roles, body=body, review_due=review_due
        )
        version = TemplateVersion.objects.create(template=template, number=1, body=body)
        template.current_version = version
        template.save(update_fields=["current_version"])
    JargonTerm = apps.get_model("templates_app", "JargonTerm")
    JargonTerm.objects.bulk_create(
        JargonTerm(phrase=phrase, plain_alternative=plain) for phrase, plain in JARGON
    )
    CareBorderCategory = apps.get_model("templates_app", "CareBorderCategory")
    CareBorderCategory.objects.bulk_create(CareBorderCategory(slug=slug) for slug in CARE_BORDER)
    _grant_manager(apps)


def _grant_manager(apps):
    # Permissions are normally created after migrate; the manager group needs them now.
    app_config = apps.get_app_config("templates_app")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [f"{action}_{model}" for model, actions in MANAGER for action in actions]
    perms = Permission.objects.filter(
        content_type__app_label="templates_app", codename__in=codenames
    )
    group = Group.objects.filter(name="office_manager").first()
    if group is not None:
        group.permissions.add(*perms)


def unseed(apps, schema_editor):
    apps.get_model("templates_app", "ReplyTemplate").objects.all().delete()
    apps.get_model("templates_app", "JargonTerm").objects.all().delete()
    apps.get_model("templates_app", "CareBorderCategory").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("templates_app", "0001_initial"),
        ("clinic_inbox", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
