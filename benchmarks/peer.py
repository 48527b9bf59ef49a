"""The peer: frictionless-py validating the register against the same required / choice / range rules
the engine applies (the same file, read through its own xlsx reader)."""

from __future__ import annotations

from aftersales.columns import COLUMNS, Kind

TYPES = {Kind.DATETIME: "datetime", Kind.MONEY: "number", Kind.INTEGER: "integer"}


def schema() -> dict[str, object]:
    fields = []
    for column in COLUMNS:
        field: dict[str, object] = {"name": column.header, "type": TYPES.get(column.kind, "string")}
        constraints: dict[str, object] = {}
        if column.always_required:
            constraints["required"] = True
        if column.choices is not None:
            constraints["enum"] = list(column.choices.labels)
        if column.kind is Kind.ORDER_ID:
            constraints["pattern"] = r"\d{12,20}"
        if column.kind is Kind.MONEY:
            constraints["minimum"] = 0
        if column.kind is Kind.INTEGER:
            constraints["minimum"] = column.minimum
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    return {"fields": fields, "primaryKey": []}


def validate(path: str) -> int:
    """Number of errors frictionless finds (all of them: no error limit)."""
    from frictionless import Checklist, Resource, Schema, system

    with system.use_context(trusted=True):  # absolute paths need a trusted context
        resource = Resource(path=path, schema=Schema.from_descriptor(schema()))
        report = resource.validate(checklist=Checklist(), limit_errors=10**9)
    return len(report.flatten(["type"]))
