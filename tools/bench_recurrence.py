"""Table 1 of "Attention Is All You Need", measured: time against sentence length, self-attention beside recurrence.

    python -m tools.bench_recurrence                          # lengths 8..128, this machine's device
    python -m tools.bench_recurrence --device cuda --csv bench.csv --json bench.json

The measuring functions are train.recurrence_timing's (the Transformer lab runs them live at small settings).
Prints a table and the ratio of the two models' slopes over lengths 8-64 (least squares, ms per token); --csv and
--json write the rows for the app.
"""
from __future__ import annotations

import argparse
import csv
import json
import platform
import sys
from collections.abc import Sequence
from pathlib import Path

import torch

if __package__ in (None, ""):  # run as a script: the repository root holds models/ and train/
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from train.recurrence_timing import LENGTHS, SLOPE_SPAN, measure, slope, summary  # noqa: E402,F401


def table(rows: Sequence[dict]) -> str:
    lines = [f"{'length':>6} | {'train step ms':^25} | {'encode one sentence ms':^25}",
             f"{'':>6} | {'Transformer':>12} {'RNNsearch':>12} | {'Transformer':>12} {'RNNsearch':>12}"]
    by = {(r["model"], r["length"]): r for r in rows}
    for length in sorted({r["length"] for r in rows}):
        t, r = by[("Transformer", length)], by[("RNNsearch", length)]
        lines.append(f"{length:>6} | {t['train_step_ms']:12.2f} {r['train_step_ms']:12.2f} | "
                     f"{t['encode_ms']:12.2f} {r['encode_ms']:12.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", type=int, nargs="+", default=list(LENGTHS))
    parser.add_argument("--batch", type=int, default=32, help="sentences per training step")
    parser.add_argument("--repeats", type=int, default=5, help="timed calls per point (the median is kept)")
    parser.add_argument("--width", type=int, default=256, help="d_model of the Transformer, n of RNNsearch")
    parser.add_argument("--device", default="auto", help="auto | cpu | cuda")
    parser.add_argument("--threads", type=int, help="torch CPU threads (default: torch's)")
    parser.add_argument("--csv", type=Path, help="write the rows as CSV")
    parser.add_argument("--json", type=Path, help="write rows, slopes and the machine as JSON")
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    rows = measure(args.lengths, batch=args.batch, repeats=args.repeats, width=args.width, device=args.device)
    slopes = summary(rows)
    machine = (torch.cuda.get_device_name() if args.device != "cpu" and torch.cuda.is_available()
               else f"{platform.processor() or 'CPU'}, {torch.get_num_threads()} threads")
    print(f"{machine}; torch {torch.__version__}; batch {args.batch}, width {args.width}")
    print(table(rows))
    for key in ("train_step_ms", "encode_ms"):
        print(f"{key}: slope over lengths {SLOPE_SPAN[0]}-{SLOPE_SPAN[1]}, ms per token: RNNsearch "
              f"{slopes[f'{key}_slope_rnnsearch']:.4f}, Transformer {slopes[f'{key}_slope_transformer']:.4f}, "
              f"ratio {slopes[f'{key}_slope_ratio']:.1f}")
    if args.csv:
        with args.csv.open("w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    if args.json:
        args.json.write_text(json.dumps({"machine": machine, "torch": torch.__version__, "batch": args.batch,
                                         "width": args.width, "rows": rows, **slopes}, indent=1))


if __name__ == "__main__":
    main()
