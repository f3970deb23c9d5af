"""Values that are never printed: what a diff shows of the lines around a fix.

``lint --fix --diff`` prints lines of the user's files. Any of them can hold a secret's value, so
before a line is printed every value that may be one is replaced by ``<hidden>``:

- everything under a key that holds secrets or configuration values: ``environment``,
  ``environmentFiles``, ``secrets``, ``options`` (log and FireLens options), ``secretOptions``,
  ``dockerLabels``, ``repositoryCredentials``, ``overrides`` (RunTask), ``driverOpts`` (volume
  drivers take passwords), ``command`` and ``entryPoint`` (a command line may carry a password,
  as secret-in-command reports), and their snake_case spellings in Python (``docker_labels=...``);
  except the ``name`` of a list item (``{"name": "DB_PASSWORD", "value": <hidden>}``), which is a
  name, not a value;
- the value of any key, keyword argument or variable whose name says it is a secret
  (``password``, ``DB_PASSWORD = "..."``, ``apiKey``), the same test secret-in-environment uses;
- any string shaped like a credential (AWS access keys, private keys, passwords in URLs).

Keys, names, punctuation and layout stay, so a reviewer still reads which member a line holds.
JSON files are scanned token by token (the way ``jsonpos`` does); Python files are walked with
libcst. A file that does not parse is never fixed, so never diffed; were one given, every line of
an invalid JSON file, and every string and number literal of invalid Python, would be hidden.
"""

from __future__ import annotations

import json
import re
from typing import Any

from advisor.jsonpos import _TOKEN
from advisor.rules.containers import is_secret_name, looks_like_credential

HIDDEN = "<hidden>"

# Keys whose whole value is hidden, compared lower case without separators (docker_labels too).
SENSITIVE_KEYS = frozenset(
    {
        "environment",
        "environmentfiles",
        "secrets",
        "options",
        "secretoptions",
        "dockerlabels",
        "repositorycredentials",
        "overrides",
        "driveropts",
        "command",
        "entrypoint",
    }
)
_NOT_LETTERS = re.compile(r"[^a-z]")


def is_sensitive_key(key: str) -> bool:
    """Whether everything under this key (or keyword, or variable) is hidden."""
    return _NOT_LETTERS.sub("", key.lower()) in SENSITIVE_KEYS or is_secret_name(key)


def hidden_lines(path: str, text: str) -> list[str]:
    """``text.splitlines(keepends=True)`` with every value that may be a secret replaced by
    ``<hidden>``: as many lines, in the same order, so they stand in for the real ones."""
    bom = 1 if text.startswith("\ufeff") else 0
    body = text[bom:]
    if path.endswith(".py"):
        spans = _python_spans(body)
    else:
        try:
            json.loads(body)
        except ValueError:  # a string's end cannot be trusted: nothing is shown
            spans = [(0, len(body))]
        else:
            spans = _json_spans(body)
    return _mask(text, [(start + bom, end + bom) for start, end in spans])


def _mask(text: str, spans: list[tuple[int, int]]) -> list[str]:
    """The lines of ``text``; inside each span, its first line shows ``<hidden>`` and the rest of
    it is left out (line breaks stay, so the line count never changes)."""
    spans = sorted(spans)
    lines = []
    offset = 0
    index = 0
    for line in text.splitlines(keepends=True):
        content = line.splitlines()[0] if line.splitlines() else ""
        ending = line[len(content) :]
        start, end = offset, offset + len(content)
        while index < len(spans) and spans[index][1] <= start:
            index += 1
        pieces, cursor = [], start
        for span_start, span_end in spans[index:]:
            if span_start >= end:
                break
            if span_start >= cursor:
                pieces.append(text[cursor:span_start])
                pieces.append(HIDDEN)
            cursor = max(cursor, min(span_end, end))
        pieces.append(text[cursor:end])
        lines.append("".join(pieces) + ending)
        offset += len(line)
    return lines


# --- JSON ------------------------------------------------------------------------------------


def _json_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    # One frame per open container: [is an array, key being read, hidden, is an array item]
    stack: list[list[Any]] = []
    for match in _TOKEN.finditer(text):
        start = match.start(1)
        first = text[start]
        if first == "}" or first == "]":
            if stack:
                stack.pop()
            continue
        if match.group(2) is not None:  # an object key: remember it for its value
            token = match.group(1)
            raw = token[: token.rindex('"') + 1]
            if stack and not stack[-1][0]:
                stack[-1][1] = _json_string(raw)
            continue
        frame = stack[-1] if stack else None
        key = frame[1] if frame is not None and not frame[0] else None
        inherited = frame is not None and frame[2]
        hidden = inherited or (key is not None and is_sensitive_key(key))
        if first == "{" or first == "[":
            stack.append([first == "[", None, hidden, frame is not None and frame[0]])
            continue
        value = match.group(1)
        if hidden:
            if frame is not None and key is not None and key.lower() == "name" and frame[3]:
                continue  # environment[0].name: a list item's name, not a value
            spans.append((start, match.end(1)))
        elif first == '"' and looks_like_credential(_json_string(value)):
            spans.append((start, match.end(1)))
    return spans


