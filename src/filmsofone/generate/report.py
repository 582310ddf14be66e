"""What a generation run did, shot by shot."""

from __future__ import annotations

from pydantic import BaseModel, Field


class PlannedShot(BaseModel):
    shot_id: str
    scene: str
    seconds: float
    cost: float
    cached: bool = False


class GenerationReport(BaseModel):
    backend: str
    scenes: list[str] = Field(default_factory=list)
    dry_run: bool = False
    made: list[str] = Field(default_factory=list)
    cached: list[str] = Field(default_factory=list)
    refused: dict[str, str] = Field(default_factory=dict)  # shot id -> the provider's reason
    failed: dict[str, str] = Field(default_factory=dict)
    unknown: dict[str, str] = Field(default_factory=dict)  # creates with unknown outcome (--resubmit-unknown)
    pending: dict[str, str] = Field(default_factory=dict)  # still running remotely, or would be made (dry run)
    over_budget: dict[str, str] = Field(default_factory=dict)
    planned: list[PlannedShot] = Field(default_factory=list)
    estimated_cost: float = 0.0  # of the shots not cached
    spent: float = 0.0  # estimated cost of the jobs submitted by this run
    seconds: float = 0.0  # wall clock of the run
    timings: dict[str, float] = Field(default_factory=dict)  # shot id -> seconds it took to make
    awaiting_approval: list[str] = Field(default_factory=list)  # paid backend, dry run: shots not approved yet

    def add(self, shot_id: str, kind: str, detail: str = "") -> None:
        if kind in ("made", "cached"):
            getattr(self, kind).append(shot_id)
        else:
            getattr(self, kind)[shot_id] = detail

    @property
    def ok(self) -> bool:
        """Every shot has a clip (or, in a dry run, nothing went wrong)."""
        problems = self.refused or self.failed or self.unknown or self.over_budget
        return not problems and (self.dry_run or not self.pending)
