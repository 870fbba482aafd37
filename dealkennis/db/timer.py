"""One stopwatch for SQL: a database execute wrapper that adds up its statements and their time.

Used by Server-Timing, the cold benchmark and `profile_page` alike. Not
CaptureQueriesContext: that turns on the debug cursor, whose SQL logging is
no part of a production request.
"""

import time


class StatementTimer:
    """`with connection.execute_wrapper(timer):` counts the statements run and their wall seconds."""

    def __init__(self):
        self.reset()

    def reset(self):
        self.seconds = 0.0
        self.count = 0

    @property
    def ms(self):
        return self.seconds * 1000

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.count += 1
