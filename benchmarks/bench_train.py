"""Training time and peak memory on the shared listings, through the real CLI.

    .venv/bin/python benchmarks/bench_train.py

Runs `arxivbot train` on the three seed lists and every shared listing twice: as shipped
(negatives stop at the lists' latest paper) and with --all-listings (all 78k papers are
negatives: the worst case). Target (issue 4): ≤ 60 s and ≤ 1 GB peak memory.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from pathlib import Path

from common import ABSTRACTS, LISTINGS, PYTHON, require_shared, seed_lists


def run(extra: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        command = [PYTHON, "-m", "arxivbot", "train", "--listings", str(LISTINGS),
                   "--abstracts", str(ABSTRACTS), "--no-api",
                   "--out", str(Path(folder) / "model.json"), *extra]
        for seed in seed_lists():
            command += ["--list", str(seed)]
        # Each run in its own `time -f` wrapper, so its own peak memory is measured.
        wrapped = ["/usr/bin/time", "-f", "%M", *command]
        start = time.perf_counter()
        result = subprocess.run(wrapped, check=True, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        peak_mb = int(result.stderr.strip().splitlines()[-1]) / 1024
        summary = result.stdout.splitlines()[0]
        label = " ".join(extra) or "default"
        print(f"train ({label}): {seconds:.1f} s, peak memory {peak_mb:.0f} MB — {summary}")


def main() -> None:
    require_shared()
    run([])
    run(["--all-listings"])


if __name__ == "__main__":
    main()
