"""A task's verdict as plain data: what the grading processes return and the coordinator stores, in a
module that imports nothing heavy (the checks import NumPy and SymPy)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"
    TIMEOUT = "timeout"
    NOT_STARTED = "not_started"


@dataclass
class TaskResult:
    task: str
    status: Status
    points: int
    max_points: int
    message: str = ""
    failed_check: str = field(default="", repr=False)
    diagnosis: dict | None = field(default=None, repr=False)  # the known mistake it shows (see diagnosis.py)
    behaviour: str = field(default="", repr=False)  # a digest of what it did on the checks' calls

    def as_dict(self) -> dict:
        data = asdict(self)
        data["status"] = self.status.value
        data.pop("failed_check")
        if self.status in (Status.PASS, Status.NOT_STARTED):
            data.pop("diagnosis")
        if not self.behaviour:
            data.pop("behaviour")
        return data
