"""The CLI trains into the store; a run killed with SIGKILL resumes with no lost or repeated step."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from train.launcher import Launcher
from train.limits import RunLimits
from train.store import RunStore

ROOT = Path(__file__).resolve().parent.parent
TINY = ["--data", "sample", "--depth", "8", "--batch-size", "16", "--train-size", "256", "--eval-size", "64",
        "--val-size", "0", "--eval-every", "1000", "--snapshot-every", "1000", "--log-every", "1"]


BACKGROUND = {"data": "sample", "depth": 8, "batch_size": 16, "train_size": 256, "eval_size": 64, "val_size": 0,
              "steps": 100_000, "log_every": 2, "checkpoint_every": 1000, "snapshot_every": 1000, "eval_every": 1000}


def cli(*args: str, home: Path, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "PAPERLAB_HOME": str(home), "OMP_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-m", "train", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=240, **kw)


def wait_for(condition, timeout: float = 120.0) -> None:
    deadline = time.time() + timeout
    while not condition():
        assert time.time() < deadline, "timed out"
        time.sleep(0.2)


def test_cli_lists_recipes_and_trains_on_tiny_data(home):
    assert "plain-vs-residual" in cli("--help", home=home).stdout
    done = cli("resnet", *TINY, "--steps", "12", "--label", "tiny", home=home)
    assert done.returncode == 0, done.stderr
    [run] = RunStore().list_runs()
    assert (run.status, run.step, run.label) == ("done", 12, "tiny")
    assert RunStore().metrics(run.id)["loss"][0] == list(range(1, 13))
    assert RunStore().checkpoints(run.id)[-1].name == "step-000000012.pt"
    assert "done at step 12" in done.stdout + done.stderr


def test_cli_refuses_bad_options_with_a_message(home):
    bad = cli("resnet", "--depth", "21", home=home)
    assert bad.returncode == 2 and "6n+2" in bad.stderr


def test_sigkill_then_resume_loses_and_repeats_nothing(home):
    store = RunStore()
    env = {**os.environ, "PAPERLAB_HOME": str(home), "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "train", "resnet", *TINY, "--steps", "60",
                             "--checkpoint-every", "7", "--quiet"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(lambda: store.list_runs() and store.checkpoints(store.list_runs()[0].id)
             and store.list_runs()[0].step >= 17)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    [run] = store.list_runs()
    assert run.status == "running"  # nobody has told the store yet
    assert store.reconcile() == [run.id] and store.get(run.id).status == "interrupted"

    assert 17 <= run.step < 60
    resumed = cli("--resume", run.id, home=home)
    assert resumed.returncode == 0, resumed.stderr
    steps = store.metrics(run.id)["loss"][0]
    assert steps == list(range(1, 61)) and store.get(run.id).status == "done"


def test_resuming_a_run_another_process_still_trains_is_refused(home):
    """Two processes on one run would interleave its metrics and checkpoints (seen when a resume followed a stop
    while the stopped process was still saving)."""
    store = RunStore()
    env = {**os.environ, "PAPERLAB_HOME": str(home), "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "train", "resnet", *TINY, "--steps", "5000", "--quiet"], cwd=ROOT,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: store.list_runs() and store.list_runs()[0].step >= 2)
        [run] = store.list_runs()
        second = cli("--resume", run.id, home=home)
        assert second.returncode == 1 and f"still training in process {proc.pid}" in second.stderr
        assert (store.get(run.id).status, store.get(run.id).pid) == ("running", proc.pid)  # the first goes on
    finally:
        proc.kill()
        proc.wait()


def test_launcher_runs_cancels_and_resumes_in_the_background(home):
    store = RunStore()
    launch = Launcher(store)
    config = {"data": "sample", "depth": 8, "batch_size": 16, "train_size": 256, "eval_size": 64, "val_size": 0,
              "steps": 2000, "log_every": 2, "checkpoint_every": 1000, "snapshot_every": 1000, "eval_every": 1000}
    run_id = launch.submit("resnet", config, label="bg")
    wait_for(lambda: store.get(run_id).step >= 4)
    launch.cancel(run_id)
    wait_for(lambda: store.get(run_id).status == "cancelled")
    stopped_at = store.get(run_id).step
    assert store.checkpoints(run_id)[-1].name == f"step-{stopped_at:09d}.pt"
    launch.resume(run_id)
    assert store.get(run_id).status in ("running", "queued")
    wait_for(lambda: store.get(run_id).step > stopped_at)
    launch.cancel(run_id)
    wait_for(lambda: store.get(run_id).status == "cancelled")
    steps = store.metrics(run_id)["loss"][0]
    assert steps == sorted(set(steps)) and steps == list(range(2, steps[-1] + 1, 2))


def test_resume_takes_a_compile_mode_for_this_go_only(home, monkeypatch, capsys):
    from train import cli as train_cli

    run_id = RunStore().create_run("resnet", {"depth": 8, "compile": "auto"}, label="on a GPU later")
    seen = []
    monkeypatch.setattr("train.runner.execute", lambda store, rid, listeners, ranks, overrides=None:
                        seen.append((rid, overrides)))
    assert train_cli.main(["--resume", run_id, "--compile", "reduce-overhead", "--quiet"]) == 0
    assert train_cli.main(["--resume", run_id, "--quiet"]) == 0
    assert seen == [(run_id, {"compile": "reduce-overhead"}), (run_id, None)]
    assert RunStore().get(run_id).config["compile"] == "auto"  # the stored recipe is unchanged
    with pytest.raises(SystemExit):
        train_cli.main(["--compile", "off", "resnet", "--depth", "8"])
    assert "goes with --resume" in capsys.readouterr().err


@pytest.mark.parametrize("after_s", [0.0, 0.5])
def test_a_cancel_right_after_the_start_is_a_cancel_not_a_crash(home, after_s):
    """SIGTERM used to land before the runner's handler: the run was recorded as stopped unexpectedly."""
    store = RunStore()
    launch = Launcher(store)
    run_id = launch.submit("resnet", BACKGROUND)
    time.sleep(after_s)  # the process is starting Python, or importing torch
    said = launch.cancel(run_id, wait_s=60)
    run = store.get(run_id)
    assert (said.what, said.status, run.status) == ("stopped", "cancelled", "cancelled"), run.message
    assert "unexpectedly" not in run.message and "resume" in run.message
    launch.resume(run_id)  # the stop request is not left behind for the resumed run
    wait_for(lambda: (launch.tick(), store.get(run_id).step)[1] >= 2)
    said = launch.cancel(run_id, wait_s=60)
    assert said.what == "stopped" and store.get(run_id).status == "cancelled" and said.step >= 2


