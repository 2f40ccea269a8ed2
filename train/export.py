"""Bundle a finished run into assets/models/NAME: what the app loads offline, with its model card.

    python -m train.export RUN_ID NAME [--home DIR] [--full-precision]

Writes model.safetensors (fp16 unless --full-precision), config.json (recipe, label, config),
metrics.csv (every logged step, so curves draw at once) and README.md: the model card (data,
recipe, steps, hardware and time leg by leg, final numbers, the command that reproduces it). Translation
runs are written by train.translation_task.export_bundle (tied weights stored once, the tokenizer).
"""
from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from train.checkpoint import load_weights
from train.data import ASSETS
from train.runner import legs, training_minutes
from train.store import RunStore, atomic_write


def export_run(store: RunStore, run_id: str, name: str, *, half: bool = True, root: Path = ASSETS / "models") -> Path:
    run = store.get(run_id)
    checkpoints = store.checkpoints(run_id)
    if run.status != "done" or not checkpoints:
        raise SystemExit(f"run {run_id} is {run.status} with {len(checkpoints)} checkpoints: only finished runs are bundled")
    out = root / name
    out.mkdir(parents=True, exist_ok=True)
    from train.recipes import get_recipe
    from train.translation_task import TranslationConfig, export_bundle, load_run

    if issubclass(get_recipe(run.recipe).config_cls, TranslationConfig):  # the Transformer or RNNsearch
        export_bundle(load_run(store, run_id), out, steps=run.step, train=run.config)  # how it trained
    else:
        from safetensors.torch import save_file

        state = {k: (v.half() if half and v.is_floating_point() else v).contiguous()
                 for k, v in load_weights(checkpoints[-1]).items()}
        atomic_write(out / "model.safetensors", lambda p: save_file(state, str(p)))
        shutil.copyfile(store.run_dir(run_id) / "config.json", out / "config.json")
    (out / "metrics.csv").write_text(store.metrics_csv(run_id))
    (out / "README.md").write_text(model_card(store, run_id, name, half))
    return out


def model_card(store: RunStore, run_id: str, name: str, half: bool) -> str:
    run = store.get(run_id)
    metrics = store.metrics(run_id)
    final = {k: v[1][-1] for k, v in sorted(metrics.items()) if v[1] and k not in ("lr",)}
    entries = legs(store, run_id)
    minutes = training_minutes(entries)
    options = " ".join(f"--{k.replace('_', '-')} {' '.join(map(str, v)) if isinstance(v, list) else v}"
                       for k, v in sorted(run.config.items()) if not isinstance(v, bool) and v != [])
    flags = " ".join(f"--{'' if v else 'no-'}{k.replace('_', '-')}" for k, v in sorted(run.config.items())
                     if isinstance(v, bool))
    lines = [f"# {name}", "", f"{run.title}: recipe `{run.recipe}`, trained by Paper Lab's own CLI.", "",
             f"- data: `{run.config.get('data') or run.config.get('corpus')}`",
             f"- steps: {run.step} of batch {run.config.get('batch_size')}",
             f"- training time: {minutes:.1f} minutes over {len(entries)} leg(s)" if minutes is not None else
             f"- wall time: {(run.updated - run.created) / 60:.1f} minutes from start to last update (a leg did not "
             "record its end)",
             "- hardware, leg by leg (each start or resume):", *map(describe_leg, entries),
             f"- weights: {'fp16' if half else 'fp32'} safetensors",
             "- final numbers (last logged value of each metric):", ""]
    lines += [f"  - {k}: {v:.4g}" for k, v in final.items()]
    if run.recipe == "alexnet":  # Fig. 3: how smooth, oriented and colourful conv1's kernels became
        from train.recipes.alexnet import filter_card

        lines += ["", *filter_card(run.config, load_weights(store.checkpoints(run_id)[-1]))]
    lines += ["", "Reproduce:", "", "```bash", f"python -m train {run.recipe} {options} {flags}",
              f"python -m train.export RUN_ID {name}", "```", ""]
    return "\n".join(lines)


def describe_leg(leg: dict) -> str:
    """One leg of a run (train.runner.legs) for its model card; legs recorded by older versions lack steps."""
    span = (f"steps {leg['step']:,}-{leg['end_step']:,}" if "end_step" in leg else
            f"from step {leg['step']:,}" if "step" in leg else "steps not recorded")
    took = f", {(leg['end'] - leg['time']) / 60:.1f} minutes" if "end" in leg else ""
    return (f"  - {span}: {leg['device_name']} ({leg['device']}, {leg['processes']} process(es), "
            f"{leg['cpu_threads']} CPU threads, torch {leg['torch']}){took}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_id")
    parser.add_argument("name")
    parser.add_argument("--home")
    parser.add_argument("--full-precision", action="store_true")
    args = parser.parse_args(argv)
    print(export_run(RunStore(args.home), args.run_id, args.name, half=not args.full_precision))


if __name__ == "__main__":
    main()
