"""Fuzz 'ecs-advisor history' for as long as you like (issue 14).

    .venv/bin/python tools/fuzz_history.py --minutes 60 [--seed N] [--out fuzz-failures]

Runs the property test's inputs (tests/history_fuzz.py: real and factory records mutated at any
depth, arbitrary ECS records, every file form, gzip, cut short, windows at the ends of time,
every report format) in rounds of a fresh seed each, until the time is up. Each run must exit
0, 1 or 2 with no internal error, within --deadline seconds, with memory capped at --memory-mib
(an input that gets past the per-file limit dies with MemoryError instead of taking the machine).
A failure is shrunk by hypothesis, its files are written to --out/<seed>/, and the fuzzer stops
with exit 1; exit 0 means every round passed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from history_fuzz import FORMATS, WINDOWS, check, files, run_history
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st


def one_round(round_seed: int, examples: int, deadline: float, out: Path) -> bool:
    failing: dict = {}

    @seed(round_seed)
    @settings(
        max_examples=examples,
        deadline=deadline * 1000,
        database=None,
        suppress_health_check=list(HealthCheck),
        print_blob=True,
    )
    @given(contents=files(), window=WINDOWS, fmt=st.sampled_from(FORMATS))
    def history_holds(contents, window, fmt):
        failing.update(contents=contents, args=["--format", fmt, *window])
        code, out_text, err = run_history(contents, "--format", fmt, *window)
        check(code, out_text, err, fmt)

    try:
        history_holds()
    except Exception as exc:  # hypothesis re-raises the shrunk failure
        folder = out / str(round_seed)
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in failing.get("contents", {}).items():
            (folder / name).write_bytes(data)
        (folder / "args.json").write_text(json.dumps(failing.get("args", [])))
        (folder / "failure.txt").write_text(traceback.format_exc())
        print(f"round {round_seed}: FAILED, inputs in {folder}: {type(exc).__name__}: {exc}")
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--examples", type=int, default=500, help="examples a round")
    parser.add_argument("--deadline", type=float, default=10, help="seconds an example")
    parser.add_argument("--memory-mib", type=int, default=4096)
    parser.add_argument("--out", type=Path, default=Path("fuzz-failures"))
    args = parser.parse_args()
    limit = args.memory_mib << 20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    os.environ.setdefault("ECS_ADVISOR_MAX_FILE_BYTES", str(256 << 20))
    end = time.monotonic() + args.minutes * 60
    round_seed, rounds = args.seed, 0
    while time.monotonic() < end:
        if not one_round(round_seed, args.examples, args.deadline, args.out):
            return 1
        rounds += 1
        print(f"round {round_seed}: {args.examples} examples passed", flush=True)
        round_seed += 1
    print(f"{rounds} rounds, {rounds * args.examples} examples, no failure")
    return 0


if __name__ == "__main__":
    sys.exit(main())
