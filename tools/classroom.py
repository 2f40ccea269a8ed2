"""Classroom load test: a lecture hall of students on one app process limited to 2 cores, on loopback.

    python -m tools.classroom [--students 150] [--active 30] [--rounds 4] [--cores 2]
    python -m tools.classroom --idle 120        (one headless browser page left idle, and page opens: their server cost)

Makes a fresh run store with a seed AlexNet (tools/loadtest.py), serves app.py from it on `cores` CPUs as a public
Space runs it (space_env), opens `students` sessions (each what a browser's page open does: the page, its config and
API info, a session), of which `active` at a time send a mix of requests: translate, filters, neighbours,
predictions, and every tenth active student launches the ResNet lecture preset once; while they ask, one more student
in a process of its own (the probe) asks one question at a time, so its latencies hold none of the load generator's
own queueing; then `active` of them ask a round again, to see whether the server's memory still grows once their
sessions exist. Prints per-action p50/p95/max (the class's and the probe's), failures (apart from them, launches the
app refused because its queue was full, as it should), the server's CPU seconds and its memory (RSS) over time, then
stops the app (runs it started are cancelled with it). Bounded: each active student sends `rounds` requests, each
waits at most --timeout.
"""
from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import os
import re
import resource
import secrets
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from gradio_client import Client

