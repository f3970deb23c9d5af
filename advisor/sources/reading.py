"""What the file sources share: how a file is passed over or fails, and the loop over files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from advisor.model import InputError, Resource


class NotRecognized(Exception):
    """The file holds no ECS resource. ``reason`` says why, for the note on a named file."""

    def __init__(self, reason: str = "not an ECS task definition or service configuration") -> None:
        super().__init__(reason)
        self.reason = reason


class InputFailure(Exception):
    def __init__(self, error: InputError) -> None:
        super().__init__(str(error))
        self.error = error


def read_files(
    candidates: list[Any],
    context: Any,
    load: Callable[[str, str, bool], tuple[Any, list[Resource]]],
) -> Iterator[Resource]:
    """The resources ``load`` finds in each file; a file that is not ECS configuration gets a
    note when a person named it, and one that cannot be read an input error."""
    for candidate in candidates:
        display = context.display(candidate.path)
        named = candidate.explicit and context.person_named
        try:
            _document, resources = load(candidate.path, display, named)
        except NotRecognized as skipped:
            if named:
                context.note(f"{display}: {skipped.reason}; skipped")
            continue
        except InputFailure as failure:
            context.error(failure.error)
            continue
        except OSError as exc:
            context.error(InputError(display, f"cannot read: {exc.strerror}"))
            continue
        except RecursionError:
            context.error(InputError(display, "nested too deeply to read"))
            continue
        context.checked()
        yield from resources
