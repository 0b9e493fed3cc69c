"""The JSON contract read back: `audit_from_dict(Audit.to_dict())` is the `Audit` again.

A stored audit (the corpus store's `audits`, a batch's JSONL) is served and rendered without re-auditing the
article; the walk follows the data model's type hints, so a field added to a finding is read back with no
change here. Keys the model does not know (a newer minor version's additions) are ignored; a missing field takes
its default.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from functools import cache
from typing import Any, Literal, Union

from newsaudit.schema.audit import Audit


def audit_from_dict(data: dict[str, Any]) -> Audit:
    """The `Audit` whose `to_dict()` is `data` (raises `ValueError` when `data` is not that shape)."""
    if not isinstance(data, dict):
        raise ValueError("an audit is a JSON object")
    return _value(Audit, data)


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _value(kind: Any, value: Any) -> Any:
    origin = typing.get_origin(kind)
    if kind is Any or value is None:
        return value
    if origin in (Union, types.UnionType):
        options = [option for option in typing.get_args(kind) if option is not type(None)]
        if len(options) == 1:
            return _value(options[0], value)
        return value  # a union of scalars (str | float …): JSON already holds the right one
    if origin is Literal:
        return value
    if origin is tuple:
        args = typing.get_args(kind)
        if not isinstance(value, list):
            raise ValueError(f"expected a list for {kind}, got {type(value).__name__}")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_value(args[0], item) for item in value)
        return tuple(_value(arg, item) for arg, item in zip(args, value, strict=True))
    if origin is list:
        (arg,) = typing.get_args(kind)
        return [_value(arg, item) for item in value]
    if origin is dict:
        _, arg = typing.get_args(kind)
        return {key: _value(arg, item) for key, item in value.items()}
    if dataclasses.is_dataclass(kind):
        if not isinstance(value, dict):
            raise ValueError(f"expected an object for {kind.__name__}, got {type(value).__name__}")
        hints = _hints(kind)
        fields = {f.name for f in dataclasses.fields(kind)}
        return kind(**{name: _value(hints[name], item) for name, item in value.items() if name in fields})
    if kind is float and isinstance(value, int):
        return float(value)
    return value
