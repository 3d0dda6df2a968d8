"""Declaring sensitive fields on pydantic models and masking them per caller grade.

::

    class PersonRead(BaseModel):
        id: UUID
        name: Annotated[str, Sensitive("name")]                      # PERSONAL by default
        id_number: Annotated[str, Sensitive("id_number")]            # SENSITIVE by default
        mobile: Annotated[str | None, Sensitive("mobile", grade=Grade.SENSITIVE)] = None

    return mask_model(person, principal.grade, self_or_household=is_own_household)

Put ``Sensitive`` at the outer level of ``Annotated``. Masked values of a non-string
field become ``None``, so declare such fields optional. The marker also shows in the
OpenAPI schema as ``x-sensitivity`` / ``x-mask``.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import functools
import types
import typing
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias, TypeVar

from pydantic import BaseModel

from sc_core.privacy.grades import Grade
from sc_core.privacy.masking import mask_value

DEFAULT_KIND_GRADES: Mapping[str, Grade] = types.MappingProxyType(
    {
        "id_number": Grade.SENSITIVE,
        "face_id": Grade.SENSITIVE,
        "redact": Grade.SENSITIVE,
        "mobile": Grade.PERSONAL,
        "phone": Grade.PERSONAL,
        "name": Grade.PERSONAL,
        "address": Grade.PERSONAL,
        "email": Grade.PERSONAL,
        "plate": Grade.PERSONAL,
        "text": Grade.INTERNAL,
    }
)


@dataclass(frozen=True)
class Sensitive:
    """Marks a field sensitive: how to mask it (``kind``) and from which ``grade`` on.

    ``grade`` defaults by kind: id_number, face_id, redact -> SENSITIVE; mobile, phone,
    name, address, email, plate -> PERSONAL; anything else -> INTERNAL.
    """

    kind: str = "text"
    grade: Grade | None = None

    @property
    def level(self) -> Grade:
        if self.grade is not None:
            return self.grade
        return DEFAULT_KIND_GRADES.get(self.kind, Grade.INTERNAL)

    def visible_to(self, grade: Grade | int, *, self_or_household: bool = False) -> bool:
        """Whether a caller of ``grade`` sees this field unmasked.

        ``self_or_household``: the record is the caller's own or their household's, so
        personal data (PERSONAL and SENSITIVE fields) about them is shown; INTERNAL fields
        (organisation notes) still follow the caller's grade.
        """
        if self.level <= grade:
            return True
        return self_or_household and self.level >= Grade.PERSONAL

    def mask(self, value: object) -> object:
        return mask_value(self.kind, value)

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: Any) -> Any:
        schema = handler(core_schema)
        schema["x-sensitivity"] = self.level.name.lower()
        schema["x-mask"] = self.kind
        return schema


Spec: TypeAlias = Mapping[str, Sensitive] | type[BaseModel]
T = TypeVar("T")


@dataclass(frozen=True)
class _Plan:
    """What masking a model's instance looks at, worked out once per model class: its
    markers, and the unmarked fields whose declared type may hold a model, a list or a
    dict (a ``str`` or a date never does, so it is not looked at per record)."""

    markers: Mapping[str, Sensitive]
    nested: tuple[tuple[str, Any], ...]
    annotations: Mapping[str, Any]  # every field's declared type (a dict record's walk)


@functools.cache
def _plan(model: type[BaseModel]) -> _Plan:
    found: dict[str, Sensitive] = {}
    nested: list[tuple[str, Any]] = []
    for name, info in model.__pydantic_fields__.items():
        marker = next((m for m in info.metadata if isinstance(m, Sensitive)), None)
        if marker is not None:
            found[name] = marker
        elif _may_nest(info.annotation):
            nested.append((name, info.annotation))
    annotations = {name: info.annotation for name, info in model.__pydantic_fields__.items()}
    return _Plan(types.MappingProxyType(found), tuple(nested), types.MappingProxyType(annotations))


_SCALARS: tuple[type, ...] = (
    str,
    bytes,
    int,
    float,
    decimal.Decimal,
    uuid.UUID,
    datetime.date,
    datetime.time,
    datetime.timedelta,
    enum.Enum,
    type(None),
)


def _may_nest(annotation: Any) -> bool:
    """Whether a value of this declared type can be (or contain) a model, list or dict:
    anything but scalars, their unions and literals (``Any`` may)."""
    if isinstance(annotation, type) and not typing.get_args(annotation):
        return not issubclass(annotation, _SCALARS)
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return False
    if origin is typing.Annotated:
        return _may_nest(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return any(_may_nest(a) for a in typing.get_args(annotation))
    return True


def sensitive_fields(model: type[BaseModel]) -> Mapping[str, Sensitive]:
    """The ``Sensitive`` markers of a model's fields, by field name (read-only; worked out
    once per model)."""
    return _plan(model).markers


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    """The model class inside ``X``, ``X | None``, ``list[X]``, ``dict[str, X]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _nested_model(arg)
        if found is not None:
            return found
    return None


