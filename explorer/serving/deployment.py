"""Who may do what: public-demo mode, run owners, the admin token, and the server's queue limits.

On a public deployment (a Hugging Face Space sets SPACE_ID; PAPERLAB_PUBLIC=1 forces it) many
students share one machine, so launches from the UI are held to lecture-sized presets and a few
runs per person, only a run's owner may stop or resume it, and deleting runs needs the admin token
in $PAPERLAB_ADMIN_TOKEN. Locally (one person, their own machine) none of this applies.

A run's owner is a random id the browser keeps in the cookie OWNER_COOKIE (set by BROWSER_ID_JS on
page load, sent with every request), else the page's Gradio session. The id is never shown to
others, so it works as a bearer token: knowing a run id is not enough to stop someone's run.
"""
from __future__ import annotations

import math
import os
import re
import secrets
import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

import gradio as gr

from explorer.serving.services import launcher, store
from explorer.shared.i18n import cookie, language, text
from train.launcher import QueueFull
from train.recipes import EXPERIMENTS, RECIPES
from train.store import ACTIVE, RunRecord

OWNER_COOKIE = "paperlab-owner"
OWNER_ID = re.compile(r"^[0-9a-f]{32}$")
# At most the largest value in the recipe's lecture presets (0 means "all" for the two *_size fields: over any cap) ...
CAPPED = ("steps", "batch_size", "train_size", "eval_size", "n_layers", "d_model", "d_ff", "vocab_size")
# ... and at least the smallest: evaluating or snapshotting every step would multiply a run's cost.
FLOORED = ("log_every", "eval_every", "checkpoint_every", "snapshot_every")
PUBLIC_DATA = ("sample", "cifar10")
RUNS_PER_PERSON = 6  # a whole Fig. 6 experiment (3 depths, plain and residual) fits; the queue holds 8
# Gradio queue: at most 4 calls of each event handler run at once, 64 wait; a full queue answers "queue is full,
# try again" at once instead of leaving requests to time out (20 sessions: `python -m tools.loadtest`).
QUEUE = {"default_concurrency_limit": 4, "max_size": 64}

BROWSER_ID_JS = f"""() => {{
  if (!document.cookie.split("; ").some(c => c.startsWith("{OWNER_COOKIE}="))) {{
    const id = Array.from(crypto.getRandomValues(new Uint8Array(16)), b => b.toString(16).padStart(2, "0")).join("");
    document.cookie = `{OWNER_COOKIE}=${{id}}; path=/; max-age=31536000; SameSite=Strict`;
  }}
}}"""



def public_mode(env: Mapping[str, str] | None = None) -> bool:
    """True on a Hugging Face Space (SPACE_ID set) or when PAPERLAB_PUBLIC=1."""
    env = os.environ if env is None else env
    return bool(env.get("SPACE_ID")) or env.get("PAPERLAB_PUBLIC", "") == "1"


def configure(demo: gr.Blocks) -> gr.Blocks:
    """At start-up: the queue limits, and the launcher's tick, which at once finds runs that died while the app
    was down (interrupted, resumable), keeps watching the ones still training and starts queued ones."""
    launcher()
    return demo.queue(**QUEUE)


def remember_browser() -> None:
    """On page load, give this browser a random owner id (kept in a cookie for a year); call inside a Blocks."""
    gr.on(None, None, js=BROWSER_ID_JS)


def owner_id(request: gr.Request | None) -> str:
    """Who is asking: the browser's owner cookie, else the page's session; '' without a request."""
    if request is None:
        return ""
    browser = cookie(request, OWNER_COOKIE)
    if browser is not None and OWNER_ID.match(browser):
        return browser
    session = re.sub(r"[^A-Za-z0-9]", "", str(getattr(request, "session_hash", "") or ""))[:64]
    return f"session-{session}" if session else ""


def is_admin(token: Any, env: Mapping[str, str] | None = None) -> bool:
    """The token matches $PAPERLAB_ADMIN_TOKEN (compared in constant time); never when that is unset."""
    expected = (os.environ if env is None else env).get("PAPERLAB_ADMIN_TOKEN", "")
    return bool(expected) and isinstance(token, str) and secrets.compare_digest(token.encode(), expected.encode())


