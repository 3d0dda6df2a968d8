"""The built web apps and the API docs (``/docs``), served by the gateway itself.

Each app is a built single-page app under its own prefix, served by one mechanism
(``mount_built_app``): the web console at ``/console/`` (``console/dist``, ``CONSOLE_DIR``)
and the residents' app at ``/app/`` (the H5 build of ``apps/resident``, ``APP_DIR``).
Hashed files under ``assets/`` are cached for a year, everything else is revalidated
(``no-cache``), and any other path under the prefix answers ``index.html`` so the app's
router can take it (``/console/screen``, ``/app/pages/repairs/detail?id=...``). A missing
hashed asset is a 404, never the index (a stale tab must not run HTML as JavaScript).

``/docs`` is Swagger UI from the console build (``swagger/``, copied from the npm package
``swagger-ui-dist`` at build time), so the docs load on an isolated network: no CDN.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from sc_core.errors import Problem

LONG_CACHE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"

_DOCS_HTML = """<!doctype html><html lang="en"><head><title>Smart community API</title>
<meta charset="utf-8"/>
<link rel="stylesheet" href="/console/swagger/swagger-ui.css">
</head><body><div id="ui"></div>
<script src="/console/swagger/swagger-ui-bundle.js"></script>
<script>SwaggerUIBundle({url: "/openapi.json", dom_id: "#ui", deepLinking: true});</script>
<noscript>The merged OpenAPI document is at <a href="/openapi.json">/openapi.json</a>.</noscript>
</body></html>"""

_DOCS_MISSING = """<!doctype html><html lang="en"><head><meta charset="utf-8"/>
<title>Smart community API</title></head><body>
<p>API docs need the console build (<code>make run</code> builds it). The merged OpenAPI
document is at <a href="/openapi.json">/openapi.json</a>.</p></body></html>"""


def _inside(root: Path, relative: str) -> Path | None:
    """``root / relative`` when it is a file inside ``root`` (no ``..`` escape)."""
    candidate = (root / relative).resolve()
    if candidate.is_file() and candidate.is_relative_to(root):
        return candidate
    return None


# How a refusal names a built app to a person (never its folder name).
_APP_WORDS = {"console": "管理后台", "app": "居民端应用"}


def mount_built_app(
    app: FastAPI, prefix: str, built_dir: str | None, name: str, fixed: tuple[str, ...] = ()
) -> None:
    """Serve the single-page app built into ``built_dir`` under ``/<prefix>/``; ``fixed``
    folders hold files that are never the index (besides ``assets/``)."""
    root = Path(built_dir).resolve() if built_dir else None
    never_index = ("assets/", *(f"{folder}/" for folder in fixed))

    def built() -> Path:
        if root is None or not (root / "index.html").is_file():
            raise Problem(
                404,
                f"{name}.not_built",
                f"The {name} is not built here (make run builds it)",
                zh=f"{_APP_WORDS.get(name, '该应用')}尚未部署，请稍后再试",
            )
        return root

    async def app_root() -> RedirectResponse:
        return RedirectResponse(f"/{prefix}/", status_code=308)

    async def app_file(path: str) -> Response:
        base = built()
        found = _inside(base, path) if path else None
        if found is not None:
            hashed = path.startswith("assets/")
            return FileResponse(
                found, headers={"Cache-Control": LONG_CACHE if hashed else REVALIDATE}
            )
        if path.startswith(never_index):
            raise Problem(
                404, "http.not_found", f"No file /{prefix}/{path}", zh="找不到您要打开的文件"
            )
        return FileResponse(base / "index.html", headers={"Cache-Control": REVALIDATE})

    app.add_api_route(f"/{prefix}", app_root, methods=["GET"], include_in_schema=False)
    app.add_api_route(
        f"/{prefix}/{{path:path}}", app_file, methods=["GET"], include_in_schema=False
    )


def mount_console(app: FastAPI, console_dir: str | None) -> None:
    mount_built_app(app, "console", console_dir, "console", fixed=("swagger",))
    root = Path(console_dir).resolve() if console_dir else None

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        ready = root is not None and (root / "swagger" / "swagger-ui-bundle.js").is_file()
        return HTMLResponse(
            _DOCS_HTML if ready else _DOCS_MISSING, headers={"Cache-Control": REVALIDATE}
        )
