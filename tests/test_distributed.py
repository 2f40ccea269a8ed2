"""Under torchrun, two CPU processes (gloo) train one run: same steps as one process, logged once, and it learns."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from train.store import RunStore

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["resnet", "--data", "sample", "--depth", "8", "--batch-size", "32", "--train-size", "64", "--steps", "24",
        "--augment", "none", "--lr", "0.05", "--schedule", "constant", "--val-size", "0", "--eval-size", "64",
        "--log-every", "1", "--eval-every", "24", "--checkpoint-every", "12", "--quiet"]


def train(home: Path, *launcher: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PAPERLAB_HOME": str(home), "OMP_NUM_THREADS": "1"}
    return subprocess.run([*launcher, *ARGS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_two_gloo_processes_match_one(tmp_path):
    single = train(tmp_path / "one", sys.executable, "-m", "train")
    assert single.returncode == 0, single.stderr[-2000:]
    double = train(tmp_path / "two", sys.executable, "-m", "torch.distributed.run", "--standalone",
                   "--nproc_per_node=2", "-m", "train")
    assert double.returncode == 0, double.stderr[-3000:]
    results = []
    for name in ("one", "two"):
        store = RunStore(tmp_path / name)
        [run] = store.list_runs()  # rank 1 created no second record
        loss_steps, losses = store.metrics(run.id)["loss"]
        assert run.status == "done" and loss_steps == list(range(1, 25))
        assert [p.name for p in store.checkpoints(run.id)] == ["step-000000012.pt", "step-000000024.pt"]
        results.append(losses)
    for losses in results:  # it learns: the last steps' loss is well below the first steps'
        assert sum(losses[-4:]) < 0.8 * sum(losses[:4])