def test_a_cancel_in_the_queue_or_after_the_end_says_so(home):
    store = RunStore()
    launch = Launcher(store, max_running=0)
    run_id = launch.submit("resnet", BACKGROUND)
    assert launch.cancel(run_id).what == "removed"
    assert store.get(run_id).message == "cancelled while queued, at step 0; resume to continue"
    assert (launch.cancel(run_id).what, launch.cancel(run_id).status) == ("ended", "cancelled")


def test_a_public_run_trains_at_a_lower_cpu_priority_than_the_app(home):
    """On a 2-core Space a training run yields the CPU to the students' clicks (RunLimits.nice); locally it does not.
    Where Linux schedules by session (autogroup), the run's session is niced too: a run starts in a session of its
    own, and a niced process in its own session took as much CPU as the whole app (0.45 of 2 cores in a class)."""
    store = RunStore()
    autogroup = Path("/proc/self/autogroup")

    def niced(limits: RunLimits | None) -> tuple[int, str]:
        launch = Launcher(store, limits=limits)
        run_id = launch.submit("resnet", BACKGROUND)
        wait_for(lambda: (launch.tick(), store.get(run_id).step)[1] >= 1)  # past its start: os.nice has run
        pid = launch.children[run_id].pid
        nice = os.getpriority(os.PRIO_PROCESS, pid) - os.getpriority(os.PRIO_PROCESS, 0)
        group = Path(f"/proc/{pid}/autogroup").read_text().split()[-1] if autogroup.exists() else "-"
        launch.cancel(run_id, wait_s=60)
        return nice, group

    assert niced(RunLimits()) == (RunLimits.nice, str(RunLimits.nice) if autogroup.exists() else "-")
    assert niced(None) == (0, "0" if autogroup.exists() else "-")


@pytest.mark.parametrize("limits, why", [
    (RunLimits(wall_s=1.0), "trained longer than this demo's limit of 0 minutes"),
    (RunLimits(rss_bytes=30 << 20), "of memory, over this demo's limit of 0.0 GB"),
])
def test_the_launcher_stops_a_run_past_its_time_or_memory(home, limits, why):
    """Enforced from outside the training process: ResNet-1202 grew past 12 GB without finishing a step."""
    store = RunStore()
    launch = Launcher(store, limits=limits)
    run_id = launch.submit("resnet", BACKGROUND)
    wait_for(lambda: (launch.tick(), store.get(run_id).status)[1] == "failed")
    assert why in store.get(run_id).message and not launch.children
