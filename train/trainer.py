"""The training loop: one flat loop, observable through events, resumable at any checkpoint.

A task (an image classifier, a translator) supplies the model, the batches, the loss and the
evaluation; the loop owns the optimiser, the schedule, autocast, logging, checkpoints and
stopping, so every recipe gets all of them in the same way. Listeners receive plain numbers
and arrays: the CLI draws a progress bar, the run store records, the UI reads the store.
"""
from __future__ import annotations

import math
import time
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import torch
from torch import nn

from train.checkpoint import save_checkpoint, unwrap
from train.config import TrainConfig
from train.runtime import Dist, autocast, sum_across_ranks
from train.schedules import WARMUP_FACTOR, build_optimizer, lr_factor


class Task(Protocol):
    """What a recipe gives the loop."""

    model: nn.Module
    throughput_name: str  # e.g. "images_per_s"

    def batches(self, start_step: int) -> Iterator[Any]: ...
    def train_loss(self, model: nn.Module, batch: Any) -> tuple[torch.Tensor, dict[str, torch.Tensor]]: ...
    def train_metrics(self, sums: dict[str, float]) -> dict[str, float]: ...
    def evaluate(self, model: nn.Module) -> dict[str, float]: ...
    def snapshots(self, model: nn.Module) -> dict[str, np.ndarray]: ...


class Listener:
    """Receives a run's events; override what you need."""

    def on_start(self, step: int, total: int) -> None: ...
    def on_metrics(self, step: int, values: dict[str, float]) -> None: ...
    def on_snapshot(self, step: int, name: str, array: np.ndarray) -> None: ...
    def on_checkpoint(self, step: int, path: Path) -> None: ...
    def on_end(self, step: int, status: str) -> None: ...


def compile_mode(setting: str, device: torch.device) -> str | None:
    """torch.compile mode for a config's `compile` setting; 'auto' compiles only where it pays.

    On CUDA, "reduce-overhead" (CUDA graphs) removes the kernel-launch overhead that bounds a
    batch-128 CIFAR step; on the CPU the compile time is rarely won back in a short run.
    """
    if setting == "auto":
        return "reduce-overhead" if device.type == "cuda" else None
    return None if setting == "off" else setting


class DivergedError(RuntimeError):
    """The loss became NaN or infinite."""