def _is_mapping(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (dict, Mapping):
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_is_mapping(a) for a in typing.get_args(annotation))
    return False


def _mask_any(value: Any, grade: Grade | int, annotation: Any, self_or_household: bool) -> Any:
    if isinstance(value, BaseModel):
        return _mask_instance(value, grade, self_or_household)
    if isinstance(value, list | tuple):
        items = [_mask_any(v, grade, annotation, self_or_household) for v in value]
        return items if isinstance(value, list) else tuple(items)
    if isinstance(value, dict):
        model = _nested_model(annotation)
        if model is None:
            return value
        if _is_mapping(annotation):
            return {k: _mask_any(v, grade, model, self_or_household) for k, v in value.items()}
        return _mask_dict(value, grade, model, self_or_household)
    return value


def _mask_instance(
    obj: BaseModel,
    grade: Grade | int,
    self_or_household: bool,
    always_masked: frozenset[str] = frozenset(),
) -> BaseModel:
    plan = _plan(type(obj))
    updates: dict[str, Any] = {}
    for name, marker in plan.markers.items():
        if marker.kind in always_masked or not marker.visible_to(
            grade, self_or_household=self_or_household
        ):
            updates[name] = marker.mask(getattr(obj, name))
    for name, annotation in plan.nested:
        value = getattr(obj, name)
        if isinstance(value, BaseModel | list | tuple | dict):
            masked = _mask_any(value, grade, annotation, self_or_household)
            if masked is not value:
                updates[name] = masked
    return obj.model_copy(update=updates)


def _mask_dict(
    record: Mapping[str, Any],
    grade: Grade | int,
    spec: Spec,
    self_or_household: bool,
    always_masked: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    nested: Mapping[str, Any]
    if isinstance(spec, type):
        plan = _plan(spec)  # once per model, not per record
        markers, nested = plan.markers, plan.annotations
    else:
        markers, nested = spec, {}
    out: dict[str, Any] = {}
    for name, value in record.items():
        marker = markers.get(name)
        if marker is not None:
            visible = marker.kind not in always_masked and marker.visible_to(
                grade, self_or_household=self_or_household
            )
            out[name] = value if visible else marker.mask(value)
        else:
            out[name] = _mask_any(value, grade, nested.get(name), self_or_household)
    return out


def mask_model(
    obj: T,
    grade: Grade | int,
    *,
    self_or_household: bool = False,
    allow_unmasked: bool = False,
    spec: Spec | None = None,
    always_masked: frozenset[str] = frozenset(),
) -> T:
    """A copy of ``obj`` with every sensitive field above ``grade`` masked.

    ``obj`` is a pydantic model (markers come from its annotations, nested models and lists
    of models included) or a dict (then ``spec`` names the markers: a model class or a
    ``{field: Sensitive}`` mapping). ``self_or_household``: the service has established
    the record is the caller's own or their household's (see :meth:`Sensitive.visible_to`).
    ``allow_unmasked``: return everything as stored, for an explicit, audited reveal.
    ``always_masked``: kinds of the model's own fields masked whatever the grade (a list's
    ID numbers and phones, :func:`sc_core.privacy.reveal.mask_listed`).
    """
    if isinstance(obj, BaseModel):
        if allow_unmasked:
            return obj.model_copy(deep=True)
        return _mask_instance(obj, grade, self_or_household, always_masked)  # type: ignore[return-value]
    if isinstance(obj, Mapping):
        if allow_unmasked:
            return dict(obj)  # type: ignore[return-value]
        if spec is None:
            raise TypeError("mask_model on a dict needs spec= (a model class or field markers)")
        return _mask_dict(obj, grade, spec, self_or_household, always_masked)  # type: ignore[return-value]
    raise TypeError(f"mask_model takes a pydantic model or a dict, not {type(obj).__name__}")
