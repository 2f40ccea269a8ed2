"""GPU work on Hugging Face ZeroGPU Spaces: `spaces.GPU` there, a plain call everywhere else.

On ZeroGPU hardware (SPACES_ZERO_GPU=true) a GPU is attached only while a function decorated with
`spaces.GPU` runs, in a forked process, for at most `duration` seconds; `torch.compile` is not
available there. So lab code keeps every GPU call short and returns CPU data:

    from explorer.serving.gpu import gpu

    @gpu(duration=30)
    def translate_on_gpu(sentence: str) -> dict:       # inference: one short call
        model = cached_model().to("cuda")                # load on the CPU once, move inside the call
        return {k: v.cpu() for k, v in run(model, sentence).items()}

Training goes in resumable chunks (explorer/serving/zerogpu.py): each decorated call resumes a run from its
newest checkpoint, trains for a bounded time and writes a checkpoint back to the run store before
returning, so the next chunk, or `python -m train --resume RUN_ID`, continues it.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable)
ZERO_GPU = os.environ.get("SPACES_ZERO_GPU", "").lower() in ("1", "t", "true")

if ZERO_GPU:  # imported before torch, as ZeroGPU requires (app.py imports this module first)
    import spaces


def gpu(fn: F | None = None, *, duration: int = 60) -> F | Callable[[F], F]:
    """Decorator, bare or with a duration in seconds: `spaces.GPU` on ZeroGPU hardware, else the function unchanged."""
    if not ZERO_GPU:
        return fn if fn is not None else (lambda f: f)
    return spaces.GPU(fn, duration=duration) if fn is not None else spaces.GPU(duration=duration)