from explorer.shared.i18n import all_strings
from tools import loadtest
from train.store import RunStore

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
MIX = ("translate", "filters", "neighbours", "translate", "predictions", "filters")  # what a lecture asks most
LAUNCH_EVERY = 10  # one active student in ten launches the lecture preset
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
EVENTS = "/queue/join"  # every Gradio event a page sends (a timer's tick included) joins the queue here


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (/proc/PID/stat)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def machine_cpu_seconds() -> float:
    """Busy CPU seconds of the whole machine so far, all cores (/proc/stat: everything but idle and iowait)."""
    with open("/proc/stat") as f:
        ticks = [int(x) for x in f.readline().split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / CLOCK_TICKS


def own_cpu_seconds() -> float:
    """CPU seconds of this process (the load generator: the students' clients) so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:")) / 1024



class Sample(NamedTuple):
    seconds: float
    server_cpu: float     # CPU seconds so far: the app process
    rss_mb: float         # the app's memory
    machine_cpu: float    # all processes (the app's training runs and the load generator included)
    generator_cpu: float  # this process: the students' clients


@dataclass
class Sampler:
    """The server's CPU seconds and RSS, and the machine's and the load generator's CPU, sampled every `every`
    seconds in a thread until stopped: where the cores went."""

    pid: int
    every: float = 5.0
    samples: list[Sample] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> Sampler:
        self.start = time.perf_counter()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._sample()
        self._thread.start()
        return self

    def _sample(self) -> None:
        self.samples.append(Sample(time.perf_counter() - self.start, cpu_seconds(self.pid), rss_mb(self.pid),
                                   machine_cpu_seconds(), own_cpu_seconds()))

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self._sample()

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def cores(self, what: str) -> float:
        """Mean cores busy over the sampling: "server_cpu", "machine_cpu" or "generator_cpu"."""
        first, last = self.samples[0], self.samples[-1]
        return (getattr(last, what) - getattr(first, what)) / max(last.seconds - first.seconds, 1e-9)

    @property
    def cpu(self) -> float:
        return self.samples[-1].server_cpu - self.samples[0].server_cpu


def show(page, visible: bool) -> None:
    """What the browser says and does when a playwright page's tab goes to the background or comes back."""
    page.evaluate("""(visible) => {
        Object.defineProperty(document, "visibilityState", {configurable: true, get: () => visible ? "visible" : "hidden"});
        Object.defineProperty(document, "hidden", {configurable: true, get: () => !visible});
        document.dispatchEvent(new Event("visibilitychange"));
    }""", visible)


def no_page(pid: int, seconds: float) -> dict:
    """The server's own CPU with no page open, for comparison."""
    cpu, start = cpu_seconds(pid), time.perf_counter()
    time.sleep(seconds)
    return {"seconds": round(time.perf_counter() - start, 1),
            "server_cpu_s_per_min": round((cpu_seconds(pid) - cpu) / (time.perf_counter() - start) * 60, 3)}


def idle_page(url: str, pid: int, seconds: float, *, hidden: bool = False, settle: float = 60.0) -> dict:
    """Open the app in headless Chromium, let its page-load events finish (settle seconds), then leave it idle
    (hidden: as a tab in the background) for `seconds`: the Gradio events it sent then, and the server's CPU."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS, headless=True)
        page = browser.new_page()
        page.goto(url)
        page.get_by_role("tab").first.wait_for(timeout=90_000)
        page.wait_for_timeout(settle * 1000)
        if hidden:
            show(page, False)
        sent: list[str] = []
        page.on("request", lambda request: sent.append(request.url))
        cpu, start = cpu_seconds(pid), time.perf_counter()
        page.wait_for_timeout(seconds * 1000)
        cpu, elapsed = cpu_seconds(pid) - cpu, time.perf_counter() - start
        browser.close()
    events = [u for u in sent if EVENTS in u]
    return {"seconds": round(elapsed, 1), "requests": len(sent), "events": len(events),
            "server_cpu_s_per_min": round(cpu / elapsed * 60, 3)}


def page_opens(url: str, pid: int, count: int, floor: float, *, quiet: float = 4.0) -> dict:
    """Open the app in headless Chromium `count` times, one fresh page after another, each until it has sent nothing
    for `quiet` seconds: the Gradio events a page open sends, and the server's CPU per open above its own floor
    (`floor`: CPU-s per minute with no page open)."""
    from playwright.sync_api import sync_playwright

    events, cpu = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS, headless=True)
        for _ in range(count):
            context = browser.new_context()
            page = context.new_page()
            sent: list[float] = []
            page.on("request", lambda request, sent=sent: EVENTS in request.url and sent.append(time.perf_counter()))
            used, start = cpu_seconds(pid), time.perf_counter()
            page.goto(url)
            page.get_by_role("tab").first.wait_for(timeout=90_000)
            while time.perf_counter() - (sent[-1] if sent else start) < quiet:
                page.wait_for_timeout(250)
            elapsed = time.perf_counter() - start - quiet
            events.append(len(sent))
            cpu.append(cpu_seconds(pid) - used - floor / 60 * (elapsed + quiet))
            context.close()
        browser.close()
    return {"opens": count, "events_per_open": events, "server_cpu_s_per_open": round(sum(cpu) / count, 3)}


def active_student(url: str, index: int, rounds: int, models: dict[str, str], results: loadtest.Results,
                   timeout: float, students: list[dict]) -> None:
    """An active student: opens the app, then asks `rounds` questions of the mix; one in LAUNCH_EVERY first
    launches the lecture preset (ResNet on the bundled sample) through the Runs tab. Their questions, in their
    session, go into `students` (to ask again)."""
    start = time.perf_counter()
    try:
        client = loadtest.page_client(url, timeout)
        calls = loadtest.actions(client, index, models)
    except Exception as exc:  # a page that did not open is a failure
        results.record("open", time.perf_counter() - start, f"{type(exc).__name__}: {exc}")
        return
    if index % LAUNCH_EVERY == 0:
        calls["launch"] = lambda: client.submit("resnet", "lecture", "sample", None, None, None, f"student {index}",
                                                loadtest.TRAINING, api_name="/launch")
        loadtest.timed(results, "launch", calls.pop("launch"), timeout)
    students.append(calls)
    for r in range(rounds):
        kind = MIX[(index + r) % len(MIX)]
        loadtest.timed(results, kind, calls[kind], timeout)


def probe(url: str, models: dict[str, str], timeout: float, stop, out) -> None:
    """One more student, in a process of its own (its own GIL, not the 30 client threads'): asks each kind of
    question in turn, one at a time, each at least once and then until `stop` is set; puts its latencies and
    failures on `out`."""
    results = loadtest.Results()
    try:
        calls = loadtest.actions(loadtest.page_client(url, timeout), 7, models)
        for asked, kind in enumerate(itertools.cycle(loadtest.KINDS)):
            if stop.is_set() and asked >= len(loadtest.KINDS):
                break
            loadtest.timed(results, kind, calls[kind], timeout)
    except Exception as exc:  # a page that did not open: a failure to report, not a class left waiting
        results.record("open", 0.0, f"{type(exc).__name__}: {exc}")
    out.put((results.latencies, results.failures))


class Probe:
    """The probe student's process, for the length of a `with` block; .latencies and .failures after it."""

    def __init__(self, url: str, models: dict[str, str], timeout: float):
        context = multiprocessing.get_context("spawn")
        self.stop, self.out = context.Event(), context.Queue()
        self.process = context.Process(target=probe, args=(url, models, timeout, self.stop, self.out), daemon=True)
        self.timeout = timeout

    def __enter__(self) -> Probe:
        self.process.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.latencies, self.failures = self.out.get(timeout=self.timeout)
        self.process.join()


def open_page(url: str, results: loadtest.Results, timeout: float, pages: list[Client]) -> None:
    """An idle student: what opening the page asks of the server (config, API info, a session kept open by its
    heartbeat while the page lives in `pages`), then nothing."""
    start = time.perf_counter()
    try:
        pages.append(loadtest.Page(url, httpx_kwargs={"timeout": timeout}))
        results.record("open", time.perf_counter() - start, None)
    except Exception as exc:  # a page that did not open is a failure
        results.record("open", time.perf_counter() - start, f"{type(exc).__name__}: {exc}")


def run_in_threads(target, count: int, limit: int, deadline: float) -> int:
    """Run target(i) for i < count, at most `limit` at once; how many were still running at the deadline."""
    slots, threads = threading.Semaphore(limit), []

    def one(i: int) -> None:
        try:
            target(i)
        finally:
            slots.release()

    for i in range(count):
        slots.acquire(timeout=max(0.0, deadline - time.time()))
        threads.append(threading.Thread(target=one, args=(i,), daemon=True))
        threads[-1].start()
    for thread in threads:
        thread.join(max(0.0, deadline - time.time()))
    return sum(thread.is_alive() for thread in threads)


class Lesson(NamedTuple):
    results: loadtest.Results
    sampler: Sampler
    prober: Probe
    again_rss_mb: dict[str, int]  # the server's memory before and after the students' round again
    refused: list[str]            # launches refused with the queue-full message: the app's answer, not a failure


def refused_launch(failure: str) -> bool:
    """A launch the app refused as it should when its queue is full (explorer/serving/deployment.py, deploy.busy)."""
    busy = re.escape(all_strings()["deploy.busy"][0]).replace(re.escape("{n}"), r"\d+")
    return failure.startswith("launch: ") and re.search(busy, failure) is not None


def classroom(url: str, pid: int, models: dict[str, str], students: int, active: int, rounds: int,
              timeout: float) -> Lesson:
    """After one warm-up request of each kind, all students open the page (20 at a time, as a hall arrives),
    then `active` at a time ask their questions, the probe student among them; then `active` of them ask one more
    round, all at once: the server's memory before and after it (their sessions and answers exist by then)."""
    warm = loadtest.Results()  # the lecturer tries each action once before class (the first builds caches)
    calls = loadtest.actions(loadtest.page_client(url), 0, models)
    for kind in loadtest.KINDS:
        loadtest.timed(warm, kind, calls[kind], timeout)
    if warm.failures:
        raise SystemExit("warming up failed: " + "; ".join(warm.failures))
    results = loadtest.Results()
    deadline = time.time() + timeout
    with Sampler(pid) as sampler:
        pages: list[Client] = []  # the hall's open pages, until the class ends
        stuck = run_in_threads(lambda i: open_page(url, results, timeout, pages), students, 20, deadline)
        asked: list[dict] = []  # each active student's questions, in their session
        with Probe(url, models, timeout) as prober:
            stuck += run_in_threads(lambda i: active_student(url, i, rounds, models, results, timeout, asked),
                                    students, active, deadline)
    again, repeat = {"before": round(rss_mb(pid))}, loadtest.Results()
    stuck += run_in_threads(lambda i: [loadtest.timed(repeat, kind, asked[i][kind], timeout) for kind in MIX],
                            min(active, len(asked)), active, deadline)
    again["after"] = round(rss_mb(pid))
    results.failures += [f"a student did not finish within {timeout:.0f} s"] * stuck
    results.failures += [f"probe {failure}" for failure in prober.failures]
    results.failures += [f"again: {failure}" for failure in repeat.failures]
    refused = [failure for failure in results.failures if refused_launch(failure)]
    results.failures = [failure for failure in results.failures if not refused_launch(failure)]
    results.seconds = sampler.samples[-1].seconds
    return Lesson(results, sampler, prober, again, refused)


def space_env(students: int) -> dict[str, str]:
    """The app as a public Space runs it (explorer/serving/deployment.py: lecture presets, training niced and held
    to its limits), with an admin token to stop the class's runs afterwards, and room for every student's runs from
    one address: the class comes from loopback, as a hall behind one NAT would (PAPERLAB_RUNS_PER_ADDRESS)."""
    return {"PAPERLAB_PUBLIC": "1", "PAPERLAB_ADMIN_TOKEN": secrets.token_hex(16),
            "PAPERLAB_RUNS_PER_ADDRESS": str(students)}


def cancel_all(home: Path, url: str, token: str, wait_s: float = 60) -> None:
    """Cancel the students' runs (as the admin) and wait (up to wait_s) for them to stop, before the app goes."""
    client, store = Client(url, verbose=False), RunStore(home)
    for run in store.list_runs(statuses=["queued", "running"]):
        client.predict(run.id, token, api_name="/cancel")
    deadline = time.time() + wait_s
    while store.list_runs(statuses=["queued", "running"]) and time.time() < deadline:
        time.sleep(1)


def latency_table(latencies: dict[str, list[float]]) -> dict:
    import numpy as np

    kinds = {kind: dict(zip(("p50", "p95"), map(float, np.percentile(v, [50, 95]))), max=max(v), n=len(v))
             for kind, v in latencies.items() if v}
    return {k: {m: round(x, 2) if isinstance(x, float) else x for m, x in v.items()} for k, v in kinds.items()}


def summary(lesson: Lesson, students: int, active: int) -> dict:
    results, sampler, prober = lesson.results, lesson.sampler, lesson.prober
    rss = [sample.rss_mb for sample in sampler.samples]
    return {"students": students, "active": active, "seconds": round(results.seconds, 1),
            "failures": len(results.failures), "launches_refused": len(lesson.refused),
            "server_cpu_s": round(sampler.cpu, 1),
            "server_cores_busy": round(sampler.cores("server_cpu"), 2),
            "machine_cores_busy": round(sampler.cores("machine_cpu"), 2),
            "generator_cores_busy": round(sampler.cores("generator_cpu"), 2),
            "rss_mb": {"start": round(rss[0]), "peak": round(max(rss)), "end": round(rss[-1])},
            "rss_again_mb": lesson.again_rss_mb,
            "kinds": latency_table(results.latencies), "probe": latency_table(prober.latencies)}


def report(lesson: Lesson, students: int, active: int) -> str:
    results, sampler, prober = lesson.results, lesson.sampler, lesson.prober
    lines = [f"students {students} ({active} active at once), requests {results.requests}, "
             f"failures {len(results.failures)}, launches refused as the queue was full {len(lesson.refused)}, "
             f"{results.seconds:.0f} s"]
    lines += [f"{kind:12s} {len(v):4d} answered, {loadtest.percentiles(v)}"
              for kind, v in results.latencies.items() if v]
    lines += [f"probe: {kind:12s} {len(v):4d} answered, {loadtest.percentiles(v)}"
              for kind, v in prober.latencies.items() if v]
    lines.append(f"server CPU {sampler.cpu:.1f} s ({sampler.cores('server_cpu'):.2f} cores busy); the whole machine "
                 f"{sampler.cores('machine_cpu'):.2f} cores busy, of which the load generator "
                 f"{sampler.cores('generator_cpu'):.2f} (the rest: the students' training runs and other processes)")
    lines.append("server RSS MB over time: " + ", ".join(f"{s.seconds:.0f}s {s.rss_mb:.0f}" for s in sampler.samples))
    lines.append(f"server RSS MB when {active} of them asked a round again: {lesson.again_rss_mb['before']} before, "
                 f"{lesson.again_rss_mb['after']} after")
    lines += [f"failed: {failure}" for failure in results.failures[:10]]
    return "\n".join(lines)


def plot(summaries: list[dict], path: Path, machine: str) -> None:
    """Students against p95 latency per action and the server's busy cores, one class per summary (--json)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    summaries = sorted(summaries, key=lambda s: s["students"])
    students = [s["students"] for s in summaries]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), dpi=120)
    for kind in ("translate", "filters", "neighbours", "predictions", "open"):
        line, = left.plot(students, [s["kinds"].get(kind, {}).get("p95") for s in summaries], marker="o", label=kind)
        if any(kind in s.get("probe", {}) for s in summaries):
            left.plot(students, [s.get("probe", {}).get(kind, {}).get("p95") for s in summaries], marker=".",
                      linestyle=":", color=line.get_color(), label=f"{kind}, probe student")
    left.axhline(3, color="grey", linestyle="--", linewidth=1, label="target: 3 s")
    left.set(xlabel="students (30 asking at once at most)", ylabel="p95 latency (s)", title="Latency")
    left.legend(fontsize=8)
    right.plot(students, [s["server_cores_busy"] for s in summaries], marker="o", label="app process, cores busy")
    for key, label in (("machine_cores_busy", "whole machine, cores busy"),
                       ("generator_cores_busy", "load generator, cores busy")):
        right.plot(students, [s[key] for s in summaries], marker=".", linestyle=":", label=label)
    right.plot(students, [s["rss_mb"]["peak"] / 1024 for s in summaries], marker="s", label="app peak RSS (GB)")
    right.set(xlabel="students", title="Server", ylim=(0, None))
    right.legend(fontsize=8)
    fig.suptitle(f"Classroom load test (tools/classroom.py): app on 2 cores of {machine}", fontsize=10)
    fig.tight_layout()
    fig.savefig(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=150)
    parser.add_argument("--active", type=int, default=30, help="students asking at once")
    parser.add_argument("--rounds", type=int, default=4, help="requests per active student")
    parser.add_argument("--cores", type=int, default=2, help="CPUs the app may use")
    parser.add_argument("--timeout", type=float, default=900, help="seconds for the whole class")
    parser.add_argument("--idle", type=float, help="instead: one idle browser page for this many seconds")
    parser.add_argument("--json", type=Path, help="also write the summary here")
    parser.add_argument("--plot", type=Path, nargs="+", metavar=("PNG", "JSON"),
                        help="instead: draw the curve of classes run with --json into PNG")
    parser.add_argument("--machine", default="a shared 2-core machine", help="named in the plot's title")
    args = parser.parse_args(argv)
    if args.plot:
        plot([json.loads(path.read_text()) for path in args.plot[1:]], args.plot[0], args.machine)
        return 0
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # loopback only: no client calls home

    cpus = set(sorted(os.sched_getaffinity(0))[:args.cores])
    with tempfile.TemporaryDirectory(prefix="paperlab-class-") as tmp:
        home = Path(tmp)
        models = None if args.idle else loadtest.seed(home)
        env = space_env(args.students)
        server, url = loadtest.serve(home, cpus, env)
        try:
            if args.idle:
                found = {"no page": no_page(server.pid, 30), "visible": idle_page(url, server.pid, args.idle),
                         "hidden": idle_page(url, server.pid, min(args.idle, 30), hidden=True)}
                found["page open"] = page_opens(url, server.pid, 8, found["no page"]["server_cpu_s_per_min"])
                print(json.dumps(found, indent=1))
                failed = False
            else:
                print(f"{args.students} students, {args.active} active at once, app on CPUs {sorted(cpus)} ...",
                      flush=True)
                lesson = classroom(url, server.pid, models, args.students, args.active, args.rounds, args.timeout)
                print(report(lesson, args.students, args.active))
                found = summary(lesson, args.students, args.active)
                failed = bool(lesson.results.failures)
                if failed:
                    print("the server's log ends:\n" + (home / "app.log").read_text()[-3000:])
            if args.json:
                args.json.write_text(json.dumps(found, indent=1))
        finally:
            cancel_all(home, url, env["PAPERLAB_ADMIN_TOKEN"])  # the students' runs stop with the class
            server.terminate()
            server.wait(timeout=30)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
