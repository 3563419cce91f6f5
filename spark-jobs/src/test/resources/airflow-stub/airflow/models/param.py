from __future__ import annotations

_TYPES = {"string": str, "integer": int, "number": (int, float), "array": list, "boolean": bool, "object": dict}


class Param:
    def __init__(self, default=None, description=None, type=None, **schema):
        if type is not None:
            expected = _TYPES[type]
            if isinstance(default, bool) and type in ("integer", "number"):
                raise TypeError(f"param default {default!r} is not of type {type}")
            if not isinstance(default, expected):
                raise TypeError(f"param default {default!r} is not of type {type}")
        self.value = default
        self.description = description
        self.schema = dict(schema, type=type)
