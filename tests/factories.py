"""Factory-boy factories. Cases built here skip intake on purpose: tests of services start
from a known state; tests of intake call services.receive_message."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from clinic_inbox.models import Case, Channel, Patient
from routing.selectors import first_response_business_time


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@clinic.test")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def roles(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = factory.Faker("date_of_birth", minimum_age=1, maximum_age=95)
    phone = factory.Sequence(lambda n: f"555-01{n % 100:02d}")
    email = factory.LazyAttribute(lambda p: f"{p.first_name}.{p.last_name}@example.com".lower())


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    patient = factory.SubFactory(PatientFactory)
    channel = Channel.PORTAL
    subject = "Question about my appointment"
    body = "Can I move my appointment next week to the afternoon?"
    category_id = "reschedule_cancel"
    urgency_tier_id = "same_day"
    owner_role = "virtual_assistant"
    received_at = factory.LazyFunction(timezone.now)
    first_response_due = factory.LazyAttribute(lambda c: c.received_at + timedelta(hours=8))
    first_responded_at = None
    # Stored with the first response, as the reply service and history import store it.
    first_response_business_time = factory.LazyAttribute(
        lambda c: (
            first_response_business_time(c.received_at, c.first_responded_at)
            if c.first_responded_at is not None
            else None
        )
    )

    class Params:
        clinical = factory.Trait(
            subject="Medication question",
            body="Should I keep taking my blood pressure pill with this cough?",
            category_id="clinical_question",
            owner_role="clinical",
        )
        red_flagged = factory.Trait(
            subject="chest pain",
            body="I have chest pain right now.",
            category_id="clinical_question",
            urgency_tier_id="immediate",
            owner_role="clinical",
            red_flag=True,
            red_flag_reasons=['red flag term "chest pain" in body'],
        )
