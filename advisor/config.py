"""Settings: ``[tool.ecs-advisor]`` in pyproject.toml or ``.ecs-advisor.toml``, then the command line.

The nearest directory (from the current one up to the repository root) holding either file wins; within one
directory ``.ecs-advisor.toml`` wins over ``pyproject.toml``, as ``ruff.toml`` does for ruff. A
pyproject.toml without a ``[tool.ecs-advisor]`` table does not count.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from advisor.model import SEVERITY_RANK
from advisor.rules import check_selectors
from advisor.rules.base import RuleOptions
from advisor.suggest import suggest

if TYPE_CHECKING:
    import datetime as dt
    from decimal import Decimal

FAIL_ON_CHOICES = ("error", "warning", "info", "never")
_KNOWN_KEYS = {
    "select",
    "ignore",
    "fail-on",
    "exclude",
    "automation-roles",
    "human-roles",
    "min-service-stops",
    "min-job-stops",
    "mutable-tags",
    "extend-select",
    "extend-ignore",
    "per-file-ignores",
}


# Docker's tag grammar: what may follow the ':' of an image reference.
_IMAGE_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")


class ConfigError(Exception):
    """A configuration or usage mistake: reported in one line, exit code 2."""


class Settings:
    """The effective settings of one run."""

    def __init__(self) -> None:
        self.select: list[str] | None = None  # None: every rule
        self.ignore: list[str] = []
        self.fail_on = "warning"
        self.exclude: list[str] = []
        self.root = Path.cwd()  # what exclude patterns are relative to
        self.automation_roles: list[str] = []  # history: role/user/session globs that are machines
        self.human_roles: list[str] = []  # ... and that are people
        self.min_service_stops = 3
        self.min_job_stops = 2
        self.mutable_tags: list[str] = []  # image tags that move, beyond the conventional ones
        self.extend_select: list[str] = []  # added to select (ruff's meaning)
        self.extend_ignore: list[str] = []  # added to ignore
        self.per_file_ignores: dict[str, list[str]] = {}  # glob -> selectors
        self.source: Path | None = None  # the configuration file read, if any
        # History and audit windows, from --since/--until (None: all the records given).
        self.since: dt.datetime | None = None
        self.until: dt.datetime | None = None
        self.job_duration: Decimal | None = None  # --job-duration, seconds; else the median run
        self.cost_region: str | None = None  # lint --cost: price services in this region

    def rule_options(self) -> RuleOptions:
        """What the rules may read of the settings."""
        return RuleOptions(
            self.min_service_stops,
            self.min_job_stops,
            self.job_duration,
            tuple(self.mutable_tags),
        )

    def fail_threshold(self) -> int | None:
        """The lowest severity rank that fails the run, or None for never."""
        return None if self.fail_on == "never" else SEVERITY_RANK[self.fail_on]


def find_config_file(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest configuration file and its ecs-advisor table.

    The search stops at the repository root (a folder holding ``.git``), so a stray file in a
    home directory cannot change a repository's results.
    """
    for folder in (start, *start.parents):
        dedicated = folder / ".ecs-advisor.toml"
        if dedicated.is_file():
            return dedicated, _dedicated_table(_read_toml(dedicated))
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            table = _read_toml(pyproject).get("tool", {}).get("ecs-advisor")
            if table is not None:
                return pyproject, table
        if (folder / ".git").exists():
            break
    return None


def _dedicated_table(table: dict[str, Any]) -> dict[str, Any]:
    """.ecs-advisor.toml holds the keys at top level; a [tool.ecs-advisor] table works too."""
    if set(table) == {"tool"} and "ecs-advisor" in table["tool"]:
        return table["tool"]["ecs-advisor"]
    return table


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib  # only when there is a file to read

    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None


def _string_list(path: Path, key: str, value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ConfigError(f"{path}: {key} must be a list of strings")


def load_settings(start: Path | None = None) -> Settings:
    """Settings from the nearest configuration file above ``start`` (default: here)."""
    found = find_config_file((start or Path.cwd()).resolve())
    if found is None:
        return Settings()
    return settings_from_table(*found)


def load_settings_file(path: Path) -> Settings:
    """Settings from one named file (``--config``), wherever it is."""
    if not path.is_file():
        raise ConfigError(f"{path}: no such configuration file")
    table = _read_toml(path)
    if path.name == "pyproject.toml":
        table = table.get("tool", {}).get("ecs-advisor", {})
    else:
        table = _dedicated_table(table)
    return settings_from_table(path.resolve(), table)


def checked_selectors(selectors: list[str], where: str) -> list[str]:
    try:
        check_selectors(selectors, where)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    return selectors


def settings_from_table(path: Path, table: dict[str, Any]) -> Settings:
    settings = Settings()
    settings.source = path
    settings.root = path.parent
    for key, value in table.items():
        if key not in _KNOWN_KEYS:
            guess = suggest(key, _KNOWN_KEYS)
            hint = f"; did you mean {guess!r}?" if guess else ""
            raise ConfigError(f"{path}: unknown setting {key!r}{hint}")
        if key == "fail-on":
            if value not in FAIL_ON_CHOICES:
                raise ConfigError(f"{path}: fail-on must be one of {', '.join(FAIL_ON_CHOICES)}")
            settings.fail_on = value
        elif key == "select":
            settings.select = checked_selectors(_string_list(path, key, value), f"{path}: select")
        elif key == "ignore":
            settings.ignore = _string_list(path, key, value)
            if settings.ignore:
                checked_selectors(settings.ignore, f"{path}: ignore")
        elif key == "exclude":
            settings.exclude = _string_list(path, key, value)
        elif key in ("extend-select", "extend-ignore"):
            where = f"{path}: {key}"
            setattr(
                settings,
                key.replace("-", "_"),
                checked_selectors(_string_list(path, key, value), where),
            )
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                raise ConfigError(f"{path}: per-file-ignores must be a table of glob = [rules]")
            settings.per_file_ignores = {
                glob: checked_selectors(
                    _string_list(path, key, rules), f"{path}: per-file-ignores {glob!r}"
                )
                for glob, rules in value.items()
            }
        elif key in ("automation-roles", "human-roles"):
            setattr(settings, key.replace("-", "_"), _string_list(path, key, value))
        elif key == "mutable-tags":
            tags = _string_list(path, key, value)
            bad = [tag for tag in tags if not _IMAGE_TAG.fullmatch(tag)]
            if bad:
                raise ConfigError(
                    f"{path}: mutable-tags holds {bad[0]!r}, which is not an image tag "
                    "(letters, digits, '_', '.', '-'; no ':' or '@')"
                )
            settings.mutable_tags = tags
        elif key in ("min-service-stops", "min-job-stops"):
            if type(value) is not int or value < 1:
                raise ConfigError(f"{path}: {key} must be a whole number of at least 1")
            setattr(settings, key.replace("-", "_"), value)
    return settings
