"""clinic_inbox.identity: database-free matching rules."""

from __future__ import annotations

from datetime import date

import pytest

from clinic_inbox.identity import (
    AMBIGUOUS,
    BIRTH_DATE_DIFFERS,
    BY_EMAIL,
    BY_NAME_AND_BIRTH_DATE,
    BY_PHONE,
    NO_MATCH,
    TOO_MANY,
    Identity,
    PatientRecord,
    SenderDetails,
    identify,
    name_splits,
    phone_digits,
    phone_variants,
)

BORN = date(1984, 3, 9)
ADA = PatientRecord(1, "Ada", "Okafor", BORN, "Ada.Okafor@Example.com", "(555) 123-0100")
BEN = PatientRecord(2, "Ben", "Okafor", date(2015, 6, 1), "family@example.com", "555-999-0000")
CAL = PatientRecord(3, "Cal", "Okafor", date(2017, 2, 2), "family@example.com", "555-999-0001")


@pytest.mark.parametrize(
    ("sender", "reason"),
    [
        (SenderDetails(name="  ada   OKAFOR ", date_of_birth=BORN), BY_NAME_AND_BIRTH_DATE),
        (SenderDetails(email=" ada.okafor@example.COM"), BY_EMAIL),
        (SenderDetails(phone="+1 555.123.0100"), BY_PHONE),
    ],
)
def test_one_patient_matching_by_name_and_birth_date_or_a_contact_is_matched(
    sender: SenderDetails, reason: str
) -> None:
    result = identify(sender, [ADA, BEN])

    assert result.identity == Identity.MATCHED
    assert result.patient_id == ADA.pk
    assert reason in result.reasons


def test_name_without_birth_date_is_not_enough() -> None:
    result = identify(SenderDetails(name="Ada Okafor"), [ADA])

    assert result.identity == Identity.UNVERIFIED
    assert result.patient_id is None


def test_a_shared_family_email_is_ambiguous_and_unverified() -> None:
    result = identify(SenderDetails(email="family@example.com"), [BEN, CAL])

    assert result.identity == Identity.UNVERIFIED
    assert result.patient_id is None
    assert result.reasons == (AMBIGUOUS,)


def test_name_of_one_patient_and_email_of_another_is_ambiguous() -> None:
    no_birth_date = PatientRecord(4, "Dee", "Okafor", None, "family@example.com", "")
    sender = SenderDetails(name="Ada Okafor", date_of_birth=BORN, email="family@example.com")

    result = identify(sender, [ADA, no_birth_date])

    assert result.identity == Identity.UNVERIFIED
    assert result.reasons == (AMBIGUOUS,)


def test_a_parent_writing_from_the_childs_address_is_the_parent() -> None:
    sender = SenderDetails(name="Ada Okafor", date_of_birth=BORN, email="family@example.com")

    result = identify(sender, [ADA, BEN])

    assert result.identity == Identity.MATCHED
    assert result.patient_id == ADA.pk


def test_a_contact_match_with_a_contradicting_birth_date_does_not_count() -> None:
    sender = SenderDetails(email="ada.okafor@example.com", date_of_birth=date(2015, 6, 1))

    result = identify(sender, [ADA])

    assert result.identity == Identity.UNVERIFIED
    assert result.reasons == (NO_MATCH,)


def test_a_cut_off_candidate_list_never_gives_a_match() -> None:
    result = identify(SenderDetails(email="ada.okafor@example.com"), [ADA], complete=False)

    assert result.identity == Identity.UNVERIFIED
    assert result.reasons == (TOO_MANY,)


def test_linked_patient_with_a_different_birth_date_is_a_mismatch() -> None:
    sender = SenderDetails(name="Ada Okafor", date_of_birth=date(1990, 1, 1))

    result = identify(sender, [], linked=ADA)

    assert result.identity == Identity.MISMATCH
    assert result.patient_id == ADA.pk
    assert BIRTH_DATE_DIFFERS in result.reasons


def test_linked_patient_with_another_patients_email_is_a_mismatch() -> None:
    result = identify(SenderDetails(email="family@example.com"), [BEN], linked=ADA)

    assert result.identity == Identity.MISMATCH
    assert result.reasons == ("email belongs to another patient",)


def test_a_contact_shared_by_the_linked_patient_is_no_contradiction() -> None:
    result = identify(SenderDetails(email="family@example.com"), [BEN, CAL], linked=BEN)

    assert result.identity == Identity.MATCHED
    assert result.patient_id == BEN.pk


def test_linked_patient_without_confirming_details_stays_linked_but_unverified() -> None:
    result = identify(SenderDetails(name="Someone"), [], linked=ADA)

    assert result.identity == Identity.UNVERIFIED
    assert result.patient_id == ADA.pk


def test_phone_numbers_compare_on_their_last_ten_digits() -> None:
    assert phone_digits("+1 (555) 123-0100") == phone_digits("555.123.0100") == "5551230100"
    assert "(555) 123-0100" in phone_variants("+1 555 123 0100")
    assert "555-0123" in phone_variants("5550123")


def test_a_one_field_name_is_read_every_way_it_can_split() -> None:
    assert name_splits("Mary Ann Lee") == [("Mary", "Ann Lee"), ("Mary Ann", "Lee")]
    assert name_splits("Cher") == []
