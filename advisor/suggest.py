"""'Did you mean': the closest known name to a misspelt one (settings, fields, regions)."""

from __future__ import annotations

from collections.abc import Collection


def suggest(word: str, candidates: Collection[str]) -> str | None:
    """The closest candidate to a misspelt word, if one is close enough."""
    lowered = {c.lower(): c for c in candidates}
    if word.lower() in lowered:
        return lowered[word.lower()]
    import difflib  # only needed when something is misspelt

    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return close[0] if close else None