# -- checks (raise gr.Error in the asker's language) ----------------------------------------------------------
def lecture_limits(recipe: str) -> tuple[dict[str, int], dict[str, int]]:
    """(caps, floors): the largest value of each CAPPED field and the smallest of each FLOORED field over the
    recipe's lecture preset and its experiments' lecture presets."""
    presets = [RECIPES[recipe].presets.get("lecture", {})]
    presets += [e.presets.get("lecture", {}) for e in EXPERIMENTS.values() if e.recipe == recipe]
    base = RECIPES[recipe].config("lecture" if "lecture" in RECIPES[recipe].presets else None).to_dict()
    values = {field: [preset.get(field, base[field]) for preset in presets] for field in (*CAPPED, *FLOORED)
              if field in base}
    return ({f: max(v) for f, v in values.items() if f in CAPPED}, {f: min(v) for f, v in values.items() if f in FLOORED})


def check_public_launch(recipe: str, preset: str | None, config: Mapping[str, Any], lang: str) -> None:
    """In public mode: lecture preset, bundled or CIFAR-10 data, no field past its lecture_limits()."""
    if not public_mode():
        return
    if preset != "lecture" or recipe not in RECIPES:
        raise gr.Error(text("deploy.need_lecture", lang))
    if "data" in config and config["data"] not in PUBLIC_DATA:
        raise gr.Error(text("deploy.data", lang))
    caps, floors = lecture_limits(recipe)
    for field, limit in caps.items():
        value = config.get(field, limit)
        size = math.inf if field.endswith("_size") and field != "batch_size" and value == 0 else value
        if size > limit:
            raise gr.Error(text("deploy.too_big", lang, field=field, limit=limit, value=value))
    for field, limit in floors.items():
        if config.get(field, limit) < limit:
            raise gr.Error(text("deploy.too_often", lang, field=field, limit=limit, value=config[field]))


def check_capacity(owner: str, count: int, lang: str) -> None:
    """Room for count more runs: in the queue (everywhere) and in this person's share (public mode)."""
    queued = len(store().list_runs(statuses=["queued"]))
    if queued + count > launcher().max_queued:
        raise gr.Error(text("deploy.busy", lang, n=queued))
    if public_mode():
        mine = sum(1 for r in store().list_runs(statuses=ACTIVE) if r.owner == owner)
        if mine + count > RUNS_PER_PERSON:
            raise gr.Error(text("deploy.quota", lang, n=mine, limit=RUNS_PER_PERSON))


def submit(request: gr.Request | None, recipe: str, preset: str | None, runs: Sequence[tuple[str, dict[str, Any]]],
           group_id: str | None = None) -> list[str]:
    """Queue runs (label, config dict) of one recipe for the asker, all checked before any is queued; gr.Error
    when one is not allowed or there is no room."""
    lang, owner = language(request), owner_id(request)
    for _, config in runs:
        check_public_launch(recipe, preset, config, lang)
    check_capacity(owner, len(runs), lang)
    try:
        return [launcher().submit(recipe, config, label=label, group_id=group_id, owner=owner) for label, config in runs]
    except QueueFull:  # another user filled the queue between the check and the submit
        raise gr.Error(text("deploy.busy", lang, n=launcher().max_queued)) from None
    except (OSError, sqlite3.Error) as exc:  # e.g. disk full while writing the run's record
        raise gr.Error(text("deploy.write_failed", lang, why=str(exc)[:200])) from exc


def check_may_control(run: RunRecord, request: gr.Request | None, token: Any = "") -> None:
    """Stop or resume: in public mode only the run's owner (or the admin)."""
    if public_mode() and not is_admin(token) and (not run.owner or run.owner != owner_id(request)):
        raise gr.Error(text("deploy.not_yours", language(request)))


def check_may_delete(request: gr.Request | None, token: Any) -> None:
    """Delete: in public mode only with the admin token."""
    if public_mode() and not is_admin(token):
        raise gr.Error(text("deploy.admin_only", language(request)))
