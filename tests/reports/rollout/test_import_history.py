"""`manage.py import_history`: good rows load, bad rows are reported by line, re-imports add
nothing, history never notifies the sender and carries its real response facts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from clinic_inbox.models import Case, TimelineEvent
from clinic_inbox.services.history import IMPORT_NOTE
from tests.reports.conftest import local
from tests.reports.rollout.conftest import HEADER, Run

pytestmark = pytest.mark.django_db

RESCHEDULE = "I need to reschedule my appointment on Friday to next week"
BILLING = "I have a question about my bill as I was charged twice"

GOOD_AND_BAD = f"""{HEADER}
2026-11-19 09:00,portal,Reschedule,{RESCHEDULE},Ann Lee,2026-11-19 10:00,,
2026-11-19 09:30,email,Bill,{BILLING},Bo Chan,,,
yesterday,phone,Call,{RESCHEDULE},,,,
2026-11-20 09:00,fax,Fax,{BILLING},,,,
2026-11-20 10:00,phone,Call,{BILLING},,2026-11-24 09:00,in_review,
"""


def test_good_rows_load_and_bad_rows_are_reported_by_line(
    run_import: Callable[..., Run],
) -> None:
    run = run_import(GOOD_AND_BAD)

    assert run.status == 1
    assert "line 4: received_at 'yesterday' is not a date" in run.err
    assert "line 5: channel 'fax' is not one of" in run.err
    assert "2 row(s) failed; the other rows were loaded." in run.err
    assert "Imported 3 new case(s); 0 row(s) were already imported." in run.out
    assert Case.objects.count() == 3


def test_a_clean_file_exits_zero_and_prints_category_counts(
    run_import: Callable[..., Run],
) -> None:
    run = run_import("\n".join(GOOD_AND_BAD.splitlines()[:3]) + "\n")

    assert run.status == 0
    assert "reschedule_cancel: 1" in run.out
    assert "billing: 1" in run.out


def test_importing_the_same_file_twice_adds_nothing(run_import: Callable[..., Run]) -> None:
    run_import(GOOD_AND_BAD)
    events = TimelineEvent.objects.count()

    again = run_import(GOOD_AND_BAD)

    assert "Imported 0 new case(s); 3 row(s) were already imported." in again.out
    assert Case.objects.count() == 3
    assert TimelineEvent.objects.count() == events


def test_a_given_external_id_is_used_and_matches_on_reimport(
    run_import: Callable[..., Run],
) -> None:
    content = f"received_at,channel,message,external_id\n2026-11-19 09:00,portal,{BILLING},P-77\n"
    run_import(content)
    run_import(content.replace("09:00", "09:05"))

    assert list(Case.objects.values_list("external_id", flat=True)) == ["P-77"]


def test_history_is_routed_by_the_live_rules_without_notices(
    run_import: Callable[..., Run],
) -> None:
    run_import(GOOD_AND_BAD.replace("Ann Lee", "ann@example.com"))

    case = Case.objects.get(subject="Reschedule")
    assert case.category_id == "reschedule_cancel"
    assert case.notify_sender is False
    assert case.received_at == local(2026, 11, 19, 9, 0)
    assert case.acknowledged_at is None
    assert mail.outbox == []
    assert case.events.filter(kind=TimelineEvent.Kind.ROUTED).exists()


def test_answered_row_is_completed_on_time_with_one_import_event(
    run_import: Callable[..., Run],
) -> None:
    run_import(GOOD_AND_BAD)

    case = Case.objects.get(subject="Reschedule")
    assert case.status == Case.Status.COMPLETED
    assert case.first_responded_at == local(2026, 11, 19, 10, 0)
    assert case.resolved_at == local(2026, 11, 19, 10, 0)
    assert case.is_breached is False
    imported = case.events.filter(kind=TimelineEvent.Kind.IMPORTED)
    assert imported.count() == 1
    event = imported.get()
    assert (event.actor, event.note, event.to_status) == (None, IMPORT_NOTE, "completed")


def test_a_response_after_the_deadline_is_breached_at_the_deadline(
    run_import: Callable[..., Run],
) -> None:
    run_import(GOOD_AND_BAD)

    case = Case.objects.get(subject="Call")
    assert case.first_responded_at == local(2026, 11, 24, 9, 0)
    assert case.first_response_due < case.first_responded_at
    assert case.is_breached is True
    assert case.breached_at == case.first_response_due
    assert case.status == Case.Status.IN_REVIEW
    assert case.resolved_at is None


def test_an_unanswered_row_is_closed_and_breached_once_its_deadline_passed(
    run_import: Callable[..., Run],
) -> None:
    run_import(GOOD_AND_BAD)

    case = Case.objects.get(subject="Bill")
    assert case.status == Case.Status.CLOSED_NO_RESPONSE
    assert case.first_responded_at is None
    assert case.is_breached is True
    assert case.breached_at == case.first_response_due


def test_dry_run_routes_and_counts_but_writes_nothing(run_import: Callable[..., Run]) -> None:
    run = run_import(GOOD_AND_BAD, "--dry-run")

    assert run.status == 1
    assert "billing: 2" in run.out
    assert "reschedule_cancel: 1" in run.out
    assert "Dry run: 3 row(s) valid; nothing was written." in run.out
    assert "line 4: received_at 'yesterday' is not a date" in run.err
    assert Case.objects.count() == 0
    assert TimelineEvent.objects.count() == 0


def test_missing_required_columns_load_nothing(run_import: Callable[..., Run]) -> None:
    run = run_import(f"when,channel,message\n2026-11-19 09:00,portal,{BILLING}\n")

    assert run.status == 1
    assert "Missing required column(s): received_at. Nothing was loaded." in run.err
    assert Case.objects.count() == 0


def test_utf8_with_byte_order_mark_loads(run_import: Callable[..., Run]) -> None:
    text = f"received_at,channel,subject,message\n2026-11-19 09:00,portal,Café,{BILLING}\n"

    run = run_import(b"\xef\xbb\xbf" + text.encode("utf-8"))

    assert run.status == 0
    assert Case.objects.get().subject == "Café"


def test_windows_1252_loads(run_import: Callable[..., Run]) -> None:
    text = (
        "received_at,channel,subject,message\n"
        f"2026-11-19 09:00,portal,Señora \u2013 café,{BILLING}\n"
    )

    run = run_import(text, encoding="cp1252")

    assert run.status == 0
    assert Case.objects.get().subject == "Señora \u2013 café"


def test_extra_columns_warn_and_still_load(run_import: Callable[..., Run]) -> None:
    run = run_import(f"received_at,channel,message,notes\n2026-11-19 09:00,portal,{BILLING},x\n")

    assert run.status == 0
    assert "Ignoring unknown column(s): notes." in run.err
    assert Case.objects.count() == 1


def test_a_giant_cell_fails_its_row_and_the_rest_load(run_import: Callable[..., Run]) -> None:
    giant = "x" * 200_000
    run = run_import(
        f"received_at,channel,message\n2026-11-19 09:00,portal,{giant}\n"
        f"2026-11-19 10:00,portal,{BILLING}\n"
    )

    assert run.status == 1
    assert "line 2: cannot be read as CSV" in run.err
    assert Case.objects.count() == 1


def test_html_in_a_message_is_stored_as_text_and_escaped_on_the_case_page(
    run_import: Callable[..., Run], client, manager
) -> None:  # type: ignore[no-untyped-def]
    html = "<script>alert(1)</script><b>cancel</b> my appointment"
    run_import(f'received_at,channel,message\n2026-11-19 09:00,portal,"{html}"\n')
    case = Case.objects.get()
    client.force_login(manager)

    page = client.get(reverse("inbox:case", args=[case.pk])).content.decode()

    assert case.body == html
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_an_unreadable_file_is_a_clear_error(tmp_path, frozen) -> None:  # type: ignore[no-untyped-def]
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_history", "--csv", str(tmp_path / "missing.csv"))


def test_the_sample_file_in_docs_is_valid(run_import: Callable[..., Run]) -> None:
    sample = (Path(settings.BASE_DIR) / "docs" / "history_sample.csv").read_bytes()

    run = run_import(sample)

    assert (run.status, run.err) == (0, "")
    assert Case.objects.count() == 5
    assert Case.objects.filter(status=Case.Status.NEW).count() == 1
