"""`ast.parse` for the tests that read the code.

CPython 3.11 before 3.11.8 keeps the depth count of its AST conversion in state shared by all
threads (python/cpython#106905): when another thread builds an AST at the same moment (Python
3.11's `traceback` does, to underline a frame, whenever a server or worker thread logs an
exception) the parse raises "SystemError: AST constructor recursion depth mismatch". The
mismatch belongs to that one moment, so the parse is tried again."""

import ast
import time

ATTEMPTS = 5


def parse(source: str | bytes, filename: str = "<unknown>") -> ast.Module:
    for attempt in range(ATTEMPTS):
        try:
            return ast.parse(source, filename)
        except SystemError as error:
            if "recursion depth mismatch" not in str(error) or attempt == ATTEMPTS - 1:
                raise
            time.sleep(0.01)
    raise AssertionError("not reached")
