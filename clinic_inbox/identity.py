"""Who wrote: whether a message's sender is a known patient. No database access.

Intake gives `identify` the sender's details and the few patient records an indexed lookup
found (clinic_inbox.selectors.patients); it answers matched, mismatch or unverified. Names
and email addresses compare case- and whitespace-insensitively, phone numbers on their last
ten digits, so "(555) 123-0100" and "+1 555 123 0100" are the same number.

Matching is deliberately strict: an ambiguous sender (two patients share the family email,
say) stays unverified, because staff then warn before clinical details go out, and a wrong
"matched" would send one patient's health information to another.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

PHONE_DIGITS = 10

# Reasons recorded on the RECEIVED event; plain words, never the sender's details.
BY_NAME_AND_BIRTH_DATE = "name and date of birth"
BY_EMAIL = "email"
BY_PHONE = "phone"
NO_DETAILS = "no name with date of birth, email or phone to match"
NO_MATCH = "no patient record matches"
AMBIGUOUS = "more than one patient record matches"
BIRTH_DATE_DIFFERS = "date of birth differs from the patient record"
LINKED_NOT_CONFIRMED = "the sender's details do not confirm the linked patient"
CONTACT_OF_ANOTHER = "{contact} belongs to another patient"
NAME_OF_ANOTHER = "name and date of birth match another patient"
TOO_MANY = "too many candidate records to decide"


class Identity(StrEnum):
    """Mirrors models.SenderIdentity (this module imports no Django)."""

    MATCHED = "matched"
    UNVERIFIED = "unverified"
    MISMATCH = "mismatch"


@dataclass(frozen=True)
class SenderDetails:
    """What the sender said about themselves; any of it may be empty."""

    name: str = ""
    email: str = ""
    phone: str = ""
    date_of_birth: date | None = None


@dataclass(frozen=True)
class PatientRecord:
    """The identifying columns of one Patient row."""

    pk: int
    first_name: str
    last_name: str
    date_of_birth: date | None
    email: str
    phone: str


@dataclass(frozen=True)
class IdentityResult:
    identity: Identity
    patient_id: int | None
    reasons: tuple[str, ...]


def normalise_name(text: str) -> str:
    """Case- and whitespace-insensitive form of a name: '  mary  ANN ' → 'mary ann'."""
    return " ".join((text or "").split()).casefold()


def normalise_email(text: str) -> str:
    return (text or "").strip().casefold()


def phone_digits(text: str) -> str:
    """The last ten digits of a phone number ('' if it has none): the US country code and
    punctuation do not matter."""
    digits = "".join(ch for ch in (text or "") if ch.isdigit())
    return digits[-PHONE_DIGITS:]


def name_splits(full_name: str) -> list[tuple[str, str]]:
    """Every (first, last) reading of a one-field name: 'Mary Ann Lee' may be
    ('Mary', 'Ann Lee') or ('Mary Ann', 'Lee'). Empty for fewer than two words."""
    words = (full_name or "").split()
    return [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]


def spelling_variants(text: str) -> list[str]:
    """The capitalisations a name is likely stored in, for an exact (indexed) lookup.

    The database compares exactly so its index on the column is used; names stored with
    unusual capitals ('McDonald' typed as 'mcdonald') are missed, which leaves the sender
    unverified, never wrongly matched.
    """
    text = " ".join((text or "").split())
    if not text:
        return []
    forms = [text, text.title(), text.lower(), text.upper(), text.capitalize()]
    return list(dict.fromkeys(forms))


def email_variants(email: str) -> list[str]:
    """The ways an address is likely stored, for an exact (indexed) lookup: as given, lower
    case, and with the part before the @ as given, lower case, capitalised or title case
    ('Ada.Okafor') over a lower-case domain. Other capitals are missed (unverified)."""
    email = (email or "").strip()
    if "@" not in email:
        return []
    local, _, domain = email.rpartition("@")
    domain = domain.lower()
    lower = local.lower()
    forms = [email, email.lower()]
    forms += [f"{part}@{domain}" for part in (local, lower, lower.capitalize(), lower.title())]
    return list(dict.fromkeys(forms))


def phone_variants(phone: str) -> list[str]:
    """Common ways a number is written, for an exact (indexed) lookup of the phone column.

    A number stored in another layout is missed (the sender stays unverified); the digits
    of every candidate found are compared again in `identify`.
    """
    digits = phone_digits(phone)
    given = (phone or "").strip()
    forms = [given, digits] if given else []
    if len(digits) == PHONE_DIGITS:
        area, exchange, line = digits[:3], digits[3:6], digits[6:]
        local = [
            f"{area}-{exchange}-{line}",
            f"({area}) {exchange}-{line}",
            f"({area}){exchange}-{line}",
            f"{area}.{exchange}.{line}",
            f"{area} {exchange} {line}",
        ]
        forms += [*local, f"1{digits}", f"+1{digits}", f"1-{local[0]}"]
        forms += [f"+1 {form}" for form in local[:2]]
    elif len(digits) == 7:
        forms += [f"{digits[:3]}-{digits[3:]}", f"{digits[:3]}.{digits[3:]}"]
    return list(dict.fromkeys(form for form in forms if form))


def _same_name(sender: SenderDetails, record: PatientRecord) -> bool:
    given = normalise_name(sender.name)
    return bool(given) and given == normalise_name(f"{record.first_name} {record.last_name}")


def _contacts(sender: SenderDetails, record: PatientRecord) -> list[str]:
    """Which of the sender's contacts are on `record`: BY_EMAIL and/or BY_PHONE."""
    found = []
    email = normalise_email(sender.email)
    if email and email == normalise_email(record.email):
        found.append(BY_EMAIL)
    phone = phone_digits(sender.phone)
    if phone and phone == phone_digits(record.phone):
        found.append(BY_PHONE)
    return found


