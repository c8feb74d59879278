"""A query compiled to SQL once and run many times with a new value.

For the few hottest reads only (an application's status): there Django's compilation of the
query costs more than running it (0.9 ms of 1.4 ms, measured by bench/load.py's author with
the ORM). The SQL comes from the ORM all the same, for whichever database is in use, and the
values come back through the ORM's own converters, so the rows are exactly what
``values_list`` gives. Django has no public API for reusing a compiled query; this uses the
compiler's documented-in-code ``as_sql`` and ``results_iter(results=...)``.
"""

import threading
from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS
from django.db.models import QuerySet

SENTINEL = -7_654_321_987  # stands for the value while compiling: never a real key


class CompiledQuery:
    def __init__(self, build: Callable[[Any], QuerySet]) -> None:
        self._build = build
        self._local = threading.local()  # a compiler belongs to its thread's connection

    def _compiled(self):
        compiled = getattr(self._local, "compiled", None)
        if compiled is None:
            compiler = self._build(SENTINEL).query.get_compiler(using=DEFAULT_DB_ALIAS)
            sql, params = compiler.as_sql()
            positions = [i for i, p in enumerate(params) if p == SENTINEL]
            if len(positions) != 1:
                raise ValueError("the value must appear exactly once in the query")
            compiled = self._local.compiled = (compiler, sql, list(params), positions[0])
        return compiled

    def rows(self, value: Any) -> list[tuple]:
        compiler, sql, params, position = self._compiled()
        params = [*params[:position], value, *params[position + 1 :]]
        with compiler.connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        return [tuple(row) for row in compiler.results_iter(results=[fetched])]
