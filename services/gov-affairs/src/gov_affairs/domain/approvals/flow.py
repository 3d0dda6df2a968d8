"""A flow (审批流程) as data: ordered steps, each signed off by people in one of three ways.

- ``all`` (会签): every signer approves; one rejection rejects the step;
- ``any`` (或签): the first decision of any signer decides the step;
- ``n_of_m``: ``n`` approvals of the ``m`` signers approve; the step is rejected as soon as
  ``n`` approvals can no longer be reached.

A step may carry a condition (a rule on the application's facts: the step runs only when it
holds, e.g. a second signature above an amount), a due date (hours or working days) with a
reminder before it and an escalation after it, and whether its signers may delegate.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gov_affairs.domain.rules import Rule
from gov_affairs.domain.text import Text

Mode = Literal["all", "any", "n_of_m"]


class SignerRef(BaseModel):
    """Who signs: everyone holding a role over the application's place, or one account."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: str | None = Field(default=None, pattern=r"^[a-z_]+$", max_length=40)
    account: str | None = Field(default=None, min_length=1, max_length=64)

    @model_validator(mode="after")
    def _one(self) -> SignerRef:
        if (self.role is None) == (self.account is None):
            raise ValueError("a signer is a role or an account")
        return self


class Due(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    hours: int | None = Field(default=None, ge=1, le=24 * 90)
    working_days: int | None = Field(default=None, ge=1, le=60)
    remind_before_hours: int = Field(default=4, ge=0, le=24 * 30)
    escalate_to: list[SignerRef] = Field(default_factory=list, max_length=10)

    @model_validator(mode="after")
    def _one(self) -> Due:
        if (self.hours is None) == (self.working_days is None):
            raise ValueError("a due date is in hours or in working days")
        return self


class StepDef(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)
    name: Text
    signers: list[SignerRef] = Field(min_length=1, max_length=20)
    mode: Mode = "any"
    n: int | None = Field(default=None, ge=1, le=20)
    condition: Rule | None = None
    due: Due | None = None
    allow_delegation: bool = True
    may_request_more: bool = True
    # nobody who approved an earlier step signs this one (two signatures are two people)
    distinct_signers: bool = True

    @model_validator(mode="after")
    def _n(self) -> StepDef:
        if (self.mode == "n_of_m") != (self.n is not None):
            raise ValueError("n is given exactly when the mode is n_of_m")
        return self


class FlowDef(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    steps: list[StepDef] = Field(min_length=1, max_length=20)

    @model_validator(mode="after")
    def _unique(self) -> FlowDef:
        keys = [s.key for s in self.steps]
        if len(set(keys)) != len(keys):
            raise ValueError("step keys must be unique")
        return self

    def step(self, key: str) -> StepDef:
        return next(s for s in self.steps if s.key == key)
