"""Is ``lint`` no slower than it was? Two source trees of ecs-advisor, measured in one run.

    python benchmarks/revisions.py OLD_TREE NEW_TREE [--repeat N] [--files N]

Each tree is a checkout of this repository (``git worktree add /tmp/old <commit>``); both run
with this interpreter (the same installed dependencies), with ``PYTHONPATH`` set to the tree, so
only our code differs. Figures, each the median over ``--repeat`` alternating pairs of runs:

1. start-up: ``python -m advisor lint FILE`` on one clean task definition;
2. throughput: ``python -m advisor lint DIR`` over ``--files`` generated task definitions (the
   shapes of ``lint_speed.py``, mistakes included), and a ``--corpus`` of real files if given.

It prints milliseconds and the new/old ratio (below 1: faster); it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lint_speed import corpus_texts, generated_document, write_many


def _seconds(tree: Path, args: list[str], cache: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONPYCACHEPREFIX": str(cache / tree.name)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "advisor", "lint", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )
    return time.perf_counter() - start


def _figure(name: str, old: Path, new: Path, args: list[str], repeat: int, cache: Path) -> None:
    for tree in (old, new):  # warm-up: bytecode caches
        _seconds(tree, args, cache)
    pairs = [(_seconds(old, args, cache), _seconds(new, args, cache)) for _ in range(repeat)]
    old_ms = statistics.median(p[0] for p in pairs) * 1000
    new_ms = statistics.median(p[1] for p in pairs) * 1000
    ratio = statistics.median(p[1] / p[0] for p in pairs)
    print(f"{name:<34} old {old_ms:8.1f} ms   new {new_ms:8.1f} ms   new/old {ratio:5.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--corpus", type=Path)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        one = root / "one.json"
        one.write_text(json.dumps(generated_document(0), indent=2))
        many = root / "many"
        write_many(many, options.files, None)
        cache = root / "pycache"
        print(f"Python {sys.version.split()[0]}, {os.cpu_count()} cores, {options.repeat} pairs")
        _figure("1. start-up, one file", options.old, options.new, [str(one)],
                options.repeat, cache)  # fmt: skip
        _figure(f"2. {options.files} generated files", options.old, options.new, [str(many)],
                options.repeat, cache)  # fmt: skip
        if options.corpus:
            real = root / "real-files"
            write_many(real, options.files, corpus_texts(options.corpus))
            _figure(f"3. {options.files} corpus files", options.old, options.new, [str(real)],
                    options.repeat, cache)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
