"""Load test: many students at once, on loopback, while a training run goes.

    python -m tools.loadtest [--clients 20] [--requests 6] [--url http://127.0.0.1:PORT/]

Without --url it makes a fresh run store, trains an AlexNet there with the real CLI for a few steps (weights for
the views, not good answers; translations use the bundled en-de Transformer), serves app.py from it on a free
loopback port, starts one ResNet training run through the Runs tab's API, then lets `clients` gradio_client
sessions, each its own browser, send `requests` requests each, cycling through translate, neighbours, filters and
predictions. Prints requests, failures, p50/p95/max latency (also per kind); exits 1 if any request failed.
"""
from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlparse

import httpx
import numpy as np
from gradio_client import Client
from gradio_client.utils import CONFIG_URL

from train.store import RUN_ID, RunStore

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = ("127.0.0.1", "localhost", "::1")
KINDS = ("translate", "neighbours", "filters", "predictions")
SENTENCES = ("A man in a blue shirt is playing the guitar.", "Two dogs run across the snow.",
             "A little girl is reading a book in the park.", "People are waiting for the bus.")
SEED_RUN = ["alexnet", "--preset", "lecture", "--data", "sample", "--steps", "4", "--train-size", "128",
            "--eval-size", "64", "--checkpoint-every", "4", "--eval-every", "4", "--log-every", "2"]
TRANSLATOR = "bundle:transformer-en-de"  # assets/models/transformer-en-de
TRAINING = '{"depth": 20}'  # with the ResNet lecture preset on the bundled sample: minutes on a CPU
FILES = httpx.Client(limits=httpx.Limits(max_connections=256))  # the pages' picture downloads, kept-alive as a browser's
PARALLEL_FILES = 6  # pictures a page fetches at once: a browser's connections per host over HTTP/1.1


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0  # wall time of the whole load
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float, error: str | None) -> None:
        with self.lock:
            if error is None:
                self.latencies.setdefault(kind, []).append(seconds)
            else:
                self.failures.append(f"{kind}: {error[:200]}")

    @property
    def requests(self) -> int:
        return sum(map(len, self.latencies.values())) + len(self.failures)


def percentiles(values: list[float]) -> str:
    if not values:
        return "no answers"
    p50, p95 = np.percentile(values, [50, 95])
    return f"p50 {p50:.2f} s, p95 {p95:.2f} s, max {max(values):.2f} s"


def check_loopback(url: str) -> str:
    if urlparse(url).hostname not in LOOPBACK:
        raise SystemExit(f"refusing to load-test {url}: only loopback addresses ({', '.join(LOOPBACK)})")
    return url


def models(store: RunStore) -> dict[str, str]:
    """The model choice values the requests use: the newest AlexNet run with a checkpoint, the bundled translator."""
    alexnet = next((r.id for r in store.list_runs() if r.recipe == "alexnet" and store.checkpoints(r.id)), None)
    if alexnet is None:
        raise SystemExit(f"no AlexNet run with a checkpoint in {store.home}")
    return {"alexnet": f"run:{alexnet}", "translate": TRANSLATOR}


