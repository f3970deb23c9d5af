"""The fix for Python code: ask a boto3 ``run_task`` call for ECS managed tags, with libcst.

The call gets ``enableECSManagedTags=True`` (and ``propagateTags="TASK_DEFINITION"`` unless it
says otherwise), spaced as the call already spaces its arguments, so comments, quotes and layout
stay exactly as they were. The result is one edit covering only what changed.
"""

from __future__ import annotations

from typing import Any

import libcst as cst

from advisor.model import Edit


def _tagged(call: cst.Call, module: cst.Module) -> cst.Call | None:
    """The call with the tags added, or None where a person should decide."""
    if not call.args or not (
        isinstance(call.func, cst.Attribute) and call.func.attr.value == "run_task"
    ):
        return None
    call_code = module.code_for_node(call)
    last_value = module.code_for_node(call.args[-1].value)
    if "#" in call_code[call_code.rfind(last_value) + len(last_value) :]:
        return None  # a comment after the last argument: leave the layout to a person
    present = {a.keyword.value for a in call.args if a.keyword is not None}
    if any(a.star == "**" for a in call.args) or "enableECSManagedTags" in present:
        return None
    additions: list[tuple[str, cst.BaseExpression]] = [("enableECSManagedTags", cst.Name("True"))]
    if "propagateTags" not in present:
        additions.append(("propagateTags", cst.SimpleString('"TASK_DEFINITION"')))
    args = list(call.args)
    if len(args) == 1 and isinstance(args[0].value, cst.GeneratorExp) and not args[0].value.lpar:
        # f(x for x in y) is a call's only argument: with more, it needs its own brackets
        gen = args[0].value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        args[0] = args[0].with_changes(value=gen)
    last = args[-1]
    trailing = last.comma  # a trailing comma (and its line break) stays the last one's
    # Between arguments, the spacing the call already uses between them: a line break and the
    # argument indentation in a call laid out one argument a line (without comments).
    between = args[-2].comma if len(args) > 1 else trailing
    separator = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    if isinstance(between, cst.Comma):
        spacing = between.whitespace_after
        if isinstance(spacing, cst.ParenthesizedWhitespace):
            spacing = spacing.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=[])
        separator = between.with_changes(whitespace_after=spacing)
    # Without a trailing comma, the space or line break before ")" belongs to the last argument:
    # it moves to the new last one, so the new comma follows the old value directly.
    closing = last.whitespace_after_arg
    args[-1] = last.with_changes(comma=separator, whitespace_after_arg=cst.SimpleWhitespace(""))
    for index, (name, value) in enumerate(additions):
        final = index == len(additions) - 1
        args.append(
            cst.Arg(
                keyword=cst.Name(name),
                value=value,
                equal=cst.AssignEqual(
                    whitespace_before=cst.SimpleWhitespace(""),
                    whitespace_after=cst.SimpleWhitespace(""),
                ),
                comma=trailing if final else separator,
                whitespace_after_arg=closing if final else cst.SimpleWhitespace(""),
            )
        )
    return call.with_changes(args=args)


class _Replace(cst.CSTTransformer):
    def __init__(self, target: cst.Call, module: cst.Module) -> None:
        self.target = target
        self.module = module

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if original is not self.target:
            return updated
        return _tagged(updated, self.module) or updated


def managed_tags_edit(module: cst.Module, call: Any) -> Edit | None:
    """The smallest edit of the module's text that tags this one call (None: nothing to do)."""
    old = module.code
    new = module.visit(_Replace(call, module)).code
    if new == old:
        return None
    start = 0
    while start < len(old) and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old, end_new = end_old - 1, end_new - 1
    return Edit(start, end_old, new[start:end_new])
