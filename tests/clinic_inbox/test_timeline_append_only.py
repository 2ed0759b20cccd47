"""The timeline is history: an event is written once and never changed or deleted."""

from __future__ import annotations

import pytest

from clinic_inbox.models import TimelineEvent
from clinic_inbox.services import receive_message

pytestmark = pytest.mark.django_db


def test_an_event_cannot_be_changed_or_deleted() -> None:
    case = receive_message(channel="portal", subject="Bill", body="Why two charges?").case
    event = case.events.first()
    assert event is not None

    event.note = "rewritten"
    with pytest.raises(ValueError, match="append-only: cannot be changed"):
        event.save()
    with pytest.raises(ValueError, match="append-only: cannot be deleted"):
        event.delete()

    assert TimelineEvent.objects.get(pk=event.pk).note == ""


def test_bulk_updates_and_deletes_are_refused_too() -> None:
    case = receive_message(channel="portal", subject="Bill", body="Why two charges?").case

    with pytest.raises(ValueError, match="append-only"):
        TimelineEvent.objects.filter(case=case).update(note="rewritten")
    with pytest.raises(ValueError, match="append-only"):
        case.events.all().delete()

    assert case.events.count() == 2
