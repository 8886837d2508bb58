"""Statements built by the ORM once per shape of query, then run with each call's values (the register search).

Building a queryset and compiling it costs Python more than PostgreSQL takes to answer a short indexed statement:
for a one-character register search, 0.74 ms of CPU for the page's statement and 0.85 ms for the count's, ≈ 20 %
of what a search costs the machine all told, where executing each costs the client ≈ 0.1 ms. core/rows.py
compiles single-key look-ups once; a search has several values, some transformed on the way into parameters
(a LIKE pattern, the start and end of a year, a prefix's range), so here the statement is built twice, with two
sets of stand-in values (markers) that no real value shares, and each parameter is worked out as a function of
the values:

- a parameter equal to a marker is that value;
- a text holding markers (a LIKE pattern '%M%', a range's end 'M\\uffff', a full-text query) is the text with
  each marker replaced by its value's text;
- a date whose year is a marker year is that date in the value's year.

The second build checks the first: its SQL must be the same and the functions must give its parameters from its
markers. A statement whose parameters do not follow (a value that changes the SQL itself, a transformation not
listed above) is not compiled, and its caller builds it with the ORM each time, as before. The key must name
everything else the statement's SQL depends on (which filters are present, the sort, the slice's bounds: LIMIT
and OFFSET are written into the SQL).
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from threading import Lock
from typing import Any, TypeVar

from django.db import connections, models
from django.db.models.query import get_related_populators

M = TypeVar("M", bound=models.Model)
Slot = Callable[[Sequence[Any]], Any]

# Shapes of search in use at once: filters present, the sort, the page. An old shape is dropped first.
CACHE_SIZE = 512


@dataclass(frozen=True)
class ModelRows:
    """How a compiled query's rows become model instances, as ModelIterable works it out for every query: where the
    model's own columns are in a row, the populators of its related objects and the positions of its annotations
    (core/rows.py uses it too)."""

    start: int
    end: int
    names: tuple[str, ...]
    populators: tuple[Any, ...]
    annotations: tuple[tuple[str, int], ...]

    @classmethod
    def of(cls, compiler: Any, alias: str) -> ModelRows | None:
        klass_info, select = compiler.klass_info, compiler.select
        if klass_info is None:  # values() or an aggregate: no model rows
            return None
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        return cls(
            start,
            end,
            tuple(column[0].target.attname for column in select[start:end]),
            # Django 5.2's signature (the stubs already describe 6.0's, which adds a fetch mode). The populators only
            # read what they were built with, so one set serves every row.
            tuple(get_related_populators(klass_info, select, alias)),  # type: ignore[call-arg]
            tuple(compiler.annotation_col_map.items()),
        )

    def instance(self, model: type[M], alias: str, row: Sequence[Any]) -> M:
        instance = model.from_db(alias, self.names, row[self.start : self.end])
        for populator in self.populators:
            populator.populate(row, instance)
        for name, position in self.annotations:
            setattr(instance, name, row[position])
        return instance


@dataclass(frozen=True)
class Statement:
    """A compiled statement: its SQL, a function per parameter, and its columns' converters and model rows."""

    sql: str
    slots: tuple[Slot, ...]
    compiler: Any
    converters: dict[int, Any]
    model_rows: ModelRows | None

    def rows(self, alias: str, values: Sequence[Any]) -> list[tuple[Any, ...]]:
        connection = connections[alias]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, [slot(values) for slot in self.slots])
            rows = cursor.fetchall()
        if not rows or not self.converters:
            return rows
        return list(map(tuple, self.compiler.apply_converters(rows, self.converters)))

    def objects(self, model: type[M], alias: str, values: Sequence[Any]) -> list[M]:
        """The statement's rows as `model` instances, as the queryset would give them."""
        assert self.model_rows is not None  # noqa: S101 - a statement of model rows
        return [self.model_rows.instance(model, alias, row) for row in self.rows(alias, values)]


def converters_of(compiler: Any) -> dict[int, Any]:
    """The converters of a compiled query's columns, as results_iter() works them out for every query (a look-up
    per column); core/rows.py uses it too."""
    columns = [column[0] for column in compiler.select[: compiler.col_count]]
    converters: dict[int, Any] = compiler.get_converters(columns)
    return converters


def _replaced(text: str, markers: tuple[tuple[int, str], ...], values: Sequence[Any]) -> str:
    for index, marker in markers:
        text = text.replace(marker, str(values[index]))
    return text


def _value(index: int) -> Slot:
    return lambda values: values[index]


def _text(text: str, inside: tuple[tuple[int, str], ...]) -> Slot:
    return lambda values: _replaced(text, inside, values)


def _in_year(date: dt.date, index: int) -> Slot:
    return lambda values: date.replace(year=values[index])


def _constant(constant: Any) -> Slot:
    return lambda _values: constant


def _slot(param: Any, markers: Sequence[Any]) -> Slot:
    """How `param`, compiled from `markers`, follows from the values."""
    for index, marker in enumerate(markers):
        if type(param) is type(marker) and param == marker:
            return _value(index)
    if isinstance(param, str):
        # Text markers, and whole-number markers written into a text (a year's first day on SQLite).
        inside = tuple((i, str(m)) for i, m in enumerate(markers) if type(m) in (str, int) and str(m) in param)
        if inside:
            return _text(param, inside)
    if type(param) is dt.date:
        for index, marker in enumerate(markers):
            if type(marker) is int and param.year == marker:
                return _in_year(param, index)
    return _constant(param)


def _compile(queryset: models.QuerySet[Any], alias: str, count: bool) -> tuple[str, list[Any], Any]:
    compiler = queryset.query.get_compiler(using=alias)
    sql, params = compiler.as_sql()
    if count:
        # What QuerySet.count() sends for a sliced queryset: the rows counted in a subquery.
        sql = f"SELECT COUNT(*) FROM ({sql}) counted"  # noqa: S608 - SQL compiled by the ORM, values are parameters
    return sql, list(params), compiler


def _statement(
    build: Callable[[Sequence[Any]], models.QuerySet[Any]],
    markers: tuple[Sequence[Any], Sequence[Any]],
    alias: str,
    count: bool,
) -> Statement | None:
    first, second = markers
    sql, params, compiler = _compile(build(first), alias, count)
    slots = tuple(_slot(param, first) for param in params)
    check_sql, check_params, _compiler = _compile(build(second), alias, count)
    if check_sql != sql or [slot(second) for slot in slots] != check_params:
        return None
    converters = {} if count else converters_of(compiler)
    return Statement(sql, slots, compiler, converters, None if count else ModelRows.of(compiler, alias))


_cache: OrderedDict[Hashable, Statement | None] = OrderedDict()
_lock = Lock()


def statement(
    key: Hashable,
    build: Callable[[Sequence[Any]], models.QuerySet[Any]],
    markers: tuple[Sequence[Any], Sequence[Any]],
    alias: str,
    *,
    count: bool = False,
) -> Statement | None:
    """The statement `build(values)` compiles to, compiled once per `key` (None: it cannot be compiled once, build
    it each time). `markers`: two sets of stand-ins for the values, each of the values' types, that no real value
    or constant of the statement shares. `count`: the statement counts the queryset's rows."""
    key = (key, alias, count)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    compiled = _statement(build, markers, alias, count)
    with _lock:
        _cache[key] = compiled
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return compiled
