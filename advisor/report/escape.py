"""Escaping of names and messages per output format: a task definition can name a container
``"\\x1b[31m..."`` or ``"a|b\\nc"``, and no report may let that paint a terminal, split a
Markdown row or make JUnit XML that a CI server cannot read.

Control characters (C0 but the ones each format keeps, DEL, C1) and lone surrogates are written
as Python writes them in a string literal (``\\x1b``, ``\\n``, ``\\ud800``): visible, and the
same in every format.
"""

from __future__ import annotations

import re

# C0 controls, DEL, C1 controls, lone surrogates: never printed raw.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# What XML 1.0 cannot hold even as a character reference (its Char production), besides the
# controls above: U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _visible(match: re.Match[str]) -> str:
    if match[0] in _SHORT:
        return _SHORT[match[0]]
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal(text: str) -> str:
    """One line of plain text: every control character (line breaks and escapes included)
    shown, never sent to the terminal."""
    return _CONTROL.sub(_visible, text)


def xml_text(text: str) -> str:
    """Text XML 1.0 can hold (before ``&``/``<`` escaping): characters it forbids shown."""
    return _NOT_XML.sub(_visible, text)


def markdown_cell(text: str) -> str:
    """One cell of a GitHub table: on one line, its ``|`` not a column break."""
    return terminal(text).replace("|", "\\|")
