"""Reports: turn a LintResult into text for a person or JSON for a program."""
