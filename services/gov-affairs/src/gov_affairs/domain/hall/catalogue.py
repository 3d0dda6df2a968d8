"""A service (事项) of the hall as data: who may apply, its conditions (受理条件), the
materials it needs (申请材料), its form (JSON Schema), its approval flow, an instant rule
(即办) and eligibility rule, and the certificate it issues on approval."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from gov_affairs.domain.approvals.flow import FlowDef
from gov_affairs.domain.forms import FormSchemaError, check_form_schema
from gov_affairs.domain.rules import FACT_PATTERN, Rule
from gov_affairs.domain.text import Text

Category = Literal[
    "welfare", "elderly", "disability", "migrants", "housing", "certificates", "general"
]
RESIDENT_ROLES = ("resident", "tenant", "family")


class MaterialDef(BaseModel):
    """One material an applicant uploads (身份证, 户口簿 ...); ``condition``: needed only when
    it holds on the application's facts (a disability certificate only for disability)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)
    name: Text
    required: bool = True
    condition: Rule | None = None
    content_types: list[str] = Field(
        default_factory=lambda: ["image/jpeg", "image/png", "application/pdf"], max_length=10
    )
    max_files: int = Field(default=5, ge=1, le=20)


class CertificateField(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: Text
    fact: str = Field(pattern=FACT_PATTERN, max_length=120)
    masked: Literal["none", "id_number", "name", "phone"] = "none"


class CertificateTemplate(BaseModel):
    """What the PDF certificate (证明/决定书) of an approved application says."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Text
    statement: Text  # the sentence the certificate certifies, e.g. 经审核，符合高龄补贴发放条件
    fields: list[CertificateField] = Field(min_length=1, max_length=12)
    issuer: Text
    valid_days: int | None = Field(default=None, ge=1, le=3660)


class ServiceItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)
    version: int = Field(default=1, ge=1)
    name: Text
    category: Category = "general"
    description: Text
    conditions: list[Text] = Field(default_factory=list, max_length=20)
    who_may_apply: list[str] = Field(default_factory=lambda: list(RESIDENT_ROLES), min_length=1)
    materials: list[MaterialDef] = Field(default_factory=list, max_length=20)
    form: dict[str, Any]
    subject_id_field: str | None = Field(
        default=None,
        description="Form field holding the ID number of the person the application is for;"
        " its age, sex and birth date become the facts subject.*",
    )
    flow: FlowDef
    eligibility: Rule | None = None
    instant_rule: Rule | None = None
    certificate: CertificateTemplate | None = None
    promised_days: int = Field(default=20, ge=0, le=365)  # 承诺办结时限 (working days)

    @field_validator("form")
    @classmethod
    def _renderable(cls, form: dict[str, Any]) -> dict[str, Any]:
        try:
            check_form_schema(form)
        except FormSchemaError as exc:
            raise ValueError(str(exc.text)) from None  # zh-CN / en
        return form

    @model_validator(mode="after")
    def _subject_field(self) -> ServiceItem:
        if self.subject_id_field is not None:
            node = self.form["properties"].get(self.subject_id_field, {})
            if node.get("x-kind") != "id_number":
                raise ValueError(
                    "subject_id_field 须为 x-kind 为 id_number 的表单字段 / "
                    "subject_id_field must name a form field of x-kind id_number"
                )
        codes = [m.code for m in self.materials]
        if len(set(codes)) != len(codes):
            raise ValueError("材料编码不能重复 / material codes must be unique")
        return self

    def material(self, code: str) -> MaterialDef | None:
        return next((m for m in self.materials if m.code == code), None)
