"""The audit's exit code: what could not be read is not passed.

A scheduled audit is trusted when nobody watches it, so a source the rules needed that could not
be read (a denied call, an answer cut short, a failure entry, a region that raised) makes the run
exit 2, whatever was found in the rest. ``--allow-partial`` says the caller accepts a partial
audit: then the findings decide (1 or 0), and the report still lists what is unknown.
"""

from __future__ import annotations

from typing import Any

PARTIAL = 2


def exit_code(result: Any, fail_threshold: int | None, allow_partial: bool) -> int:
    code: int = result.exit_code(fail_threshold)
    if result.audit_errors and not allow_partial:
        return PARTIAL
    return code
