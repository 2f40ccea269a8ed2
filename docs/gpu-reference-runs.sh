#!/bin/bash
# How the GPU reference runs (issue #6) are made on a lent GPU machine with 15 minutes of device time.
# The machine runs this from a copy of the repository with $OUT as the folder that comes back
# (at most 8 files of 16 MiB). Prepare here, then carry .device/ along:
#   mkdir -p .device/src .device/shared/bench && git archive HEAD train models assets/text | tar -x -C .device/src
#   cp ../shared/data/cifar10-jpeg.tar.xz .device/ && cp ../shared/bench/naive_cifar_baseline.py .device/shared/bench/
#   cp docs/gpu-reference-runs.sh .device/        # and .device/store.tgz from the last session, if any
# and run `bash .device/gpu-reference-runs.sh` there. Settings: A_ONLY, A_MIN (names, budget in minutes) and
# COMPILE (torch.compile mode, e.g. reduce-overhead: a run begun eagerly continues compiled) for job A;
# B_ONLY, B_MIN for job B (B_ONLY empty: no job B).
# Two jobs share the GPU: (A) the ResNets on the paper's 64k-iteration schedule, continued from the
# run store of earlier sessions (store.tgz: the store's database and the newest checkpoint of each unfinished
# run; it comes back in $OUT, to be kept as .device/store.tgz for the next session); (B) other references
# (the AlexNets and the English-Chinese Transformer went so), their schedules shortened to fit B's budget. Finished models come back
# as one tar each, ready for assets/models. The code runs from .device/src so that edits made here in the
# meantime do not travel into the run.
export PYTHONUNBUFFERED=1 PAPERLAB_HOME=/tmp/home OMP_NUM_THREADS=1 TORCHINDUCTOR_COMPILE_THREADS=4
T0=$(date +%s)
nvidia-smi --query-gpu=timestamp,name,utilization.gpu,memory.used --format=csv,noheader -l 15 > /tmp/smi.csv 2>&1 &
mkdir -p /tmp/cifar && tar -xJf .device/cifar10-jpeg.tar.xz -C /tmp/cifar
[ -f .device/store.tgz ] && [ ! -d /tmp/home ] && mkdir -p /tmp/home && tar -xzf .device/store.tgz -C /tmp/home  # a second call goes on from the first
cd .device/src
python3 -c "from train.data import load_images; load_images('/tmp/cifar')"
echo "data at $(( $(date +%s) - T0 )) s"
# What is left, as of the last CPU session: plain-56 of Fig. 6, shortcut options B and C, and the AlexNet
# ablations of sec. 3-4 (runs not finished in one call continue in the next)
A_ONLY=${A_ONLY-resnet56-cifar-plain resnet20-cifar-b resnet20-cifar-c alexnet-cifar-no-dropout
alexnet-cifar-no-augment alexnet-cifar-crop-flip alexnet-cifar-no-lrn alexnet-cifar-no-overlap}
B_ONLY=${B_ONLY-}
python3 -m train.reference --data /tmp/cifar --paper --only $A_ONLY --compile ${COMPILE:-reduce-overhead} \
  --minutes ${A_MIN:-7.8} --out /tmp/refA > /tmp/A.log 2>&1 &
PIDS=$!
if [ -n "$B_ONLY" ]; then
python3 - > /tmp/B.log 2>&1 <<PY &
from pathlib import Path
from train.reference import plan, train_all, export_all
from train.store import RunStore
refs = {}
for ref in plan("/tmp/cifar"):  # the first candidate of each name
    if ref.name in "$B_ONLY".split():
        refs.setdefault(ref.name, ref)
store = RunStore()
runs = train_all(store, list(refs.values()), ${B_MIN:-7.5} * 60, log=lambda s: print(s, flush=True))
for name, entries in export_all(store, runs, Path("/tmp/refB")).items():
    print(name, entries, flush=True)
PY
PIDS="$PIDS $!"
fi
wait $PIDS
echo "training done at $(( $(date +%s) - T0 )) s"
python3 - <<'PY'
import sqlite3, tarfile
from pathlib import Path
from train.store import RunStore
s = RunStore()
with sqlite3.connect(s.db_path) as con:
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
with tarfile.open("/tmp/store.tgz", "w:gz") as tar:
    tar.add(s.db_path, "store.db")
    for run in s.list_runs():
        d = s.run_dir(run.id)
        for f in d.iterdir():
            if (f.is_file() and f.suffix != ".pt") or (f.is_dir() and f.name != "checkpoints"):  # snapshots too
                tar.add(f, f"runs/{run.id}/{f.name}")
        cks = s.checkpoints(run.id)
        if run.status != "done" and cks:
            tar.add(cks[-1], f"runs/{run.id}/checkpoints/{cks[-1].name}")
        print(run.label, run.status, run.step, run.total_steps, [c.name for c in cks])
PY
ls -la /tmp/store.tgz
cp /tmp/store.tgz $OUT/ 
cp /tmp/A.log /tmp/smi.csv /tmp/refA/; for d in /tmp/home/runs/*/; do tail -c 2000 $d/log.txt > /tmp/refA/$(basename $d).log; done
[ -f /tmp/B.log ] && mkdir -p /tmp/refB && cp /tmp/B.log /tmp/refB/
for ref in /tmp/refA /tmp/refB; do
  [ -d $ref ] || continue
  (cd $ref && for m in models/*; do [ -d $m ] && tar cf $OUT/$(basename $ref)-$(basename $m).tar $m; done)
  rm -rf $ref/models; tar czf $OUT/$(basename $ref).tgz -C /tmp $(basename $ref)
done
ls -la $OUT; echo "end at $(( $(date +%s) - T0 )) s"
