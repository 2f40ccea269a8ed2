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

import hashlib
import os
import re
import secrets
import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

import gradio as gr

from explorer.serving.services import launcher, public_mode
from explorer.shared.i18n import cookie, error, language, text
from train.launcher import QueueFull, QuotaExceeded, Stopped
from train.limits import Quota, Refused, check_finite, check_lecture_sized
from train.recipes import RECIPES
from train.store import RunRecord

OWNER_COOKIE = "paperlab-owner"
OWNER_ID = re.compile(r"^[0-9a-f]{32}$")
RUNS_PER_PERSON = Quota.per_owner  # a whole Fig. 6 experiment (3 depths, plain and residual) fits; the queue holds 8
CANCEL_WAIT_S = 5.0  # a Cancel waits this long for the run to stop, to say at which step it did
# Gradio queue: at most 4 calls of each event handler run at once (2 to 4 cores: more only share them), 256 wait:
# one pending action for each of 200 students in a lecture; a full queue answers "queue is full, try again" at once
# instead of leaving requests to time out (`python -m tools.loadtest`).
QUEUE = {"default_concurrency_limit": 4, "max_size": 256}
# Gradio's queue keeps every event's record for its monitoring page and, after each event, summarises them all with
# pandas: 8-15 ms of the server's CPU per event (10,000 records), a sixth of a neighbour search's. Summarised once a
# thousand events here, over the last thousand.
QUEUE_RECORDS = {"GRADIO_ANALYTICS_CACHE_FREQUENCY": "1000", "GRADIO_ANALYTICS_MAX_EVENTS": "1000"}
# Server-side bounds for a public Space of 200 students:
DELETE_CACHE = (600, 1800)   # every 10 min, delete Gradio's cached uploads and outputs older than 30 min
SESSIONS = 500               # sessions whose gr.State Gradio keeps (the oldest go first): 200 students, reloads
MAX_UPLOAD = "20mb"          # one file (Gradio's max_file_size) ...
UPLOAD_TOTAL = 24 << 20      # ... and all files of one upload request together (UploadLimit)

BROWSER_ID_JS = f"""() => {{
  if (!document.cookie.split("; ").some(c => c.startsWith("{OWNER_COOKIE}="))) {{
    const id = Array.from(crypto.getRandomValues(new Uint8Array(16)), b => b.toString(16).padStart(2, "0")).join("");
    document.cookie = `{OWNER_COOKIE}=${{id}}; path=/; max-age=31536000; SameSite=Strict`;
  }}
}}"""


def configure(demo: gr.Blocks) -> gr.Blocks:
    """At start-up: the queue limits, and the launcher's tick, which at once finds runs that died while the app
    was down (interrupted, resumable), keeps watching the ones still training and starts queued ones."""
    launcher()
    for name, value in QUEUE_RECORDS.items():  # read when the queue is made
        os.environ.setdefault(name, value)
    return demo.queue(**QUEUE)


def quota() -> Quota | None:
    """Each person's and each address's share of the queue, in public mode; None (no shares) locally."""
    return Quota.from_env() if public_mode() else None


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


def client_id(request: gr.Request | None, env: Mapping[str, str] | None = None) -> str:
    """Who is asking, by network address: behind a Space's proxy the address that proxy appended to
    X-Forwarded-For (the last PAPERLAB_PROXY_HOPS-th entry; a client can forge the ones before it), else the
    connection's; a short hash of it, never the address itself ('' without one)."""
    if request is None:
        return ""
    env = os.environ if env is None else env
    hops = int(env.get("PAPERLAB_PROXY_HOPS") or (1 if env.get("SPACE_ID") else 0))
    forwarded = [a.strip() for a in (request.headers.get("x-forwarded-for") or "").split(",") if a.strip()]
    client = getattr(request, "client", None)
    address = forwarded[-hops] if hops and len(forwarded) >= hops else getattr(client, "host", "") or ""
    return hashlib.sha256(f"paperlab:{address}".encode()).hexdigest()[:16] if address else ""


def is_admin(token: Any, env: Mapping[str, str] | None = None) -> bool:
    """The token matches $PAPERLAB_ADMIN_TOKEN (compared in constant time); never when that is unset."""
    expected = (os.environ if env is None else env).get("PAPERLAB_ADMIN_TOKEN", "")
    return bool(expected) and isinstance(token, str) and secrets.compare_digest(token.encode(), expected.encode())