class Trainer:
    def __init__(self, task: Task, cfg: TrainConfig, device: torch.device, *, checkpoint_dir: Path,
                 listeners: Sequence[Listener] = (), should_stop: Callable[[], bool] = lambda: False,
                 ranks: Dist = Dist(), d_model: int | None = None, start_step: int = 0):
        self.task, self.cfg, self.device, self.ranks = task, cfg, device, ranks
        self.checkpoint_dir, self.listeners, self.should_stop = checkpoint_dir, list(listeners), should_stop
        self.model = task.model.to(device)
        self.optimizer = build_optimizer(cfg, self.model.parameters(), fused=device.type == "cuda")
        factor = lr_factor(cfg, d_model)
        self.warming = cfg.warmup_error > 0  # at a tenth of the lr until the training error falls below it
        # a run that starts from trained weights (start_step > 0) goes on with the schedule where they left it
        self.start_step = start_step
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(
            self.optimizer, lambda n: factor(n + self.start_step) * (WARMUP_FACTOR if self.warming else 1.0))
        self.train_model = self._wrap(self.model)
        self.step = start_step
        self.seconds = 0.0  # training time over all legs (evaluations, snapshots and checkpoints not counted)
        self.flops = 0.0    # training FLOPs over all legs, where the task counts them (a "flops" statistic)

    def _wrap(self, model: nn.Module) -> nn.Module:
        if self.ranks.active:
            ids = [self.device.index] if self.device.type == "cuda" else None
            model = nn.parallel.DistributedDataParallel(model, device_ids=ids)
        mode = compile_mode(self.cfg.compile, self.device)
        return torch.compile(model, mode=mode) if mode else model

    def _train_loss(self, batch: Any) -> tuple[torch.Tensor, dict[str, Any]]:
        """The task's loss through the compiled model; if compiling fails, fall back to eager for good."""
        try:
            return self.task.train_loss(self.train_model, batch)
        except Exception as exc:
            eager = self._wrap_eager()
            if eager is self.train_model:
                raise
            warnings.warn(f"torch.compile failed ({type(exc).__name__}: {str(exc)[:200]}); training eagerly", stacklevel=2)
            self.train_model = eager
            return self.task.train_loss(self.train_model, batch)

    def _wrap_eager(self) -> nn.Module:
        model = getattr(self.train_model, "_orig_mod", None)
        return self.train_model if model is None else model

    # -- state ------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        state = {"step": self.step, "model": unwrap(self.model).state_dict(),
                 "optimizer": self.optimizer.state_dict(), "scheduler": self.scheduler.state_dict(),
                 "cpu_rng": torch.get_rng_state(), "warming": self.warming, "seconds": self.seconds,
                 "flops": self.flops, "start_step": self.start_step}
        if self.device.type == "cuda":
            state["cuda_rng"] = torch.cuda.get_rng_state(self.device)
        return state

    def load_state_dict(self, state: dict[str, Any]) -> None:
        unwrap(self.model).load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.start_step = state.get("start_step", 0)
        self.scheduler.load_state_dict(state["scheduler"])
        torch.set_rng_state(state["cpu_rng"])
        if "cuda_rng" in state and self.device.type == "cuda":
            torch.cuda.set_rng_state(state["cuda_rng"], self.device)
        self.step = int(state["step"])
        self.warming = state.get("warming", self.warming)
        self.seconds, self.flops = state.get("seconds", 0.0), state.get("flops", 0.0)

    # -- events -----------------------------------------------------------------------
    def _emit(self, event: str, *args: Any) -> None:
        for listener in self.listeners:
            getattr(listener, event)(*args)

    def _snapshot(self) -> None:
        if self.ranks.main:
            for name, array in self.task.snapshots(unwrap(self.model)).items():
                self._emit("on_snapshot", self.step, name, array)

    def _checkpoint(self) -> None:
        if self.ranks.main:
            path = save_checkpoint(self.checkpoint_dir, self.step, self.state_dict())
            self._emit("on_checkpoint", self.step, path)

    def _evaluate(self) -> None:
        if self.ranks.main:
            self._emit("on_metrics", self.step, self.task.evaluate(unwrap(self.model)))
            self.model.train()

    # -- the loop -----------------------------------------------------------------------
    def fit(self, state: dict[str, Any] | None = None, *, deadline: float | None = None) -> str:
        """Train to cfg.steps, or cfg.minutes of training (from state if given); returns 'done', 'cancelled', or
        'paused' at the first log step past `deadline` (a time.monotonic() value; for time-bounded chunks): a pause
        only checkpoints, so the resumed run evaluates, snapshots and logs at the same steps as one that never paused."""
        cfg = self.cfg
        if state is not None:
            self.load_state_dict(state)
        self._emit("on_start", self.step, cfg.steps)
        if self.step == 0:
            self._snapshot()
        self.model.train()
        batches = self.task.batches(self.step)
        sums: dict[str, torch.Tensor] = {}  # summed on the device: no host sync until the log step
        counts: dict[str, float] = {}       # plain numbers the task knows on the host (e.g. batch sizes)
        tic, stop = time.perf_counter(), None
        while self.step < cfg.steps and not stop:
            # forward / backward / update
            batch = next(batches)
            with autocast(self.device, cfg.amp):
                loss, stats = self._train_loss(batch)
            self.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if cfg.clip_norm:
                nn.utils.clip_grad_norm_(self.model.parameters(), cfg.clip_norm)
            self.optimizer.step()
            self.scheduler.step()
            self.step += 1
            for name, value in {"loss": loss, "steps": 1.0, **stats}.items():
                if isinstance(value, torch.Tensor):
                    sums[name] = sums.get(name, 0) + value.detach().float()  # a new tensor: safe under CUDA graphs
                else:
                    counts[name] = counts.get(name, 0) + value
            last = self.step == cfg.steps

            # log: the one host sync every log_every steps
            if self.step % cfg.log_every == 0 or last:
                names = sorted(sums) + sorted(counts)
                local = torch.cat([torch.stack([sums[n] for n in sorted(sums)]),
                                   torch.tensor([counts[n] for n in sorted(counts)], device=self.device)])
                totals = dict(zip(names, sum_across_ranks(local, self.ranks).tolist()))
                elapsed = time.perf_counter() - tic
                self.seconds += elapsed
                values = {"loss": totals["loss"] / totals["steps"], "lr": self.scheduler.get_last_lr()[0],
                          "seconds": self.seconds, **self.task.train_metrics(totals)}
                if "flops" in totals:
                    self.flops += totals["flops"]
                    values["flops"] = self.flops
                if "count" in totals:
                    values[self.task.throughput_name] = totals["count"] / max(elapsed, 1e-9)
                if not math.isfinite(values["loss"]):
                    raise DivergedError(f"the loss became {values['loss']} at step {self.step}: lower the learning rate")
                if self.ranks.main:
                    self._emit("on_metrics", self.step, values)
                if self.warming and values.get("train_error", 1.0) < cfg.warmup_error:  # the same on every rank
                    self.warming = False
                stop = self._stop_requested(deadline)
                last = last or stop == "finished"
                sums, counts = {}, {}

            # evaluate, snapshot, checkpoint
            if self.step % cfg.eval_every == 0 or last or stop == "cancelled":
                self._evaluate()
            if self.step % cfg.snapshot_every == 0 or last or stop == "cancelled":
                self._snapshot()
            if self.step % cfg.checkpoint_every == 0 or last or stop:
                self._checkpoint()
            if self.step % cfg.log_every == 0:  # the next window's clock starts after evaluating and saving
                tic = time.perf_counter()
        status = "done" if self.step >= cfg.steps or stop == "finished" else stop
        self._emit("on_end", self.step, status)
        return status

    def _stop_requested(self, deadline: float | None) -> str | None:
        """'cancelled' if asked to stop, 'finished' when the time budget (cfg.minutes) is spent, 'paused' past the
        deadline, else None. Rank 0 decides; under torchrun every rank learns it, so all stop at the same step."""
        code = 0
        if self.ranks.main:
            out_of_time = 0 < self.cfg.minutes * 60 <= self.seconds
            past_deadline = deadline is not None and time.monotonic() >= deadline
            code = 2 if self.should_stop() else 3 if out_of_time else int(past_deadline)
        flag = torch.tensor([float(code)], device=self.device)
        return (None, "paused", "cancelled", "finished")[round(sum_across_ranks(flag, self.ranks).item())]
