"""The studio app factory: ``create_app(settings)`` wires database, routes, errors and jobs.

Every router of ``coulisses.web.routes`` is included, in the order of ``routers()``. Every route
depends on ``csrf_protect``, so no state-changing request can skip the token.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from coulisses.settings import Settings, load_settings

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
SWEEP_EVERY = 30 * 60  # seconds between sweeps of abandoned uploads and dead render folders
                       # (also one on start)


class SecurityMiddleware:
    """Adds the security headers, and the CSRF and language cookies a request asked for."""

    def __init__(self, app: Any, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        from coulisses.web.csrf import CSRF_COOKIE
        from coulisses.web.i18n_web import LANG_COOKIE
        from coulisses.web.proxy import secure_cookies
        from coulisses.web.security import HEADERS, PRIVATE

        secure = secure_cookies(scope, self.settings)
        private = not scope.get("path", "").startswith("/static/")

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in HEADERS if k not in present]
                if private:
                    headers += [(k, v) for k, v in PRIVATE if k not in present]
                state = scope.get("state") or {}
                if state.get("new_csrf"):
                    headers.append(_cookie(CSRF_COOKIE, state["new_csrf"], secure, "Strict"))
                if state.get("set_lang"):
                    headers.append(_cookie(LANG_COOKIE, state["set_lang"], secure, "Lax",
                                           http_only=False))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _cookie(name: str, value: str, secure: bool, same_site: str, *,
            http_only: bool = True) -> tuple[bytes, bytes]:
    cookie: SimpleCookie = SimpleCookie()
    cookie[name] = value
    morsel = cookie[name]
    morsel["path"] = "/"
    morsel["samesite"] = same_site
    morsel["max-age"] = str(365 * 24 * 3600)
    if http_only:
        morsel["httponly"] = True
    if secure:
        morsel["secure"] = True
    return b"set-cookie", morsel.OutputString().encode("latin-1")


def create_app(settings: Settings | None = None, *, database_url: str | None = None,
               start_worker: bool = True) -> FastAPI:
    """The studio as an ASGI app; the database is migrated to head when the app starts.

    Raises:
        UsageError: the database URL cannot be used.
    """
    from coulisses.studio.db import default_url, open_database
    from coulisses.studio.jobs.registry import register_builtin
    from coulisses.studio.jobs.worker import Worker
    from coulisses.web import errors_web, proxy
    from coulisses.web.bodylimit import BodyLimitMiddleware
    from coulisses.web.deps import bounded_ids, csrf_protect, make_templates

    settings = settings or load_settings()
    proxy.public_origin(settings)  # a malformed public URL stops the start, not each request
    url = database_url or default_url(settings)
    engine, sessions = open_database(url)

    register_builtin()  # the job kinds the API accepts, whether or not a worker runs here

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from anyio import to_thread

        from coulisses.publish.service import PublishThread
        from coulisses.studio.db import SERVER_THREADS
        from coulisses.studio.files import sweep_work_folders
        from coulisses.studio.uploads import MB, UploadStore

        # the pool has a connection for each of these threads (studio/db.py)
        to_thread.current_default_thread_limiter().total_tokens = SERVER_THREADS
        uploads = UploadStore(settings.data_dir, settings.upload_max_mb * MB)
        swept = await to_thread.run_sync(uploads.sweep)
        if swept:
            log.info("removed %d abandoned uploads", swept)

        def sweep_renders() -> int:
            return sweep_work_folders(settings.data_dir)

        swept = await to_thread.run_sync(sweep_renders)
        if swept:
            log.info("removed %d work folders of killed renders", swept)

        def purge_trash() -> int:  # what has been in the trash past its retention goes
            from coulisses.studio import trash

            with sessions() as db:
                return trash.purge(db, settings.data_dir)

        worker = Worker(sessions, settings) if start_worker else None
        app.state.worker = worker
        publisher = PublishThread(settings, sessions) if start_worker else None
        if publisher is not None:  # the same worker as `coulisses publish run`
            publisher.start()
        if worker is not None:
            from coulisses.studio import mail

            # e-mail does not wait for a long render: its own thread
            worker.every(mail.EVERY, lambda: mail.deliver(sessions, settings), during_jobs=True)
            worker.every(SWEEP_EVERY, uploads.sweep)
            worker.every(SWEEP_EVERY, sweep_renders)
            worker.every(SWEEP_EVERY, purge_trash)
            from coulisses.backstage.polls import purge_chore

            worker.every(SWEEP_EVERY, purge_chore(sessions))  # closed polls' visitor digests
            from coulisses.challenges import purge as challenge_purge  # withdrawn entries

            worker.every(SWEEP_EVERY, challenge_purge.purge_chore(sessions, settings.data_dir))
            from coulisses.challenges.intake import EntryUploads  # abandoned entry uploads

            worker.every(SWEEP_EVERY, EntryUploads(settings.data_dir, 0).sweep)
            worker.start()
        try:
            yield
        finally:
            if worker is not None:
                worker.stop()
            if publisher is not None:
                publisher.stop()

    app = FastAPI(title="coulisses studio", lifespan=lifespan, docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json",
                  dependencies=[Depends(bounded_ids), Depends(csrf_protect)])
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = sessions
    app.state.database_url = url
    app.state.templates = make_templates()
    app.state.worker = None
    errors_web.install(app)
    for router in routers():
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    app.add_middleware(BodyLimitMiddleware, settings=settings)
    build = app.build_middleware_stack

    def build_stack() -> Any:
        # the security headers wrap Starlette's own error middleware, so a 500 has them too;
        # the forwarded headers are read before anything looks at the client or the scheme
        return proxy.wrap(SecurityMiddleware(build(), settings), settings)

    app.build_middleware_stack = build_stack  # type: ignore[method-assign]
    return app


def routers() -> list[APIRouter]:
    """Every router of the studio, in the order they are matched."""
    from coulisses.web.routes import (
        api_core,
        auth,
        backstage_listen,
        backstage_public,
        backstage_team,
        board,
        campaign_forms,
        campaigns,
        challenge_jury,
        challenge_public,
        challenge_team,
        cuts,
        jobs,
        notifications,
        publishing,
        results,
        review,
        rushes,
        search,
        share,
        trash,
        uploads,
        workspaces,
    )

    return [module.router for module in (auth, workspaces, campaigns, campaign_forms, results,
                                         jobs, api_core, rushes, uploads, cuts, review, search,
                                         board, share, notifications, trash, publishing,
                                         backstage_team, backstage_listen, challenge_team,
                                         challenge_public, backstage_public, challenge_jury)]