# -- checks (raise gr.Error in the asker's language) ----------------------------------------------------------
def refusal(exc: Refused | QueueFull | QuotaExceeded, lang: str) -> gr.Error:
    """The message for a refused launch or resume."""
    if isinstance(exc, QueueFull):
        return error("deploy.busy", lang, n=exc.queued)
    if isinstance(exc, QuotaExceeded):
        return error("deploy.quota" if exc.who == "owner" else "deploy.quota_address", lang, n=exc.active,
                             limit=exc.limit)
    if exc.why == "data":
        return error("deploy.data", lang)
    shown = [text("deploy.empty", lang) if v == "" else str(v) for v in
             (exc.limit if isinstance(exc.limit, tuple) else (exc.limit,))]
    limit = " | ".join(shown)
    return error(f"deploy.{exc.why}", lang, field=exc.field, limit=limit, value=exc.value)


def check_public_launch(recipe: str, preset: str | None, config: Mapping[str, Any], lang: str) -> None:
    """No NaN or infinity anywhere; in public mode also the lecture preset and lecture sizes (train/limits.py)."""
    try:
        check_finite(config)
        if public_mode():
            if preset != "lecture" or recipe not in RECIPES:
                raise error("deploy.need_lecture", lang)
            check_lecture_sized(recipe, config)
    except Refused as exc:
        raise refusal(exc, lang) from None


def submit(request: gr.Request | None, recipe: str, preset: str | None, runs: Sequence[tuple[str, dict[str, Any]]],
           group_id: str | None = None) -> list[str]:
    """Queue runs (label, config dict) of one recipe for the asker, all or none; gr.Error when one is not allowed
    or there is no room (in the queue; in public mode also in the asker's and the asker's address's share)."""
    lang = language(request)
    for _, config in runs:
        check_public_launch(recipe, preset, config, lang)
    try:
        return launcher().submit_many(recipe, [(label, dict(config)) for label, config in runs], group_id=group_id,
                                      owner=owner_id(request), client=client_id(request), quota=quota())
    except (QueueFull, QuotaExceeded) as exc:
        raise refusal(exc, lang) from None
    except (OSError, sqlite3.Error) as exc:  # e.g. disk full while writing the run's record
        raise error("deploy.write_failed", lang, why=str(exc)[:200]) from exc


def check_may_resume(run: RunRecord, request: gr.Request | None, token: Any = "") -> None:
    """Resume: its owner (or the admin), and in public mode only a run a launch could have queued now."""
    check_may_control(run, request, token)
    lang = language(request)
    if public_mode():
        check_public_launch(run.recipe, "lecture", run.config, lang)
    if run.status in ("interrupted", "cancelled", "failed"):  # else resume() says why it cannot
        try:
            launcher().admit(1, owner=run.owner, client=run.client, quota=quota())
        except (QueueFull, QuotaExceeded) as exc:
            raise refusal(exc, lang) from None


def resume(run_id: str) -> None:
    """Queue an ended run again, counted against the queue and (public mode) its owner's and address's share
    (check_may_resume said so in the asker's language; this checks again, as another user may have come first)."""
    try:
        launcher().resume(run_id, quota=quota())
    except (QueueFull, QuotaExceeded) as exc:
        raise ValueError(str(exc)) from None


def cancel(run_id: str) -> tuple[str, dict[str, Any]]:
    """Stop a run, waiting a little to say what happened: (message key, its fields)."""
    said: Stopped = launcher().cancel(run_id, wait_s=CANCEL_WAIT_S)
    return f"deploy.{said.what}", {"step": said.step, "status": said.status}


def check_may_control(run: RunRecord, request: gr.Request | None, token: Any = "") -> None:
    """Stop or resume: in public mode only the run's owner (or the admin)."""
    if public_mode() and not is_admin(token) and (not run.owner or run.owner != owner_id(request)):
        raise error("deploy.not_yours", language(request))


def check_may_delete(request: gr.Request | None, token: Any) -> None:
    """Delete: in public mode only with the admin token."""
    if public_mode() and not is_admin(token):
        raise error("deploy.admin_only", language(request))


class UploadLimit:
    """ASGI middleware: an upload request whose body passes max_bytes is answered 413 and not stored. Gradio's
    max_file_size holds each file, not their sum: one request of many files just under it was accepted."""

    def __init__(self, app: Any, max_bytes: int = UPLOAD_TOTAL):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not scope["path"].rstrip("/").endswith(
                ("/upload", "/component_server")):
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length", b"0")
        if not declared.isdigit() or int(declared) > self.max_bytes:
            return await self.refuse(send)
        seen = 0

        async def counted() -> dict:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:  # a body longer than it declared, or chunked
                raise UploadTooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except UploadTooLarge:  # Gradio reads the whole body before it answers: nothing is sent yet
            await self.refuse(send)

    async def refuse(self, send: Any) -> None:
        body = f"An upload may hold at most {self.max_bytes / 2**20:.3g} MB in all.".encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


class UploadTooLarge(Exception):
    """Raised inside UploadLimit to abandon the request."""
