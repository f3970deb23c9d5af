"""Credentials written into a container's command line, where anyone can read them."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator

from advisor.model import ERROR, Kind, TaskDefinition
from advisor.rules.base import Hit, Rule, RuleOptions, container_hits
from advisor.rules.containers import is_secret_name, looks_like_credential
from advisor.values import has_placeholder, is_unknown, text_of

_TASK = """{{
  "family": "db-migrate",
  "requiresCompatibilities": ["FARGATE"],
  "networkMode": "awsvpc",
  "cpu": "256",
  "memory": "512",
  "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
  "containerDefinitions": [
    {{
      "name": "migrate",
      "image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop-migrations:1.8.0",
      "command": {command},{secrets}
      "logConfiguration": {{
        "logDriver": "awslogs",
        "options": {{
          "awslogs-group": "/ecs/db-migrate",
          "awslogs-region": "eu-west-1",
          "awslogs-stream-prefix": "migrate"
        }}
      }}
    }}
  ]
}}"""

# Tokens that end one command of a shell line and start the next.
_SEPARATORS = {"&&", "||", ";", "|"}
# The MySQL clients read `--password` with no `=` as "ask me", so what follows is not a password.
_MYSQL_CLIENTS = {"mysql", "mysqldump", "mysqladmin", "mysqlimport", "mariadb", "mariadb-dump"}
_USER_FLAG = re.compile(r"^(-u\S*|--user(=.*)?)$")
# mysql's -pSECRET: the password glued to -p. Ports and paths (-p3306, -p8080:80) are not.
_GLUED_P = re.compile(r"^-p(?P<value>.+)$")
_NOT_A_PASSWORD = re.compile(r"^[\d:./-]+$")
# Words documentation writes where the reader puts their own password.
_SAMPLE_WORDS = {"password", "passwd", "secret", "changeme", "redacted", "<password>", "..."}


def _tokens(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:  # an unbalanced quote: still words
        return text.split()


def _is_literal(value: str) -> bool:
    """A value written out, not a reference (``$DB_PASSWORD``, ``$(cat /run/secrets/db)``), a
    placeholder, or a sample word."""
    return (
        bool(value)
        and "$" not in value
        and not has_placeholder(value)
        and value.lower() not in _SAMPLE_WORDS
        and not set(value) <= {"*", "x", "X"}
    )


def _flag_name(token: str) -> str | None:
    """``db-password`` of ``--db-password`` (or ``--db-password=...``); None for anything else."""
    if not token.startswith("--") or len(token) < 3:
        return None
    return token[2:].split("=", 1)[0]


def credential_uses(words: list[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    """(item, how) for each credential a command line passes: ``words`` are its words with the
    index of the item each comes from (an exec-form item is one word, a shell line many)."""
    segment: list[str] = []  # the words of the current command, up to a separator
    for position, (item, word) in enumerate(words):
        if word in _SEPARATORS:
            segment = []
            continue
        following_item, following = words[position + 1] if position + 1 < len(words) else (0, "")
        # The program may sit behind a wrapper (``sh -c``, ``exec``, ``env``): any word counts.
        mysql = any(w.rsplit("/", 1)[-1] in _MYSQL_CLIENTS for w in segment)
        flag = _flag_name(word)
        if flag is not None and is_secret_name(flag):
            if "=" in word:
                if _is_literal(word.split("=", 1)[1]):
                    yield item, f"a --{flag}=... option"
            elif (
                not mysql
                and following not in _SEPARATORS
                and not following.startswith("-")
                and _is_literal(following)
            ):
                yield following_item, f"a --{flag} option"
        elif (glued := _GLUED_P.match(word)) and any(_USER_FLAG.match(w) for w in segment):
            value = glued.group("value")
            if not _NOT_A_PASSWORD.match(value) and _is_literal(value):
                yield item, "a -p password after a user flag"
        elif "$" not in word and looks_like_credential(word):
            in_url = re.search(r"://[^/\s:@]*:[^/\s@]+@", word)
            yield item, "a password in a URL" if in_url else "a value shaped like a credential"
        segment.append(word)


def command_words(items: list) -> list[tuple[int, str]]:
    """The words of a ``command`` or ``entryPoint`` list, each with its item's index. An item a
    program computes stands as one word that is never a literal."""
    words: list[tuple[int, str]] = []
    for index, item in enumerate(items):
        text = text_of(item)
        if text is None or (is_unknown(item) and not has_placeholder(text)):
            words.append((index, "$UNKNOWN"))
            continue
        words.extend((index, word) for word in _tokens(text))
    return words


class SecretInCommand(Rule[TaskDefinition]):
    code = "ECS403"
    name = "secret-in-command"
    severity = ERROR
    applies_to = (Kind.TASK_DEFINITION,)
    summary = (
        "A container's `command` or `entryPoint` passes a password, token or key in plain text."
    )
    rationale = (
        "A command line is part of the task definition: anyone with "
        "`ecs:DescribeTaskDefinition` reads it, it is in the console, in CloudTrail, in every "
        "copy of the file, and inside the task in `ps` output and `/proc/*/cmdline`. The rule "
        "reads `command` and `entryPoint`, shell lines (`sh -c ...`) included, for "
        "`--password=...` and `--password VALUE` style options (any option whose name ends in a "
        "secret noun, as for `secret-in-environment`), mysql's `-pSECRET` after a user flag, "
        "URLs with `user:password@`, and values shaped like credentials (AWS access keys, "
        "GitHub, Slack and Stripe tokens). References the shell or a template fills in "
        "(`$DB_PASSWORD`, `${PASSWORD}`, `$(cat /run/secrets/db)`, `<password>`) are not "
        "credentials, and neither is mysql's bare `--password` or `-p`, which prompt. The finding "
        "names the container and the position, never the value. "
        "An error: the value is exposed from the moment the file is committed, whatever happens next."
    )
    example = _TASK.format(
        command='["sh", "-c", "mysql -h db.internal -u migrator -pW1nter-2024 shop < /sql/up.sql"]',
        secrets="",
    )
    fixed = _TASK.format(
        command='["sh", "-c", "mysql -h db.internal -u migrator -p\\"$DB_PASSWORD\\" shop < /sql/up.sql"]',
        secrets=(
            '\n      "secrets": [{"name": "DB_PASSWORD", "valueFrom": '
            '"arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/migrator"}],'
        ),
    )
    fix = (
        "Pass the credential as an environment variable from `secrets` (Secrets Manager or SSM "
        "Parameter Store, `valueFrom`) and refer to it in the command (`$DB_PASSWORD`), or let the "
        "program read it from the environment (`MYSQL_PWD`, `PGPASSWORD`); then rotate it, since "
        "it has been exposed."
    )

    def check(self, resource: TaskDefinition, options: RuleOptions) -> Iterator[Hit]:
        for index, container, name in container_hits(resource):
            for field in ("entryPoint", "command"):
                items = container.get(field)
                if not isinstance(items, list):
                    continue
                reported: set[int] = set()  # one finding an item: the value, not its count
                for item, how in credential_uses(command_words(items)):
                    if item in reported:
                        continue
                    reported.add(item)
                    yield Hit(
                        resource.at("containerDefinitions", index, field, item),
                        f"container {name!r} {field}[{item}] passes a credential on the "
                        f"command line ({how}); take it from secrets instead",
                    )
