"""Declarative checks for nested parameter trees, with one error style.

Every spec checks a value found at a dotted key and either returns the cleaned value or
raises `ParameterError("params.yaml: <key>=<value> <problem>; expected <allowed>")`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import ParameterError, parameter_error
from .section import Section

REQUIRED = object()
fail = parameter_error  # the one-line error every check raises


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@dataclass(frozen=True)
class Spec:
    """Base class: `default` is used when the key is absent (REQUIRED: it must be given)."""

    default: Any = REQUIRED
    nullable: bool = False

    def check(self, key: str, value: Any) -> Any:
        if value is None:
            if self.nullable:
                return None
            raise fail(key, value, "is missing a value", self.describe())
        return self.clean(key, value)

    def clean(self, key: str, value: Any) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def describe(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def _or_null(self, text: str) -> str:
        return f"{text} or null" if self.nullable else text


@dataclass(frozen=True)
class Number(Spec):
    """A real number (ints accepted) within optional bounds; `integer=True` asks for an int."""

    min: float | None = None
    max: float | None = None
    min_exclusive: bool = False
    integer: bool = False

    def describe(self) -> str:
        kind = "an integer" if self.integer else "a number"
        bounds = []
        if self.min is not None:
            bounds.append(f"{'>' if self.min_exclusive else '>='} {self.min}")
        if self.max is not None:
            bounds.append(f"<= {self.max}")
        return self._or_null(f"{kind} {' and '.join(bounds)}".strip())

    def clean(self, key: str, value: Any) -> Any:
        if not _is_number(value) or (self.integer and not isinstance(value, int)):
            raise fail(key, value, "has the wrong type", self.describe())
        if not math.isfinite(value):
            raise fail(key, value, "is not finite", self.describe())
        too_low = self.min is not None and (
            value <= self.min if self.min_exclusive else value < self.min
        )
        too_high = self.max is not None and value > self.max
        if too_low or too_high:
            raise fail(key, value, "is out of range", self.describe())
        return value if self.integer else float(value)


def integer(min: float | None = None, max: float | None = None, **kw) -> Number:
    """An integer within optional bounds."""
    return Number(min=min, max=max, integer=True, **kw)


def positive(**kw) -> Number:
    """A number > 0."""
    return Number(min=0, min_exclusive=True, **kw)


@dataclass(frozen=True)
class Flag(Spec):
    """true or false."""

    def describe(self) -> str:
        return self._or_null("true or false")

    def clean(self, key: str, value: Any) -> Any:
        if not isinstance(value, bool):
            raise fail(key, value, "has the wrong type", self.describe())
        return value


@dataclass(frozen=True)
class Choice(Spec):
    """One string out of a fixed set."""

    choices: tuple[str, ...] = ()

    def describe(self) -> str:
        return self._or_null("one of: " + ", ".join(self.choices))

    def clean(self, key: str, value: Any) -> Any:
        if value not in self.choices:
            raise fail(key, value, "is not allowed", self.describe())
        return value


@dataclass(frozen=True)
class Text(Spec):
    """A non-empty string (a path, a URL, a hash)."""

    prefixes: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.prefixes:
            return self._or_null("a string starting with " + " or ".join(self.prefixes))
        return self._or_null("a non-empty string")

    def clean(self, key: str, value: Any) -> Any:
        if not isinstance(value, str) or not value.strip():
            raise fail(key, value, "has the wrong type", self.describe())
        if self.prefixes and not value.startswith(self.prefixes):
            raise fail(key, value, "is not allowed", self.describe())
        return value


@dataclass(frozen=True)
class ListOf(Spec):
    """A list whose items all follow `item`."""

    item: Spec = field(default_factory=lambda: Text())
    min_len: int = 0

    def describe(self) -> str:
        return self._or_null(f"a list of at least {self.min_len} item(s), each {self.item.describe()}")

    def clean(self, key: str, value: Any) -> Any:
        if not isinstance(value, list) or len(value) < self.min_len:
            raise fail(key, value, "has the wrong type or length", self.describe())
        return tuple(self.item.check(f"{key}[{i}]", v) for i, v in enumerate(value))


@dataclass(frozen=True)
class Block(Spec):
    """A mapping with a fixed set of keys; unknown keys are errors, absent keys take defaults.

    `renamed` maps old key names to their new ones: an old key is read as the new one (a params
    file written before the rename still runs), with a one-line deprecation warning the first
    time the stage reads that value.
    """

    fields: Mapping[str, Spec] = field(default_factory=dict)
    default: Any = field(default_factory=dict)
    renamed: Mapping[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        return self._or_null("a mapping with keys: " + ", ".join(self.fields))

    def clean(self, key: str, value: Any) -> Any:
        if not isinstance(value, Mapping):
            raise fail(key, value, "has the wrong type", self.describe())
        prefix = f"{key}." if key else ""
        value, deprecations = self._renamed_keys(prefix, value)
        for name in value:
            if name not in self.fields:
                raise fail(f"{prefix}{name}", value[name], "is an unknown key",
                           "one of: " + ", ".join(self.fields))
        out = {}
        for name, spec in self.fields.items():
            if name in value:
                out[name] = spec.check(f"{prefix}{name}", value[name])
            elif spec.default is REQUIRED:
                raise fail(f"{prefix}{name}", None, "is missing", spec.describe())
            else:
                out[name] = spec.check(f"{prefix}{name}", spec.default)
        return Section(out, key, renamed=deprecations)

    def _renamed_keys(self, prefix: str, value: Mapping) -> tuple[dict, dict[str, str]]:
        """`value` with old key names replaced by the new ones, and the warning for each."""
        value, deprecations = dict(value), {}
        for old, new in self.renamed.items():
            if old not in value:
                continue
            if new in value:
                raise fail(f"{prefix}{old}", value[old], f"is the old name of {prefix}{new}, "
                           "which is also given", f"only {prefix}{new}")
            value[new] = value.pop(old)
            deprecations[new] = (f"params.yaml: {prefix}{old} is deprecated, read as {prefix}{new}; "
                                 f"rename it to {new}")
        return value, deprecations


@dataclass(frozen=True)
class AnyMapping(Spec):
    """A mapping checked elsewhere (its keys depend on another value)."""

    def describe(self) -> str:
        return self._or_null("a mapping")

    def clean(self, key: str, value: Any) -> Any:
        if not isinstance(value, Mapping):
            raise fail(key, value, "has the wrong type", self.describe())
        return Section(value, key)


@dataclass(frozen=True)
class MapOf(Spec):
    """A mapping whose keys come from `specs` (any subset, at least `min_len`), each with its own spec."""

    specs: Mapping[str, Spec] = field(default_factory=dict)
    min_len: int = 1

    def describe(self) -> str:
        return self._or_null(f"a mapping of at least {self.min_len} of: " + ", ".join(self.specs))

    def clean(self, key: str, value: Any) -> Any:
        if not isinstance(value, Mapping) or len(value) < self.min_len:
            raise fail(key, value, "has the wrong type or length", self.describe())
        out = {}
        for name, item in value.items():
            if name not in self.specs:
                raise fail(f"{key}.{name}", item, "is an unknown key",
                           "one of: " + ", ".join(self.specs))
            out[name] = self.specs[name].check(f"{key}.{name}", {} if item is None else item)
        return Section(out, key)


@dataclass(frozen=True)
class NamedMap(Spec):
    """A mapping from names the user chooses (matching `pattern`) to values following `item`."""

    item: Spec = field(default_factory=lambda: Block())
    pattern: str = r"^[a-z0-9][a-z0-9_-]*$"
    min_len: int = 1

    def describe(self) -> str:
        return self._or_null(f"a mapping of at least {self.min_len} name(s) "
                             "(lower-case letters, digits, - and _)")

    def clean(self, key: str, value: Any) -> Any:
        if not isinstance(value, Mapping) or len(value) < self.min_len:
            raise fail(key, value, "has the wrong type or length", self.describe())
        out = {}
        for name, item in value.items():
            if not isinstance(name, str) or not re.match(self.pattern, name):
                raise fail(f"{key}.{name}", item, "has an invalid name", self.describe())
            out[name] = self.item.check(f"{key}.{name}", item)
        return Section(out, key)


@dataclass(frozen=True)
class Either(Spec):
    """A value that satisfies one of several specs (e.g. a number or a keyword)."""

    options: tuple[Spec, ...] = ()

    def describe(self) -> str:
        return self._or_null(" or ".join(o.describe() for o in self.options))

    def clean(self, key: str, value: Any) -> Any:
        for option in self.options:
            try:
                return option.check(key, value)
            except ParameterError:
                continue
        raise fail(key, value, "is not allowed", self.describe())


@dataclass(frozen=True)
class Grid(Spec):
    """Values to try for some of a block's keys: a mapping of key -> a list of values, each
    checked by that key's spec in `fields`; empty: nothing to try."""

    fields: Mapping[str, Spec] = field(default_factory=dict)
    default: Any = field(default_factory=dict)

    def describe(self) -> str:
        return self._or_null("a mapping of some of " + ", ".join(self.fields) + " to lists of values")

    def clean(self, key: str, value: Any) -> Any:
        if not isinstance(value, Mapping):
            raise fail(key, value, "has the wrong type", self.describe())
        out = {}
        for name, values in value.items():
            if name not in self.fields:
                raise fail(f"{key}.{name}", values, "is not a key to search",
                           "one of: " + ", ".join(self.fields))
            if not isinstance(values, list) or not values:
                raise fail(f"{key}.{name}", values, "has the wrong type", "a non-empty list")
            out[name] = [self.fields[name].check(f"{key}.{name}[{i}]", v) for i, v in enumerate(values)]
        return Section(out, key)

