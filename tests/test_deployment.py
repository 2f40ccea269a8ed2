"""Public-demo mode: lecture-sized launches, a few runs per person, owners, the admin token; queue limits."""
from __future__ import annotations

import dataclasses
import json
import os
import subprocess
from pathlib import Path

import gradio as gr
import pytest

import app
from explorer.labs.alexnet import tab as alexnet_tab
from explorer.labs.resnet import tab as resnet_tab
from explorer.labs.runs import tab as runs_tab
from explorer.serving import deployment, services
from explorer.shared import experiment_panel
from explorer.shared.user_text import shown
from train import limits
from train.launcher import Launcher, QueueFull
from train.recipes import RECIPES, get_recipe

ALICE, BOB = "a1" * 16, "b2" * 16
LAUNCH = ("resnet", "lecture", "sample", None, None, None, "")


def browser(owner: str | None, lang: str = "en") -> gr.Request:
    cookie = f"paperlab-lang={lang}" + (f"; {deployment.OWNER_COOKIE}={owner}" if owner else "")
    return gr.Request(headers={"cookie": cookie}, session_hash=f"page-of-{owner}")


def launch(request: gr.Request, options: str = "", preset: str = "lecture", **fields) -> str:
    values = dict(zip(("recipe", "preset", "data", "steps", "batch_size", "lr", "label"), LAUNCH), preset=preset)
    values.update(fields)
    status, _, current = runs_tab.launch(*values.values(), options, request)
    return current.value


@pytest.fixture
def public(home, monkeypatch):
    monkeypatch.setenv("SPACE_ID", "paperlab/demo")
    monkeypatch.setenv("PAPERLAB_ADMIN_TOKEN", "s3cret-token")
    monkeypatch.setenv("PAPERLAB_MAX_RUNNING", "0")  # runs queue; none trains in this test
    return home


def test_public_mode_and_who_is_asking():
    assert deployment.public_mode({"SPACE_ID": "x/y"}) and deployment.public_mode({"PAPERLAB_PUBLIC": "1"})
    assert not deployment.public_mode({}) and not deployment.public_mode({"PAPERLAB_PUBLIC": "0"})
    assert deployment.owner_id(browser(ALICE)) == ALICE
    assert deployment.owner_id(browser("../../etc")) == "session-pageofetc"  # a forged cookie: the page session, sanitised
    assert deployment.owner_id(None) == ""
    assert not deployment.is_admin("", {}) and not deployment.is_admin("x", {})  # no token set: nobody is admin
    assert deployment.is_admin("t0k", {"PAPERLAB_ADMIN_TOKEN": "t0k"})
    assert not deployment.is_admin("t0", {"PAPERLAB_ADMIN_TOKEN": "t0k"}) and not deployment.is_admin(None, {"x": "y"})


def test_public_launches_are_lecture_sized(public):
    with pytest.raises(gr.Error, match="lecture presets only"):
        launch(browser(ALICE), preset="")
    with pytest.raises(gr.Error, match="steps may be at most 300"):
        launch(browser(ALICE), steps=64_000)
    with pytest.raises(gr.Error, match="train_size may be at most 4000 here .you asked for 0"):
        launch(browser(ALICE), options='{"train_size": 0}')
    with pytest.raises(gr.Error, match="eval_every must be at least 50 here .you asked for 1"):
        launch(browser(ALICE), options='{"eval_every": 1}')  # evaluating 1,000 images every step
    with pytest.raises(gr.Error, match="课堂规模"):
        launch(browser(ALICE, "zh"), batch_size=4096)
    run_id = launch(browser(ALICE), options='{"depth": 56}')
    assert services.store().get(run_id).owner == ALICE
    # the experiment's lecture preset is longer than the recipe's
    experiment_panel.launch(alexnet_tab.LAB, "relu-vs-tanh", "lecture", "sample", None, browser(ALICE))
    recipe_lecture = get_recipe("alexnet").presets["lecture"]["steps"]
    assert [r.config["steps"] > recipe_lecture for r in services.store().list_runs() if r.recipe == "alexnet"] == [True] * 2


