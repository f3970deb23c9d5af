"""The one door for input sources: each registers here, in one line, what it reads.

A source is a module with ``read(candidates, context) -> Iterator[Resource]``: it turns the files
discovery gives it into typed resources, and reports into ``context`` what it could not read.
Its module is imported only when a file of its role and suffix turns up, so ``lint`` never loads
the CloudTrail reader, libcst or the AWS SDK unless an input needs them.

Roles: ``config`` (what ``lint`` and ``--fix`` read), ``task-definitions`` (``cost TASKDEF`` and
``--task-definitions``), ``services`` (history's ``--services``), ``history`` (what ``history``
reads), ``live`` (the audit's account reads, which discovery never offers files to).

The file sources share the rest of this module: how a file is passed over (``NotRecognized``) or
fails (``InputFailure``), and the loop that turns each file into resources (``read_files``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from types import ModuleType
from typing import Any

from advisor.model import InputError, Resource


class SourceEntry:
    """A registered source: its name, module, the roles it serves, and what it recognizes."""

    __slots__ = ("magic", "module", "name", "roles", "shebang", "skip_folders", "suffixes")

    def __init__(
        self,
        name: str,
        module: str,
        roles: tuple[str, ...],
        suffixes: tuple[str, ...] = (),
        shebang: bytes | None = None,
        skip_folders: tuple[str, ...] = (),
        magic: tuple[bytes, ...] = (),
    ) -> None:
        self.name = name
        self.module = module
        self.roles = roles
        self.suffixes = suffixes  # files found in folders are offered by suffix
        self.shebang = shebang  # ... and a named extensionless file by its #! line
        self.skip_folders = skip_folders  # folders that never hold its inputs
        # ... and a file without an extension found in a folder by its first bytes (Firehose
        # names its S3 objects without one)
        self.magic = magic

    def load(self) -> ModuleType:
        # The import statement's machinery rather than importlib.import_module: only it is timed
        # by ``python -X importtime``, which the start-up tests and benchmarks read.
        return __import__(self.module, fromlist=["read"])

    def read(self, candidates: list[Any], context: Any) -> Iterable[Resource]:
        return self.load().read(candidates, context)


SOURCES: tuple[SourceEntry, ...] = (
    SourceEntry(
        "json", "advisor.sources.json_files", ("config", "task-definitions", "services"), (".json",)
    ),
    SourceEntry("python", "advisor.sources.python_code", ("config",), (".py",), b"python"),
    SourceEntry(
        "cloudtrail",
        "advisor.sources.cloudtrail",
        ("history",),
        (".json", ".json.gz", ".gz", ".jsonl", ".ndjson", ".jsonl.gz"),
        skip_folders=("CloudTrail-Digest",),
        magic=(b"\x1f\x8b", b"{"),  # gzip (CloudWatch Logs payloads), or JSON
    ),
    SourceEntry("live", "advisor.audit.live_source", ("live",)),
)


class NotRecognized(Exception):
    """The file holds no ECS resource. ``reason`` says why, for the note on a named file."""

    def __init__(
        self, reason: str = "not an ECS task definition, service, cluster or RunTask request"
    ) -> None:
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
            context.error(InputError(display, f"cannot read: {os_error_text(exc)}"))
            continue
        except RecursionError:
            context.error(InputError(display, "nested too deeply to read"))
            continue
        context.checked(display)
        yield from resources


def os_error_text(exc: OSError) -> str:
    """An OSError in words: ELOOP's "too many levels of symbolic links" is a loop."""
    import errno

    if exc.errno == errno.ELOOP:
        return "symlink loop (its links lead back to themselves)"
    return exc.strerror or str(exc)


def for_role(role: str) -> list[SourceEntry]:
    return [entry for entry in SOURCES if role in entry.roles]


def source(name: str) -> SourceEntry:
    return next(entry for entry in SOURCES if entry.name == name)
