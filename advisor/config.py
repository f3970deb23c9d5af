"""Settings: ``[tool.ecs-advisor]`` in pyproject.toml or ``.ecs-advisor.toml``, then the command line.

Each linted file gets the settings of the nearest directory above it (up to the repository root)
holding either file, as ruff does, so the services of a monorepo keep their own; within one
directory ``.ecs-advisor.toml`` wins over ``pyproject.toml``, as ``ruff.toml`` does for ruff. A
pyproject.toml without a ``[tool.ecs-advisor]`` table does not count. A file with no configuration
above it gets the run's: the one above the current directory. ``--config FILE`` replaces discovery.

Per file: rule selection (select, ignore and their extend-), per-file-ignores (globs relative to
their configuration file's folder), mutable-tags and the thresholds rules read. Per run, from the
configuration above the current directory (or ``--config``): fail-on (one exit code), exclude
(discovery), and what only the command line says (baseline, output format). Command-line flags win
over every file: ``--select``/``--ignore`` replace, ``--extend-*`` add.
"""

from __future__ import annotations

import os
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
        self.cost = False  # lint --cost: price the services
        self.cost_region: str | None = None  # --region; None: where each service's files say

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
        found = _config_in(folder)
        if found is not None:
            return found
        if (folder / ".git").exists():
            break
    return None


def _config_in(folder: Path) -> tuple[Path, dict[str, Any]] | None:
    """The configuration file of this folder alone, and its ecs-advisor table."""
    dedicated = folder / ".ecs-advisor.toml"
    if dedicated.is_file():
        return dedicated, _dedicated_table(_read_toml(dedicated))
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file():
        table = _read_toml(pyproject).get("tool", {}).get("ecs-advisor")
        if table is not None:
            return pyproject, table
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


class Overrides:
    """What the command line says about settings a configuration file can also set: it wins."""

    def __init__(self) -> None:
        self.select: list[str] | None = None  # replaces select
        self.ignore: list[str] | None = None  # replaces ignore
        self.extend_select: list[str] = []  # added to the file's
        self.extend_ignore: list[str] = []
        self.fail_on: str | None = None

    def apply(self, settings: Settings) -> Settings:
        if self.select is not None:
            settings.select = self.select
        if self.ignore is not None:
            settings.ignore = self.ignore
        settings.extend_select = [*settings.extend_select, *self.extend_select]
        settings.extend_ignore = [*settings.extend_ignore, *self.extend_ignore]
        if self.fail_on:
            settings.fail_on = self.fail_on
        return settings


class Configs:
    """Each linted file's settings: the nearest configuration above it, the command line on top.

    Looked up once per folder and read once per file, so a thousand files in one folder cost
    one look; a folder without a configuration takes its parent's. Files with none above them,
    up to the repository root, get the run's settings (the configuration above the current
    directory); with ``--config`` every file does.
    """

    def __init__(self, run: Settings, overrides: Overrides, discover: bool = True) -> None:
        self.run = run
        self.overrides = overrides
        self.discover = discover
        self._by_folder: dict[str, Settings] = {}
        self._by_file: dict[Path, Settings] = {}
        if run.source is not None:
            self._by_file[run.source.resolve()] = run
        if discover:  # ``run`` was found from here: the folders it looked at need no second look
            folder = os.getcwd()
            while True:
                self._by_folder[folder] = run
                parent = os.path.dirname(folder)
                if parent == folder or os.path.exists(os.path.join(folder, ".git")):
                    break
                if run.source is not None and folder == os.path.dirname(run.source):
                    break
                folder = parent

    def for_path(self, path: str) -> Settings:
        """The settings of the file at ``path`` (as typed: relative to the current directory)."""
        if not self.discover or path == "-":
            return self.run
        return self._of_folder(os.path.dirname(os.path.abspath(path)))

    def _of_folder(self, folder: str) -> Settings:
        cached = self._by_folder.get(folder)
        if cached is not None:
            return cached
        found = _config_in(Path(folder))
        parent = os.path.dirname(folder)
        if found is not None:
            key = found[0].resolve()
            settings = self._by_file.get(key)
            if settings is None:
                settings = self.overrides.apply(settings_from_table(*found))
                self._by_file[key] = settings
        elif parent == folder or os.path.exists(os.path.join(folder, ".git")):
            settings = self.run
        else:
            settings = self._of_folder(parent)
        self._by_folder[folder] = settings
        return settings
