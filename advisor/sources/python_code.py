"""ECS calls in Python code, read with libcst: boto3 ECS clients and AWS CDK (``aws_cdk.aws_ecs``).

A file that never mentions ECS is passed over before it is parsed, and libcst is imported only
when a file does. What becomes a resource:
- an ECS client's ``run_task(...)`` -> a ``run-task`` resource, the same the history builds;
- every function's (and the module's) ECS calls -> a ``python-code`` resource, for the rules on
  stopping tasks the code started and scaling services to zero;
- CDK ``FargateTaskDefinition``/``Ec2TaskDefinition``/``TaskDefinition`` (with
  ``add_container``) -> a task definition; ``FargateService``/``Ec2Service`` -> a service;
- CDK ``aws_ecs_patterns`` (``ApplicationLoadBalancedFargateService``,
  ``NetworkLoadBalancedFargateService``, ``QueueProcessingFargateService``) -> the task
  definition they create and their service; ``ScheduledFargateTask`` -> its task definition and
  the ``run-task`` its EventBridge rule makes (``python_cdk`` has CDK's defaults).
Only names bound to ``boto3.client("ecs")``, ``session.client("ecs")`` or
``boto3.Session().client("ecs")`` are ECS clients: a ``run_task`` on anything else is not ECS.
Values that cannot be known statically (``**kwargs``, variables) are never guessed: they become
``Unknown`` values the rules leave alone.

The walk is ``python_visitor``; the document and resource types it makes are
``python_resources``, which both import (so neither imports the other).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from typing import Any

from advisor.model import InputError, Resource
from advisor.sources.python_resources import PythonDocument
from advisor.sources.registry import InputFailure, NotRecognized, read_files

_MENTIONS_ECS = re.compile(r"""["']ecs["']|aws_ecs""")
# ... and calls something the rules read: only such files are parsed.
_MENTIONS_CALLS = re.compile(
    r"run_task|stop_task|update_service|TaskDefinition|FargateService|Ec2Service"
    r"|ScheduledFargateTask"
)
# libcst's native parser overflows its stack on brackets nested a few thousand deep and kills
# the process (SIGSEGV), and takes quadratic time on long operator chains (``1+1+...``: 4,000
# terms took 8 s). CPython's parser refuses the first and cannot build the second past a depth,
# cheaply, so it reads each file first: what it refuses for depth is an input error, and an
# expression nested deeper than any hand-written one is not handed to libcst.
_MOST_DEPTH = 300
# Larger than any hand-written module: parsing it would take minutes (libcst reads ~1 MB/s).
_MOST_BYTES = 4 * 1024 * 1024


def load(path: str, display: str, named: bool) -> tuple[PythonDocument, list[Any]]:
    if path == "-":
        raw = sys.stdin.buffer.read()
    else:
        with open(path, "rb") as handle:
            raw = handle.read()
    if b"\x00" in raw[:8192]:
        if named:
            raise InputFailure(InputError(display, "binary file: expected Python source"))
        raise NotRecognized("binary")
    text = _decode(raw, display)
    if not _MENTIONS_ECS.search(text) or not _MENTIONS_CALLS.search(text):
        raise NotRecognized("no ECS calls")
    if len(raw) > _MOST_BYTES:
        message = f"Python file larger than {_MOST_BYTES // (1024 * 1024)} MB: not read"
        raise InputFailure(InputError(display, message))
    _refuse_deep(text, display)
    import libcst as cst

    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        message, line, column = _syntax_error(text, display, exc)
        raise InputFailure(
            InputError(display, f"invalid Python: {message}", line, column)
        ) from None
    except cst.CSTValidationError as exc:  # parses, but cannot run (``"a" b"b"``)
        message, line, column = _syntax_error(text, display, exc)
        raise InputFailure(
            InputError(display, f"invalid Python: {message}", line, column)
        ) from None
    except RecursionError:
        raise InputFailure(InputError(display, "Python nested too deeply for the parser")) from None
    from advisor.sources.python_visitor import collect

    document = PythonDocument(display, text)
    document.module = module
    try:
        resources = collect(module, document)
    except RecursionError:
        raise InputFailure(InputError(display, "Python nested too deeply for the parser")) from None
    if not resources:
        raise NotRecognized("no ECS calls")
    return document, resources


def _decode(raw: bytes, display: str) -> str:
    """The source text, in the encoding its PEP 263 line declares (UTF-8 by default)."""
    import io
    import tokenize

    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
        return raw.decode(encoding)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        raise NotRecognized("not Python source in UTF-8 or its declared encoding") from None


def _refuse_deep(text: str, display: str) -> None:
    """Raise an input error for text nested too deeply to hand to libcst (see _MOST_DEPTH).

    Other syntax errors are left to libcst, which reads syntax newer than this Python's."""
    import ast

    try:
        tree = ast.parse(text, display)
    except SyntaxError as error:
        if error.msg.startswith("too many nested"):
            message = f"invalid Python: {error.msg}"
            raise InputFailure(InputError(display, message, error.lineno, error.offset)) from None
        return
    except (RecursionError, MemoryError):
        raise InputFailure(InputError(display, "Python nested too deeply for the parser")) from None
    except ValueError:  # a NUL byte: libcst reports it
        return
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]  # iterative: depth is what is in question
    while stack:
        node, depth = stack.pop()
        if depth > _MOST_DEPTH:
            line = getattr(node, "lineno", None)
            message = f"Python nested more than {_MOST_DEPTH} deep: not read"
            raise InputFailure(InputError(display, message, line))
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


def _syntax_error(text: str, display: str, exc: Any) -> tuple[str, int, int]:
    """Where a syntax error is, and what: libcst's native parser reports the token it stopped
    at, often lines after the mistake (an unclosed bracket is reported at the end of the file),
    so ask CPython's parser, which points at the mistake itself."""
    import ast

    try:
        ast.parse(text, display)
    except SyntaxError as error:
        if error.lineno is not None:
            return error.msg, error.lineno, error.offset or 1
    except (ValueError, RecursionError, MemoryError):
        pass
    # CPython accepts it (libcst does not know some newer syntax): libcst's own account.
    if not hasattr(exc, "message"):  # a CSTValidationError has no position
        return str(exc), 1, 1
    where = re.search(r"error at (\d+):(\d+)", exc.message)
    line, column = (int(where[1]), int(where[2])) if where else (exc.editor_line, exc.editor_column)
    return re.sub(r"^parser error: error at \d+:\d+: ", "", exc.message), line, column


def read(candidates: list[Any], context: Any) -> Iterator[Resource]:
    """The source's door (``advisor.sources.registry``): the ECS calls of each file."""
    return read_files(candidates, context, load)
