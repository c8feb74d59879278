"""What the API answers, as OpenAPI schemas."""

from datetime import date, datetime
from typing import Any

from ninja import Field, Path, Schema

from cancuoc.lib.text import SAFE_TEXT_PATTERN as SAFE_TEXT


class Problem(Schema):
    detail: str = Field(description="Lý do, tiếng Việt / English")


class Invalid(Schema):
    detail: list[dict[str, Any]]


# Every text the API takes refuses control characters (PostgreSQL text cannot even hold NUL)
# and the invisible format characters that reorder or hide text (bidirectional overrides):
# said in its schema, so such a request is refused with 422 before it reaches the database.
# The same characters as cancuoc.lib.text.unsafe_character refuses on the pages and imports
# (SAFE_TEXT, imported above).
# A unit's, station's or appointment's code in a path.
CODE = Path(..., min_length=1, max_length=32, pattern=SAFE_TEXT)

# Every operation may answer these besides its own.
PROBLEMS = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 422: Invalid}


class Me(Schema):
    username: str
    national: bool
    units: list[str] = Field(description="mã các đơn vị được giao (cả cây bên dưới)")
    institutions: list[int]
    sees_persons: bool


class UnitProgress(Schema):
    code: str
    name: str
    kind: str
    on: date
    target: int | None
    deadline: date | None
    eligible: int | None
    done: int = Field(description="đã thu nhận trừ phải thu nhận lại")
    share_of_target: float | None
    pace: float = Field(description="thu nhận mỗi ngày, bình quân 7 ngày")
    forecast_done_on: date | None
    on_track: bool | None
    totals: dict[str, int]


class WorklistItem(Schema):
    person: int
    full_name: str
    birth: str
    personal_id: str = Field(description="che, chỉ hiện 4 số cuối")
    village: str
    commune: str
    need: str
    difficulty: str
    reasons: str


class Worklist(Schema):
    count: int
    items: list[WorklistItem]


class StationOut(Schema):
    code: str
    name: str
    kind: str
    unit: str
    kits: list[str]


class IntakeIn(Schema):
    person: int = Field(gt=0, description="mã công dân trong cơ sở dữ liệu")
    kit: str = Field(min_length=1, max_length=32, pattern=SAFE_TEXT)
    started_at: datetime
    ended_at: datetime
    accepted: bool = True
    reason: str = Field("", max_length=255, pattern=SAFE_TEXT)
    walk_in: bool = False
    confirmed: bool = Field(
        False, description="đã xác nhận với công dân chưa đủ tuổi hoặc đang có thẻ còn hạn"
    )
    idempotency_key: str = Field(
        min_length=8,
        max_length=64,
        pattern=SAFE_TEXT,
        description="mã của lần gửi; gửi lại cùng mã không tạo hồ sơ mới",
    )


class EventOut(Schema):
    state: str
    at: datetime
    batch: str


class ApplicationOut(Schema):
    id: int
    person: int
    unit: str
    station: str
    state: str
    state_label: str
    state_since: datetime
    reason: str
    events: list[EventOut]


class AdvanceIn(Schema):
    to: str = Field(min_length=1, max_length=16, pattern=SAFE_TEXT)
    reason: str = Field("", max_length=255, pattern=SAFE_TEXT)
    batch: str = Field("", max_length=64, pattern=SAFE_TEXT)


class SlotOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    capacity: int
    booked: int
    institution: str | None


class AssignIn(Schema):
    first: date = Field(description="ngày đầu / first day")
    last: date = Field(description="ngày cuối / last day")
    hard_first: bool = Field(False, description="khó làm trước / hard cases first")


class AssignmentRunOut(Schema):
    id: int
    unit: str
    first_day: date
    last_day: date
    persons: int
    assigned: int
    unassigned: int
    cost: int
    lower_bound: int
    seconds: float


class AppointmentOut(Schema):
    code: str
    person: int
    station: str
    starts_at: datetime
    ends_at: datetime
    state: str
    state_label: str
    rebooked_as: str | None


class SlotsIn(Schema):
    first: date = Field(description="ngày đầu / first day")
    last: date = Field(description="ngày cuối / last day")
    slot_minutes: int = Field(60, ge=10, le=480, description="độ dài khung giờ (phút)")
    no_show: float | None = Field(
        None, ge=0, lt=1, description="tỷ lệ không đến; bỏ trống: tỷ lệ đo được 4 tuần qua"
    )


class SlotsMade(Schema):
    station: str
    made: int
    no_show: float


class UnitForecastOut(Schema):
    code: str
    name: str
    target: int | None
    deadline: date | None
    done: int
    remaining: int | None
    days_left: int
    pace: float
    capacity_per_day: float
    kits: int
    done_on: date | None
    flagged: bool
    to_add: str
    then_done_on: date | None
    cost: int


class PlanOut(Schema):
    code: str
    on: date
    units: list[UnitForecastOut]
    behind: int
    total_cost: int


class TargetOut(Schema):
    unit: str
    name: str
    count: int
    start: date
    deadline: date


class VisitsIn(Schema):
    first: date = Field(description="ngày đầu / first day")
    days: int = Field(5, ge=1, le=31, description="số ngày / days")


class VisitOut(Schema):
    day: date
    order: int
    place: str
    unit: str | None
    institution: str | None
    arrives_at: datetime
    leaves_at: datetime
    expected: int
    travel_km: float
