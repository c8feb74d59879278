"""One person as a source gives it (a row of the canonical file, a synthetic record): the
shape every bulk path into the register takes."""

from dataclasses import dataclass
from datetime import date
from operator import attrgetter

# The person's own facts as a source gives them: what a bulk load writes to the person, what a
# re-import compares, what a correction may change (with the ID and the household).
PERSON_FACTS = (
    "full_name",
    "birth_date",
    "birth_date_precision",
    "sex",
    "ethnicity",
    "religion",
    "nationality",
    "birth_registration_place",
    "native_place",
    "phone",
    "relation_to_head",
    "presence",
    "presence_since",
    "whereabouts",
)


@dataclass(slots=True)
class PersonRecord:
    ref: str  # the record's id in its source (mã bản ghi)
    personal_id: str
    full_name: str
    birth_date: date
    birth_date_precision: str
    sex: str
    ethnicity: str = ""
    religion: str = ""
    nationality: str = "Việt Nam"
    birth_registration_place: str = ""
    native_place: str = ""
    phone: str = ""
    household_code: str = ""
    relation_to_head: str = ""
    permanent_unit: str = ""  # unit code (village or commune)
    permanent_address: str = ""
    temporary_unit: str = ""
    temporary_address: str = ""
    temporary_since: date | None = None
    presence: str = "alive"
    presence_since: date | None = None
    whereabouts: str = ""
    card_kind: str = ""
    card_number: str = ""
    card_issued_on: date | None = None
    card_expires_on: date | None = None
    # The permanent residence's unit as the source recorded it, when that is a unit of the
    # map before 1 July 2025 (its code on that map); ``permanent_unit`` is today's unit.
    permanent_recorded_unit: str = ""

    def __reduce__(self):
        # Pickled by position: a dataclass with slots pickles through dataclasses.fields()
        # once per object, the slowest part of sending a batch between import processes.
        return (PersonRecord, _values(self))


_values = attrgetter(*PersonRecord.__slots__)
person_facts = attrgetter(*PERSON_FACTS)