def seed(home: Path) -> dict[str, str]:
    """Train the AlexNet seed run with the real CLI; returns the model choice values."""
    env = {**os.environ, "PAPERLAB_HOME": str(home), "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-m", "train", *SEED_RUN, "--quiet"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise SystemExit(f"the seed run failed:\n{done.stderr[-2000:]}")
    return models(RunStore(home))


def serve(home: Path, cpus: set[int] | None = None, env: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    """app.py on a free loopback port with its run store in home (on the CPUs `cpus` only, and with the environment
    variables `env` too, where given)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, **(env or {}), "PAPERLAB_HOME": str(home), "PAPERLAB_HOST": "127.0.0.1",
           "PAPERLAB_PORT": str(port)}
    with open(home / "app.log", "wb") as log:  # the server's output, shown when a request fails
        proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None)
    deadline = time.time() + 120
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc, f"http://127.0.0.1:{port}/"
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                raise SystemExit("the app did not start") from None
            time.sleep(0.3)


class Page(Client):
    """A page's session: gradio_client's Client, made cheaper for the load generator, which shares the machine's cores
    with the app it measures (py-spy of a class of 30): the page config that every page fetches from the server, as
    a browser does, is parsed once, not once per page (40% of the generator's CPU); and as the app is on loopback
    HTTP, no certificate store is loaded for each request (gradio_client makes a new HTTP client for most: loading
    the store was then two thirds of the generator's CPU)."""

    configs: dict[bytes, dict] = {}  # the config's text -> the config, read-only (the clients only look things up)
    configs_lock = threading.Lock()

    def __init__(self, url: str, **kwargs):
        super().__init__(check_loopback(url), verbose=False, ssl_verify=False, **kwargs)

    def _get_config(self) -> dict:
        answer = httpx.get(urljoin(self.src, CONFIG_URL), headers=self.headers, cookies=self.cookies, verify=False,
                           **self.httpx_kwargs)
        answer.raise_for_status()
        with self.configs_lock:
            if answer.content not in self.configs:
                self.configs.clear()  # another app (its config changed): keep one
                self.configs[answer.content] = answer.json()
            return self.configs[answer.content]


def page_client(url: str, timeout: float = 300) -> Client:
    """A page's session. Answers name their files by URL and `timed` fetches them as the page would: gradio_client's
    own downloads cost about 45 ms a file in the client, where the server spends 3 (this machine, one client)."""
    return Page(url, download_files=False, httpx_kwargs={"timeout": timeout})


def file_urls(value) -> list[str]:
    """The URLs of the files in an answer (an image, a gallery's pictures), in order."""
    if isinstance(value, dict):
        return [value["url"]] if isinstance(value.get("url"), str) else [u for v in value.values() for u in file_urls(v)]
    if isinstance(value, (list, tuple)):
        return [u for v in value for u in file_urls(v)]
    return []


def actions(client: Client, index: int, models: dict[str, str]) -> dict[str, Callable[[], object]]:
    """Each kind of request as a call that submits it in client's session (a job: .result() waits for it)."""
    client.predict(index % 100, api_name="/pick_gallery")  # the query image, kept in this session's state
    return {
        "translate": lambda: client.submit(models["translate"], SENTENCES[index % len(SENTENCES)], 1,
                                           api_name="/translate"),
        "neighbours": lambda: client.submit(models["alexnet"], 8, api_name="/search"),
        "filters": lambda: client.submit(models["alexnet"], api_name="/show_filters"),
        "predictions": lambda: client.submit(models["alexnet"], None, "Saliency", api_name="/explain"),
    }


def timed(results: Results, kind: str, call: Callable[[], object], timeout: float) -> None:
    """Send one request and record its latency (until its answer's pictures are fetched too, PARALLEL_FILES at a
    time as a browser does), or its failure."""
    start = time.perf_counter()
    try:
        urls = file_urls(call().result(timeout=timeout))
        with ThreadPoolExecutor(PARALLEL_FILES) as fetch:
            for answer in fetch.map(lambda url: FILES.get(url, timeout=timeout), urls):
                answer.raise_for_status()
        results.record(kind, time.perf_counter() - start, None)
    except Exception as exc:  # a failed request is what we count, whatever its type
        results.record(kind, time.perf_counter() - start, f"{type(exc).__name__}: {exc}")


def student(url: str, index: int, requests: int, models: dict[str, str], results: Results, timeout: float) -> None:
    """One browser session: picks a gallery image, then cycles through the four kinds of request."""
    calls = actions(page_client(url), index, models)
    for r in range(requests):
        kind = KINDS[(index + r) % len(KINDS)]
        timed(results, kind, calls[kind], timeout)


def run_load(url: str, models: dict[str, str], clients: int, requests: int, timeout: float = 300) -> Results:
    """clients concurrent sessions of `requests` requests each against url; all threads joined within timeout."""
    results, start = Results(), time.perf_counter()
    threads = [threading.Thread(target=student, args=(url, i, requests, models, results, timeout), daemon=True)
               for i in range(clients)]
    for thread in threads:
        thread.start()
    deadline = time.time() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.time()))
    stuck = sum(thread.is_alive() for thread in threads)
    results.failures += [f"a client did not finish within {timeout:.0f} s"] * stuck
    results.seconds = time.perf_counter() - start
    return results


def with_training(url: str, store: RunStore, run: Callable[[], Results], wait_s: float = 0) -> tuple[Results, str]:
    """Start one ResNet lecture run through the Runs tab's API (waiting up to wait_s for its first logged step),
    run the load, then cancel the run."""
    client = Client(url, verbose=False)
    message = client.predict("resnet", "lecture", "sample", None, None, None, "load test", TRAINING,
                             api_name="/launch")[0]
    run_id = re.search(RUN_ID.pattern.strip("^$"), message).group(0)
    deadline = time.time() + wait_s
    while store.get(run_id).step == 0 and time.time() < deadline:
        time.sleep(0.5)
    try:
        results = run()
    finally:
        training = store.get(run_id)
        client.predict(run_id, api_name="/cancel")
    return results, f"{run_id} was {training.status} at step {training.step} of {training.total_steps}; now cancelled"


def report(results: Results, clients: int) -> str:
    lines = [f"clients {clients}, requests {results.requests}, failures {len(results.failures)}, "
             f"{results.seconds:.0f} s in all",
             "all: " + percentiles([x for values in results.latencies.values() for x in values])]
    lines += [f"{kind}: {len(values)} answered, {percentiles(values)}" for kind, values in results.latencies.items()]
    lines += [f"failed: {failure}" for failure in results.failures[:10]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=6, help="requests per client")
    parser.add_argument("--url", help="a running app on loopback whose run store ($PAPERLAB_HOME) has an AlexNet run")
    parser.add_argument("--timeout", type=float, default=600, help="seconds for the whole load")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="paperlab-load-") as tmp:
        server = None
        if args.url:
            url, store = check_loopback(args.url), RunStore()
            chosen = models(store)
        else:
            print("training the seed model ...", flush=True)
            chosen, store = seed(Path(tmp)), RunStore(tmp)
            server, url = serve(Path(tmp))
        try:
            print(f"{args.clients} clients x {args.requests} requests against {url}, one training run going ...",
                  flush=True)
            results, training = with_training(url, store, lambda: run_load(url, chosen, args.clients, args.requests,
                                                                     args.timeout), wait_s=180)
            print(report(results, args.clients))
            print(f"training run {training}")
            if results.failures and server is not None:
                print("the server's log ends:\n" + (Path(tmp) / "app.log").read_text()[-3000:])
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=30)
    return 1 if results.failures else 0


if __name__ == "__main__":
    sys.exit(main())
