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
import html
import os
import re
import secrets
import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

import gradio as gr

from explorer.i18n import cookie, language, text
from explorer.services import launcher, public_mode
from train.launcher import QueueFull, QuotaExceeded, Stopped
from train.limits import Quota, Refused, check_finite, check_lecture_sized
from train.recipes import RECIPES
from train.store import RunRecord, clean_text

OWNER_COOKIE = "paperlab-owner"
OWNER_ID = re.compile(r"^[0-9a-f]{32}$")
MARKDOWN = re.compile(r"[\\`*_{}\[\]()#+\-.!|~=:]")  # what Markdown could read as markup (< > & go as HTML)
RUNS_PER_PERSON = Quota.per_owner  # a whole Fig. 6 experiment (3 depths, plain and residual) fits; the queue holds 8
CANCEL_WAIT_S = 5.0  # a Cancel waits this long for the run to stop, to say at which step it did
# Gradio queue: at most 4 calls of each event handler run at once (2 to 4 cores: more only share them), 256 wait:
# one pending action for each of 200 students in a lecture; a full queue answers "queue is full, try again" at once
# instead of leaving requests to time out (`python -m explorer.loadtest`).
QUEUE = {"default_concurrency_limit": 4, "max_size": 256}
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

STRINGS = {
    "deploy.admin_token": ("Admin token (needed to delete runs on this public demo)",
                           "管理员令牌（在公开演示中删除训练需要）"),
    "deploy.need_lecture": ("This public demo trains the lecture presets only: choose the “lecture” preset.",
                            "公开演示只能训练课堂预设：请选择“lecture”预设。"),
    "deploy.too_big": ("This public demo keeps runs lecture-sized: {field} may be at most {limit} here (you asked "
                       "for {value}). Train bigger runs on your own machine with `python -m train`.",
                       "公开演示只运行课堂规模的训练：这里 {field} 最大为 {limit}（你设置的是 {value}）。"
                       "更大的训练请在自己的机器上用 `python -m train` 运行。"),
    "deploy.too_often": ("This public demo keeps runs lecture-sized: {field} must be at least {limit} here (you "
                         "asked for {value}).",
                         "公开演示只运行课堂规模的训练：这里 {field} 至少为 {limit}（你设置的是 {value}）。"),
    "deploy.data": ("This public demo trains on the bundled sample or on CIFAR-10 only.",
                    "公开演示只能使用随附的样本或 CIFAR-10 进行训练。"),
    "deploy.quota": ("You already have {n} runs queued or training, and each person may have {limit} at a time "
                     "here: wait for one to finish, or stop one.",
                     "你已有 {n} 个训练在排队或运行，这里每人同时最多 {limit} 个：请等其中一个结束，或先停止一个。"),
    "deploy.busy": ("The machine is busy: {n} runs are already waiting. Try again in a few minutes.",
                    "机器正忙：已有 {n} 个训练在排队。请过几分钟再试。"),
    "deploy.write_failed": ("Cannot record the run ({why}): the server's disk may be full. Try again later.",
                            "无法记录该训练（{why}）：服务器磁盘可能已满。请稍后再试。"),
    "deploy.not_yours": ("Only the person who started this run can stop or resume it.",
                         "只有启动该训练的人才能停止或继续它。"),
    "deploy.admin_only": ("Deleting runs on this public demo needs the admin token.",
                          "在公开演示中删除训练需要管理员令牌。"),
    # issue 30: refusals, per-address limits and what a Cancel did
    "deploy.not_finite": ("{field} must be a finite number here (you asked for {value}).",
                          "{field} 必须是有限的数字（你设置的是 {value}）。"),
    "deploy.not_offered": ("This public demo keeps runs lecture-sized: {field} may be {limit} here (you asked for "
                           "{value}).", "公开演示只运行课堂规模的训练：这里 {field} 只能是 {limit}（你设置的是 {value}）。"),
    "deploy.quota_address": ("Your network already has {n} runs queued or training, and each address may have "
                             "{limit} at a time here: wait for one to finish, or stop one.",
                             "你的网络已有 {n} 个训练在排队或运行，这里每个地址同时最多 {limit} 个："
                             "请等其中一个结束，或先停止一个。"),
    "deploy.removed": ("Run {run_id} was removed from the queue at step {step}; resume it to queue it again.",
                       "训练 {run_id} 已从队列中移除（第 {step} 步）；继续训练可重新排队。"),
    "deploy.stopped": ("Run {run_id} stopped at step {step} ({status}); resume it to continue from its last "
                       "checkpoint.", "训练 {run_id} 已在第 {step} 步停止（{status}）；继续训练可从最新检查点接着训练。"),
    "deploy.stopping": ("Run {run_id} is stopping at step {step}: it saves a checkpoint first.",
                        "训练 {run_id} 正在第 {step} 步停止：它会先保存检查点。"),
    "deploy.ended": ("Run {run_id} had already ended ({status}, step {step}): nothing to stop.",
                     "训练 {run_id} 已经结束（{status}，第 {step} 步）：无需停止。"),
}


def configure(demo: gr.Blocks) -> gr.Blocks:
    """At start-up: the queue limits, and the launcher's tick, which at once finds runs that died while the app
    was down (interrupted, resumable), keeps watching the ones still training and starts queued ones."""
    launcher()
    return demo.queue(**QUEUE)


def shown(value: Any, *, markdown: bool = True) -> str:
    """Text another user typed (a run's label, a message) as it reads, wherever others see it: no control or bidi
    characters, HTML escaped, and for Markdown (markdown=True) its markup too; markdown=False: for plot labels."""
    plain = clean_text(str(value))
    return html.escape(MARKDOWN.sub(lambda m: "\\" + m.group(), plain) if markdown else plain)


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
        return gr.Error(text("deploy.busy", lang, n=exc.queued))
    if isinstance(exc, QuotaExceeded):
        return gr.Error(text("deploy.quota" if exc.who == "owner" else "deploy.quota_address", lang, n=exc.active,
                             limit=exc.limit))
    if exc.why == "data":
        return gr.Error(text("deploy.data", lang))
    limit = " | ".join(map(str, exc.limit)) if isinstance(exc.limit, tuple) else exc.limit
    return gr.Error(text(f"deploy.{exc.why}", lang, field=exc.field, limit=limit, value=exc.value))


def check_public_launch(recipe: str, preset: str | None, config: Mapping[str, Any], lang: str) -> None:
    """No NaN or infinity anywhere; in public mode also the lecture preset and lecture sizes (train/limits.py)."""
    try:
        check_finite(config)
        if public_mode():
            if preset != "lecture" or recipe not in RECIPES:
                raise gr.Error(text("deploy.need_lecture", lang))
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
        raise gr.Error(text("deploy.write_failed", lang, why=str(exc)[:200])) from exc


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
        raise gr.Error(text("deploy.not_yours", language(request)))


def check_may_delete(request: gr.Request | None, token: Any) -> None:
    """Delete: in public mode only with the admin token."""
    if public_mode() and not is_admin(token):
        raise gr.Error(text("deploy.admin_only", language(request)))


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
