"""What a rule is: metadata and documentation beside one ``check``.

Each rule documents itself the way ruff's do: what it does (``summary``), why it is bad
(``rationale``), an ``example`` that triggers it, the ``fixed`` version that does not, and what to
do instead (``fix``). ``ecs-advisor explain`` prints these, the README's rule table is generated
from them, and the test suite lints every ``example`` and ``fixed`` document, so the
documentation cannot drift from the behaviour.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any, ClassVar, Generic, TypeVar

from advisor.model import Fix, Kind, Resource, TaskDefinition


class Hit:
    """A rule's verdict on one spot: a JSON pointer in the document and a message.

    ``severity`` overrides the rule's default where the same mistake is worse in one setting
    (a missing stream prefix is an error on Fargate, a warning elsewhere). ``fix``, where the
    rule can repair the spot, holds the edits and how safe they are; ``--fix`` applies those of
    the hits that survive selection, per-file ignores and the baseline.
    """

    __slots__ = ("evidence", "fix", "message", "pointer", "severity")

    def __init__(
        self,
        pointer: str,
        message: str,
        severity: str | None = None,
        evidence: dict[str, Any] | None = None,
        fix: Fix | None = None,
    ) -> None:
        self.pointer = pointer
        self.message = message
        self.severity = severity
        self.evidence = evidence  # what the finding rests on (history: counts, times, event ids)
        self.fix = fix


class RuleOptions:
    """The settings rules may read, handed to ``check`` (a rule reads nothing else). Made by
    ``Settings.rule_options()``, where the defaults are."""

    __slots__ = ("job_duration", "min_job_stops", "min_service_stops", "mutable_tags")

    def __init__(
        self,
        min_service_stops: int,
        min_job_stops: int,
        job_duration: Decimal | float | None,
        mutable_tags: tuple[str, ...] = (),
    ) -> None:
        self.min_service_stops = min_service_stops
        self.min_job_stops = min_job_stops
        self.job_duration = job_duration  # seconds a job run takes; None: the median observed
        self.mutable_tags = mutable_tags  # image tags the team's own process moves


# The resource type a rule judges: the class of the kinds in its ``applies_to``.
ResourceT = TypeVar("ResourceT", bound=Resource)


class Rule(Generic[ResourceT]):
    """A rule for one type of resource: ``class MutableImageTag(Rule[TaskDefinition])``.

    The engine hands ``check`` only resources of the kinds in ``applies_to``
    (``rules.RULES_BY_KIND``), so ``check`` takes that type. Where the type lives above the rules
    (``CodeScope`` in the Python source, the histories in ``advisor.history.timeline``), it is
    imported for type checking only and named in quotes: ``Rule["CodeScope"]``.
    """

    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[str]
    severity_note: ClassVar[str] = ""  # where a hit's severity differs from the default, when
    applies_to: ClassVar[tuple[Kind, ...]]  # the kinds of resource it judges
    summary: ClassVar[str]
    rationale: ClassVar[str]
    example: ClassVar[str]  # a document that triggers the rule
    fixed: ClassVar[str]  # the same document, fixed
    fix: ClassVar[str]
    fix_safety: ClassVar[str] = "no automatic fix"  # or what --fix does, and why it is safe
    # The controls of other tools it covers ("Security Hub ECS.4", "checkov CKV_AWS_97"), so a
    # team can map its findings to the checks it already runs.
    references: ClassVar[tuple[str, ...]] = ()
    fixable: ClassVar[bool] = False  # whether its hits may carry a fix

    def check(self, resource: ResourceT, options: RuleOptions) -> Iterable[Hit]:
        """The hits on one resource of a kind in ``applies_to``; pure: reads nothing else."""
        raise NotImplementedError

    @classmethod
    def documentation(cls) -> dict[str, Any]:
        return {
            "code": cls.code,
            "name": cls.name,
            "severity": cls.severity,
            **({"severity_note": cls.severity_note} if cls.severity_note else {}),
            "applies_to": [str(kind) for kind in cls.applies_to],
            "summary": cls.summary,
            "rationale": cls.rationale,
            "example": cls.example,
            "fixed": cls.fixed,
            "fix": cls.fix,
            "fix_safety": cls.fix_safety,
            "references": list(cls.references),
        }


def container_hits(resource: TaskDefinition) -> Iterator[tuple[int, dict, str]]:
    """(index, container, name) for each container definition, for per-container rules."""
    for index, container in resource.containers():
        name = container.get("name")
        yield index, container, name if isinstance(name, str) else f"#{index}"