def _birth_date_differs(sender: SenderDetails, record: PatientRecord) -> bool:
    return (
        sender.date_of_birth is not None
        and record.date_of_birth is not None
        and sender.date_of_birth != record.date_of_birth
    )


def match_reasons(sender: SenderDetails, record: PatientRecord) -> list[str]:
    """Why `record` is the sender: name with date of birth, email, phone. A contact match
    does not count when the sender's date of birth contradicts the record (a parent
    writing from the family address about a child is not that child)."""
    if _birth_date_differs(sender, record):
        return []
    reasons = []
    if sender.date_of_birth is not None and _same_name(sender, record):
        reasons.append(BY_NAME_AND_BIRTH_DATE)
    return reasons + _contacts(sender, record)


def identify(
    sender: SenderDetails,
    candidates: list[PatientRecord],
    *,
    linked: PatientRecord | None = None,
    complete: bool = True,
) -> IdentityResult:
    """Decide who wrote. `candidates` are the records that share a name, email or phone
    with the sender; `linked` is a patient the caller chose (staff gave an MRN), and
    `complete` is false when the lookup was cut off, so an apparent single match may not be.

    Without `linked`: matched only when exactly one patient matches, else unverified.
    With `linked`: mismatch when the details contradict it, matched when they confirm it,
    else unverified; the linked patient stays on the case either way.
    """
    if linked is not None:
        return _check_linked(sender, candidates, linked)
    if not (sender.email or sender.phone or (sender.name and sender.date_of_birth)):
        return IdentityResult(Identity.UNVERIFIED, None, (NO_DETAILS,))
    if not complete:
        return IdentityResult(Identity.UNVERIFIED, None, (TOO_MANY,))
    matches = {c.pk: reasons for c in candidates if (reasons := match_reasons(sender, c))}
    if len(matches) > 1:
        return IdentityResult(Identity.UNVERIFIED, None, (AMBIGUOUS,))
    if not matches:
        return IdentityResult(Identity.UNVERIFIED, None, (NO_MATCH,))
    [(pk, reasons)] = matches.items()
    return IdentityResult(Identity.MATCHED, pk, tuple(reasons))


def _check_linked(
    sender: SenderDetails, candidates: list[PatientRecord], linked: PatientRecord
) -> IdentityResult:
    """Contradictions first: a differing date of birth, or a contact or name-and-birth-date
    that belongs to another patient and not to the linked one."""
    problems = [BIRTH_DATE_DIFFERS] if _birth_date_differs(sender, linked) else []
    confirmed = match_reasons(sender, linked)
    for other in candidates:
        if other.pk == linked.pk:
            continue
        for reason in match_reasons(sender, other):
            if reason in confirmed:
                continue  # shared with the linked patient (a family phone): no contradiction
            if reason == BY_NAME_AND_BIRTH_DATE:
                problems.append(NAME_OF_ANOTHER)
            else:
                problems.append(CONTACT_OF_ANOTHER.format(contact=reason))
    if problems:
        return IdentityResult(Identity.MISMATCH, linked.pk, tuple(dict.fromkeys(problems)))
    if confirmed:
        return IdentityResult(Identity.MATCHED, linked.pk, tuple(confirmed))
    return IdentityResult(Identity.UNVERIFIED, linked.pk, (LINKED_NOT_CONFIRMED,))
