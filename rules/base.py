"""What a rule is: metadata and documentation beside one ``check``.

Each rule documents itself the way ruff's do: what it does (``summary``), why it is bad
(``rationale``), an ``example`` that triggers it, the ``fixed`` version that does not, and what to
do instead (``fix``). ``ecs-advisor explain`` prints these, the README's rule table is generated
from them, and the test suite lints every ``example`` and ``fixed`` document, so the
documentation cannot drift from the behaviour.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, ClassVar


class Hit:
    """A rule's verdict on one spot: a JSON pointer in the document and a message.

    ``severity`` overrides the rule's default where the same mistake is worse in one setting
    (a missing stream prefix is an error on Fargate, a warning elsewhere).
    """

    __slots__ = ("cost", "evidence", "message", "pointer", "severity")

    def __init__(
        self,
        pointer: str,
        message: str,
        severity: str | None = None,
        evidence: dict[str, Any] | None = None,
        cost: dict[str, Any] | None = None,
    ) -> None:
        self.pointer = pointer
        self.message = message
        self.severity = severity
        self.evidence = evidence  # what the finding rests on (history: counts, times, event ids)
        self.cost = cost  # the money involved, with its assumptions


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[str]
    applies_to: ClassVar[tuple[str, ...]]  # resource kinds: "task-definition", "service"
    summary: ClassVar[str]
    rationale: ClassVar[str]
    example: ClassVar[str]  # a document that triggers the rule
    fixed: ClassVar[str]  # the same document, fixed
    fix: ClassVar[str]
    fix_safety: ClassVar[str] = "no automatic fix"  # or what --fix does, and why it is safe

    def check(self, resource: Any) -> Iterable[Hit]:
        raise NotImplementedError

    def applies(self, resource: Any) -> bool:
        return resource.kind in self.applies_to

    @classmethod
    def documentation(cls) -> dict[str, Any]:
        return {
            "code": cls.code,
            "name": cls.name,
            "severity": cls.severity,
            "applies_to": list(cls.applies_to),
            "summary": cls.summary,
            "rationale": cls.rationale,
            "example": cls.example,
            "fixed": cls.fixed,
            "fix": cls.fix,
            "fix_safety": cls.fix_safety,
        }


def container_hits(resource: Any) -> Iterator[tuple[int, dict, str]]:
    """(index, container, name) for each container definition, for per-container rules."""
    for index, container in resource.containers():
        name = container.get("name")
        yield index, container, name if isinstance(name, str) else f"#{index}"