def test_each_person_has_a_share_of_the_queue(public):
    for _ in range(deployment.RUNS_PER_PERSON):
        launch(browser(ALICE))
    with pytest.raises(gr.Error, match=f"each person may have {deployment.RUNS_PER_PERSON} at a time"):
        launch(browser(ALICE))
    launch(browser(BOB))  # someone else still gets in, until the queue is full for everyone
    launch(browser(BOB))
    with pytest.raises(gr.Error, match="The machine is busy: 8 runs are already waiting"):
        launch(browser(BOB))


def test_only_the_owner_stops_and_only_the_admin_deletes(public):
    run_id = launch(browser(ALICE))
    for handler in (runs_tab.cancel, runs_tab.resume):
        with pytest.raises(gr.Error, match="Only the person who started this run"):
            handler(run_id, "", browser(BOB))
    with pytest.raises(gr.Error, match="只有启动该训练的人"):
        runs_tab.cancel(run_id, "", browser(None, "zh"))
    assert "removed from the queue at step 0" in runs_tab.cancel(run_id, "", browser(ALICE))
    assert "will continue" in runs_tab.resume(run_id, "", browser(ALICE))
    assert "removed from the queue" in runs_tab.cancel(run_id, "s3cret-token", browser(BOB))  # the admin may stop any
    assert "had already ended (cancelled, step 0)" in runs_tab.cancel(run_id, "", browser(ALICE))
    for token in ("", "wrong", None):
        with pytest.raises(gr.Error, match="needs the admin token"):
            runs_tab.delete(run_id, token, browser(ALICE))
    assert "deleted" in runs_tab.delete(run_id, "s3cret-token", browser(BOB))


def test_locally_anyone_may_stop_and_delete(home, monkeypatch):
    monkeypatch.delenv("SPACE_ID", raising=False)
    monkeypatch.delenv("PAPERLAB_PUBLIC", raising=False)
    monkeypatch.setenv("PAPERLAB_MAX_RUNNING", "0")
    run_id = launch(browser(ALICE), preset="", steps=64_000)
    assert "removed from the queue" in runs_tab.cancel(run_id, "", browser(BOB))
    assert "deleted" in runs_tab.delete(run_id, "", browser(BOB))


def test_public_mode_never_reads_a_path_from_user_text(public, tmp_path):
    assert resnet_tab.check_data("sample", "en") == "sample"
    with pytest.raises(gr.Error, match="is not cifar10, sample or an existing folder"):
        resnet_tab.check_data(str(tmp_path), "en")  # exists, but on a public demo it is not looked at


def test_the_server_exposes_no_extra_folders():
    options = app.launch_options("127.0.0.1", 7860)
    assert not options.get("allowed_paths") and options["share"] is False and options["max_file_size"]


