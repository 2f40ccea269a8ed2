#!/bin/bash
# How the GPU reference runs (issue #6) were made on a lent GPU machine with 15 minutes of device time.
# The machine runs this from a copy of the repository with $OUT as the folder that comes back
# (at most 8 files of 16 MiB). Prepare here, then carry .device/ along:
#   mkdir -p .device/src && git archive HEAD train models assets/text | tar -x -C .device/src
#   cp ../shared/data/cifar10-jpeg.tar.xz .device/ && cp docs/gpu-reference-runs.sh .device/
# and run `MINUTES=8.1 bash .device/gpu-reference-runs.sh` there. The code runs from .device/src so that
# edits made here in the meantime do not travel into the run. Add --paper (and carry the run store
# both ways) to continue the papers' full schedules over several sessions.
export PYTHONUNBUFFERED=1 PAPERLAB_HOME=/tmp/home TORCHINDUCTOR_COMPILE_THREADS=4
T0=$(date +%s)
nvidia-smi --query-gpu=timestamp,name,utilization.gpu,memory.used --format=csv,noheader -l 15 > $OUT/smi.csv 2>&1 &
mkdir -p /tmp/cifar && tar -xJf .device/cifar10-jpeg.tar.xz -C /tmp/cifar
cd .device/src
timeout 560 python3 -m train.reference --data /tmp/cifar --minutes ${MINUTES:-8.1} --out /tmp/ref
echo "reference runs done at $(( $(date +%s) - T0 )) s"
mkdir -p /tmp/ref/logs && for d in /tmp/home/runs/*/; do tail -c 3000 $d/log.txt > /tmp/ref/logs/$(basename $d).tail 2>/dev/null; done
cd /tmp/ref
tar czf $OUT/small.tgz summary.json reference logs $(ls -d models/resnet* models/alexnet* 2>/dev/null)
for m in models/transformer-*; do [ -d $m ] && tar cf $OUT/$(basename $m).tar $m; done
ls -la $OUT