def _json_string(raw: str) -> str:
    if "\\" not in raw:
        return raw[1:-1]
    try:
        return json.loads(raw)
    except ValueError:
        return raw[1:-1]


# --- Python ----------------------------------------------------------------------------------


def _python_spans(text: str) -> list[tuple[int, int]]:
    try:
        import libcst as cst

        module = cst.parse_module(text)
    except Exception:  # not valid Python (or no libcst): hide every literal
        return _python_literal_spans(text)
    from libcst.metadata import MetadataWrapper, PositionProvider

    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]

    def offset(position: Any) -> int:
        return starts[position.line - 1] + position.column

    literals = (
        cst.SimpleString,
        cst.ConcatenatedString,
        cst.FormattedString,
        cst.Integer,
        cst.Float,
        cst.Imaginary,
    )

    class Finder(cst.CSTVisitor):
        METADATA_DEPENDENCIES = (PositionProvider,)

        def __init__(self) -> None:
            super().__init__()
            self.depth = 0  # how many hidden subtrees the walk is inside
            self.roots: set[int] = set()  # values whose whole subtree is hidden
            self.keys: set[int] = set()  # dict keys: names, shown
            self.names: set[int] = set()  # "name" of a list item: shown
            self.items: set[int] = set()  # dicts that are list items
            self.spans: list[tuple[int, int]] = []

        def on_visit(self, node: Any) -> bool:
            if id(node) in self.roots:
                self.depth += 1
            if isinstance(node, literals):
                if id(node) in self.keys or id(node) in self.names:
                    return False
                shaped = isinstance(node, cst.SimpleString) and looks_like_credential(
                    _python_string(node)
                )
                if self.depth or shaped:
                    where = self.get_metadata(PositionProvider, node)
                    self.spans.append((offset(where.start), offset(where.end)))
                return False
            return super().on_visit(node)

        def on_leave(self, original_node: Any) -> None:
            if id(original_node) in self.roots:
                self.depth -= 1
            super().on_leave(original_node)

        def visit_Arg(self, node: Any) -> None:
            if node.keyword is not None and is_sensitive_key(node.keyword.value):
                self.roots.add(id(node.value))

        def _items(self, node: Any) -> None:
            for element in node.elements:
                if isinstance(element.value, cst.Dict):
                    self.items.add(id(element.value))

        visit_List = visit_Tuple = visit_Set = _items

        def visit_Dict(self, node: Any) -> None:
            for element in node.elements:
                if not isinstance(element, cst.DictElement):
                    continue
                self.keys.add(id(element.key))
                key = _python_string(element.key)
                if key is None:
                    continue
                if is_sensitive_key(key):
                    self.roots.add(id(element.value))
                elif key.lower() == "name" and id(node) in self.items:
                    self.names.add(id(element.value))

        def _assigned(self, targets: list[Any], value: Any) -> None:
            for target in targets:
                name = target.value if isinstance(target, cst.Name) else None
                if isinstance(target, cst.Attribute):  # self.db_password = ...
                    name = target.attr.value
                elif isinstance(target, cst.Subscript) and len(target.slice) == 1:
                    index = target.slice[0].slice  # env["DB_PASSWORD"] = ...
                    name = _python_string(getattr(index, "value", None))
                if name is not None and is_sensitive_key(name) and value is not None:
                    self.roots.add(id(value))

        def visit_Assign(self, node: Any) -> None:
            self._assigned([t.target for t in node.targets], node.value)

        def visit_AnnAssign(self, node: Any) -> None:
            self._assigned([node.target], node.value)

    finder = Finder()
    MetadataWrapper(module, unsafe_skip_copy=True).visit(finder)
    return finder.spans


def _python_string(node: Any) -> str | None:
    import libcst as cst

    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _python_literal_spans(text: str) -> list[tuple[int, int]]:
    """Every string and number token. What the tokenizer cannot read (an unterminated string)
    is hidden to the end of its line, or, if tokenizing stops, to the end of the text."""
    import io
    import tokenize

    starts = [0] + [m.end() for m in re.finditer("\n", text)]  # how StringIO splits lines
    fstring_start, fstring_end = (
        getattr(tokenize, n, -1) for n in ("FSTRING_START", "FSTRING_END")
    )
    spans = []
    opened: list[int] = []  # f-strings (Python 3.12+ tokenizes their parts)
    last = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            (line, column), (end_line, end_column) = token.start, token.end
            start, end = starts[line - 1] + column, starts[end_line - 1] + end_column
            last = end
            if token.type == fstring_start:
                opened.append(start)
            elif token.type == fstring_end and opened:
                begun = opened.pop()
                if not opened:
                    spans.append((begun, end))
            elif token.type in (tokenize.STRING, tokenize.NUMBER) and not opened:
                spans.append((start, end))
            elif token.type == tokenize.ERRORTOKEN and token.string.strip():
                line_end = text.find("\n", start)
                spans.append((start, len(text) if line_end < 0 else line_end))
    except (tokenize.TokenError, SyntaxError, IndexError):
        rest = text[last:]
        spans.append((last + len(rest) - len(rest.lstrip()), len(text)))
    if opened:
        spans.append((opened[0], len(text)))
    return spans