# -- issue 30: nothing one student sends takes the room down ---------------------------------------------------
def test_every_field_of_every_recipe_is_classified_and_the_costly_ones_are_held():
    """A new config field must be judged: capped, floored, preset-only or cost-free (train/limits.py)."""
    kinds = (set(limits.CAPPED), set(limits.FLOORED), set(limits.PRESET_ONLY), set(limits.COST_FREE))
    for name, recipe in RECIPES.items():
        caps, floors, allowed = limits.lecture_limits(name)
        base = recipe.config("lecture").to_dict()
        for field in (f.name for f in dataclasses.fields(recipe.config_cls)):
            assert sum(field in kind for kind in kinds) == 1, f"{name}.{field} is not classified exactly once"
            if field in limits.ZERO_MEANS_ALL and caps[field] == 0:  # a preset takes all: any number is less
                limits.check_lecture_sized(name, {**base, field: 1})
            elif field in limits.CAPPED:
                for bigger in (caps[field] * 2 + 1, *([0] if field in limits.ZERO_MEANS_ALL else [])):
                    with pytest.raises(limits.Refused, match=field):
                        limits.check_lecture_sized(name, {**base, field: bigger})
            if field in limits.FLOORED:
                with pytest.raises(limits.Refused, match=field):
                    limits.check_lecture_sized(name, {**base, field: floors[field] // 2})
            if field in limits.PRESET_ONLY:
                other = {"device": "cpu", "compile": "max-autotune", "recode_quality": 50}.get(field, not base[field])
                with pytest.raises(limits.Refused, match=field):
                    limits.check_lecture_sized(name, {**base, field: other})
        limits.check_lecture_sized(name, base)  # the lecture preset itself passes ...
        limits.check_lecture_sized(name, json.loads(json.dumps(base)))  # ... read back from a run's record (resume)


@pytest.mark.parametrize("options, refused", [
    ('{"depth": 1202}', "depth may be at most 110 here .you asked for 1202"),
    ('{"val_size": NaN}', "val_size must be a finite number"),
    ('{"lr": Infinity}', "lr must be a finite number"),
    ('{"amp": false}', "amp may be True here"),  # fp32: twice the memory and time on a GPU
    ('{"recode_quality": 90}', "recode_quality may be 0 | 75 here"),
])
def test_costly_or_broken_options_are_refused_and_nothing_is_stored(public, options, refused):
    with pytest.raises(gr.Error, match=refused):
        launch(browser(ALICE), options=options)
    assert services.store().list_runs() == []


def test_a_path_on_the_server_is_refused_in_words(public):
    """init_from names a folder on the server: the lecture preset leaves it empty, and the message says so."""
    with pytest.raises(gr.Error, match="init_from may be empty .the lecture preset's value. here"):
        launch(browser(ALICE), options='{"init_from": "/srv/other-model"}', recipe="translate")
    assert services.store().list_runs() == []


def test_nan_is_refused_locally_too(home, monkeypatch):
    monkeypatch.delenv("SPACE_ID", raising=False)
    with pytest.raises(gr.Error, match="lrn_alpha must be a finite number"):
        deployment.submit(browser(ALICE), "alexnet", None, [("x", {"lrn_alpha": float("nan")})])
    assert services.store().list_runs() == []


def test_resume_counts_against_the_same_shares_as_a_launch(public):
    """Launch, cancel, resume in a loop gave one person 16 runs against a share of 6."""
    ids = [launch(browser(ALICE)) for _ in range(deployment.RUNS_PER_PERSON)]
    runs_tab.cancel(ids[0], "", browser(ALICE))
    launch(browser(ALICE))  # the cancelled run's place
    with pytest.raises(gr.Error, match=f"each person may have {deployment.RUNS_PER_PERSON} at a time"):
        runs_tab.resume(ids[0], "", browser(ALICE))
    assert services.store().get(ids[0]).status == "cancelled"
    with pytest.raises(ValueError, match="may have 6 at a time"):  # the launcher checks again, under its lock
        deployment.resume(ids[0])


def test_shares_hold_per_client_address_behind_the_spaces_proxy(public):
    def student(n: int, forwarded: str) -> gr.Request:
        cookie = f"{deployment.OWNER_COOKIE}={n:032x}"
        return gr.Request(headers={"cookie": cookie, "x-forwarded-for": forwarded}, session_hash=f"s{n}",
                          client={"host": "10.0.0.1", "port": 1})  # the proxy's own address

    # the Space's proxy appends the address it saw; what the client wrote before it is not believed
    assert deployment.client_id(student(1, "1.1.1.1, 9.9.9.9")) == deployment.client_id(student(2, "9.9.9.9"))
    assert deployment.client_id(student(1, "9.9.9.9")) != deployment.client_id(student(1, "8.8.8.8"))
    assert "9.9.9.9" not in deployment.client_id(student(1, "9.9.9.9"))
    assert deployment.client_id(student(1, "9.9.9.9"), {}) == deployment.client_id(student(2, "8.8.8.8"), {})
    for n in range(limits.Quota.per_client):  # a fresh cookie per request is not a fresh person
        launch(student(n, f"{n}.0.0.1, 9.9.9.9"))
    with pytest.raises(gr.Error, match=f"each address may have {limits.Quota.per_client} at a time"):
        launch(student(99, "9.9.9.9"))
    launch(student(100, "8.8.8.8"))  # another network still gets in


def test_a_global_cap_on_queued_plus_running(home):
    store = services.store()
    busy = Launcher(store, max_running=1, max_queued=2)
    running = store.create_run("resnet", {"steps": 5})
    store.update(running, status="running", pid=os.getpid())  # e.g. a run started with `python -m train`
    busy.submit("resnet", {"steps": 5})
    with pytest.raises(QueueFull, match="2 waiting or training"):
        busy.submit_many("resnet", [("a", {"steps": 5}), ("b", {"steps": 5})])  # all or none
    assert len(store.list_runs()) == 2


def test_user_text_reaches_other_screens_as_text(public):
    """A run label's Markdown rendered a link and an image in every open Runs tab, the projector included."""
    from markdown_it import MarkdownIt

    label = "[phish](https://evil.example) ![](https://evil.example/x.png) <img src=x onerror=alert(1)> \u202egnp.exe\x07"
    run_id = launch(browser(ALICE), label=label)
    services.store().update(run_id, message="**failed** <a href='https://evil.example'>\nclick</a>\u2066")
    services.store().log_metrics(run_id, 1, {"loss": 2.0})
    page = MarkdownIt("commonmark").enable("table").render(runs_tab.details(run_id))
    assert "<a" not in page and "<img" not in page and "<strong>failed" not in page
    for hidden in "\u202e\x07\u2066\n":
        assert hidden not in services.store().get(run_id).label + services.store().get(run_id).message
    assert "[phish](https://evil.example)" in page.replace("\\", "")  # shown as written, markup and all
    [trace] = runs_tab.overlay_figure([run_id], ["loss"]).data  # plotly reads <a href> in legends
    assert "<img" not in trace.name and "&lt;img src=x" in trace.name
    assert shown("a|b") == "a\\|b" and shown("<b>", markdown=False) == "&lt;b&gt;"


# -- bounded disk and memory ------------------------------------------------------------------------------
def test_downloads_are_made_once_per_run_and_step_and_cleaned(home, monkeypatch, tmp_path):
    """Every metrics or checkpoint download wrote a new temporary folder, never deleted (50 downloads: +106 MB)."""
    monkeypatch.setattr(services, "DOWNLOADS", tmp_path / "downloads")
    store = services.store()
    run_id = store.create_run("resnet", {"steps": 5})
    request = browser(ALICE)
    first = runs_tab.metrics_file(run_id, request)
    assert runs_tab.metrics_file(run_id, request) == first and first.endswith("-metrics-step0.csv")
    store.log_metrics(run_id, 5, {"loss": 1.0})
    monkeypatch.setattr(services, "SERVING_S", 0.0)  # older files are no longer on their way to Gradio's cache
    newer = runs_tab.metrics_file(run_id, request)
    assert newer != first and os.listdir(os.path.dirname(newer)) == [os.path.basename(newer)]
    monkeypatch.setattr(services, "KEEP_RUNS", 2)
    for _ in range(4):
        runs_tab.metrics_file(store.create_run("resnet", {"steps": 5}), request)
    assert len(os.listdir(tmp_path / "downloads")) == 2


def test_a_made_picture_outlives_its_use_while_others_prune(monkeypatch, tmp_path):
    """A student's search uses a picture it shares with others just as another student's new picture prunes the
    folder (prune has listed the old picture, not yet removed it): the picture must still be there when Gradio
    copies it (a 150-student class got 403 for two)."""
    import threading
    import time

    monkeypatch.setattr(services, "KEEP_FILES", 1)
    shared = services.made_file(tmp_path, "shared.png", b"shared")
    os.utime(shared, (0, 0))  # old: prune may remove it unless someone uses it again
    clock, used, user = time.time, [], []

    def now() -> float:  # prune asks the time once it has listed the folder: just then the other student asks
        if not user:
            user.append(threading.Thread(target=lambda: used.append(services.made_file(tmp_path, "shared.png",
                                                                                         b"shared"))))
            user[0].start()
            user[0].join(0.5)  # done at once without a lock; waits for prune with one
        return clock()

    monkeypatch.setattr(time, "time", now)
    services.made_file(tmp_path, "new.png", b"new")
    user[0].join()
    monkeypatch.setattr(time, "time", clock)
    assert used[0].read_bytes() == b"shared"


def test_made_files_are_pruned_to_the_newest_in_batches(monkeypatch, tmp_path):
    """Pictures are pruned once per KEEP_FILES / PRUNE_SHARE new ones (not on each: that queued a class on the
    lock), so a folder never holds more than KEEP_FILES plus one batch, and the newest stay."""
    monkeypatch.setattr(services, "KEEP_FILES", 16)
    monkeypatch.setattr(services, "SERVING_S", -1.0)  # every file may go (none is on its way to Gradio)
    sizes = []
    for i in range(50):
        os.utime(services.made_file(tmp_path, f"{i:02d}.png", b"%d" % i), (i, i))  # made in order, one second apart
        sizes.append(len(os.listdir(tmp_path)))
    assert max(sizes) == 16 + 16 // services.PRUNE_SHARE - 1 and min(sizes[16:]) == 16
    assert sorted(os.listdir(tmp_path))[-1] == "49.png" and "00.png" not in os.listdir(tmp_path)
    assert (tmp_path / "45.png").read_bytes() == b"45"  # a file in use is touched, not rewritten
    services.made_file(tmp_path, "45.png", b"other")
    assert (tmp_path / "45.png").read_bytes() == b"45"


def test_an_upload_request_is_capped_in_total(monkeypatch):
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
    from starlette.testclient import TestClient

    stored = []

    async def upload(request):  # stands for Gradio's /upload, which stores every file it parses
        stored.extend((await request.form()).getlist("files"))
        return PlainTextResponse(str(len(stored)))

    server = Starlette(routes=[Route("/gradio_api/upload", upload, methods=["POST"])])
    client = TestClient(deployment.UploadLimit(server, max_bytes=100_000))
    under = [("files", (f"{i}.png", b"x" * 9000)) for i in range(10)]
    assert client.post("/gradio_api/upload", files=under).status_code == 200 and len(stored) == 10
    over = [("files", (f"{i}.png", b"x" * 9000)) for i in range(12)]  # each under any per-file limit
    refused = client.post("/gradio_api/upload", files=over)
    assert refused.status_code == 413 and "at most 0.0954 MB in all" in refused.text and len(stored) == 10


def test_the_app_bounds_its_caches_sessions_and_queue(monkeypatch):
    options = app.launch_options("127.0.0.1", 7860)
    assert options["state_session_capacity"] == deployment.SESSIONS <= 1000  # Gradio's default keeps 10,000
    assert [m.cls for m in options["app_kwargs"]["middleware"]] == [deployment.UploadLimit]
    monkeypatch.setattr(app, "TABS", ())  # the shell alone: quick to build
    assert app.build_app().delete_cache == deployment.DELETE_CACHE
    for name in deployment.QUEUE_RECORDS:
        monkeypatch.delenv(name, raising=False)
    queue = deployment.configure(gr.Blocks())._queue
    assert queue.max_size >= 200 and queue.default_concurrency_limit <= 4  # a pending action per student
    # its monitoring records: summarised with pandas once a thousand events (not after each), the last thousand kept
    assert queue.ANAYLTICS_CACHE_FREQUENCY >= 1000 and queue.ANALYTICS_MAX_EVENTS <= 1000


# -- deploys to a Space as is ------------------------------------------------------------------------------
def test_every_binary_and_every_large_file_goes_to_lfs():
    """The Hugging Face Hub refuses a push with binaries (or files over 10 MB) stored as plain git objects."""
    root = Path(app.__file__).resolve().parent

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout

    try:
        listing = git("ls-files", "--eol", "-z")
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    tracked = [entry.split("\t", 1) for entry in listing.split("\0") if entry]
    binary = {path for info, path in tracked if "i/-text" in info}
    large = {path for _, path in tracked if (root / path).is_file() and (root / path).stat().st_size > 10 << 20}
    assert {"assets/models/transformer-en-de/model.safetensors", "assets/samples/cifar10-sample.npz"} <= binary | large
    fields = git("check-attr", "-z", "filter", "--", *sorted(binary | large)).split("\0")
    filters = dict(zip(fields[0::3], fields[2::3]))
    assert [path for path in sorted(binary | large) if filters.get(path) != "lfs"] == []


def test_assets_keep_within_their_60_mb():
    """Issue 32's budget for what every clone and every Space carries: all of assets/ in at most 60 MB."""
    assets = Path(app.__file__).resolve().parent / "assets"
    assert sum(f.stat().st_size for f in assets.rglob("*") if f.is_file()) <= 60_000_000
