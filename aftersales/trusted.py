"""Building frozen models from values the rules themselves produced, for the per-case hot paths."""

from __future__ import annotations

from functools import cache
from typing import Any, TypeVar

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)
_set_attribute = object.__setattr__


@cache
def _every_field(model: type[BaseModel]) -> set[str]:
    """One set of a model's field names, shared by all its trusted instances: a set of 5 or more
    names takes 728 bytes, 100,000 cases made 200,000 of them (≈ 90 MB). Pydantic copies the set
    before it changes one, and frozen models never change."""
    return set(model.model_fields)


def construct(model: type[M], fields: dict[str, Any]) -> M:
    """What `model.model_construct(**fields)` gives, without its per-field default handling (several
    times faster: it counts at 100,000 cases). `fields` must name every field, correctly typed:
    nothing is validated."""
    instance = model.__new__(model)
    _set_attribute(instance, "__dict__", fields)
    _set_attribute(instance, "__pydantic_fields_set__", _every_field(model))
    _set_attribute(instance, "__pydantic_extra__", None)
    _set_attribute(instance, "__pydantic_private__", None)
    return instance
