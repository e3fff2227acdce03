"""A Content-Security-Policy for nbgrader's manual-grading view: defence in depth behind the sanitiser.

The view (``/formgrader/submissions/<id>/``) renders a student's notebook inside a page that needs
its own scripts. A tornado output transform adds, to that page only, a policy under which the
browser runs nbgrader's scripts and nothing else:

- scripts from the server itself and from the folder of each external script nbgrader's header
  loads (MathJax's CDN folder); inline scripts only if their SHA-256 is that of an inline script
  in the part of the page nbgrader writes before the notebook (``<div id="notebook">``), and the
  same for inline event handlers there (``onclick="toggle_name(true);"``, via 'unsafe-hashes');
  no ``eval``. A ``<script>``, event handler or ``javascript:`` URL that reaches the notebook part
  does not run, even if the sanitiser (autograder/publish/sanitize.py) ever let one through;
- no plugins, frames, ``<base>``, or forms to other sites; images only from the server or data:
  URIs (no tracking pixels); styles and fonts as nbgrader and MathJax need them.

nbgrader_config.py installs it in the Lab server that serves the course (:func:`install`). What
it stops and what it does not: THREAT_MODEL.md.
"""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import urlsplit

from tornado.web import OutputTransform

_VIEW = re.compile(r"/formgrader/submissions/[^/]+/?\Z")
_NOTEBOOK = re.compile(r"<div\b[^>]*\bid=[\"']notebook[\"']", re.IGNORECASE)   # attributes in any order
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc\s*=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)
_EXTERNAL_SCRIPT = re.compile(r"<script[^>]*\bsrc\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
_HANDLER = re.compile(r"\son[a-z]+\s*=\s*\"([^\"]*)\"", re.IGNORECASE)


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def policy(page: str) -> str:
    """The policy for one page of the view: what nbgrader wrote before the notebook may run."""
    notebook = _NOTEBOOK.search(page)
    if notebook is None:                             # not the page we know: no inline script at all
        return "script-src 'self'; object-src 'none'; base-uri 'none'"
    trusted = page[:notebook.start()]
    hashes = sorted({_hash(s) for s in _INLINE_SCRIPT.findall(trusted)} | {_hash(h) for h in _HANDLER.findall(trusted)})
    folders = set()
    for src in _EXTERNAL_SCRIPT.findall(trusted):
        parts = urlsplit(src)
        if parts.scheme == "https" and parts.netloc:
            folders.add(f"https://{parts.netloc}{parts.path.rsplit('/', 1)[0]}/")
    cdn = " ".join(sorted(folders))
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' {cdn} 'unsafe-hashes' {' '.join(hashes)}".replace("  ", " "),
        f"style-src 'self' 'unsafe-inline' {cdn}".strip(),
        f"font-src 'self' data: {cdn}".strip(),
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "frame-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ])


class FormgraderCSP(OutputTransform):
    """Adds :func:`policy` to the manual-grading view's responses (other pages are untouched)."""

    def __init__(self, request):
        super().__init__(request)
        self.view = bool(_VIEW.search(request.path))

    def transform_first_chunk(self, status_code, headers, chunk, finishing):
        if self.view and status_code == 200 and "html" in headers.get("Content-Type", ""):
            try:
                mine = policy(chunk.decode("utf-8", errors="replace"))
            except Exception:  # noqa: BLE001 - fail closed: no script runs at all
                mine = "script-src 'none'"
            existing = headers.get("Content-Security-Policy", "")        # jupyter_server's frame-ancestors
            headers["Content-Security-Policy"] = "; ".join(p for p in (existing, mine) if p)
        return status_code, headers, chunk


def install() -> bool:
    """Add :class:`FormgraderCSP` to the Jupyter server running in this process, once; return whether
    there is one. nbgrader_config.py calls this: nbgrader's formgrader reads that file inside the
    Lab server (``./kit lab``, the browser tests), and every nbgrader command reads it elsewhere,
    where there is no server and this does nothing."""
    from jupyter_server.serverapp import ServerApp

    app = getattr(ServerApp, "_instance", None)     # an nbgrader command's app is a sibling: not a server
    app = app if isinstance(app, ServerApp) else None
    transforms = getattr(getattr(app, "web_app", None), "transforms", None)
    if transforms is None:
        return False
    if FormgraderCSP not in transforms:
        transforms.insert(0, FormgraderCSP)              # first: it must see the page before compression
        app.log.info("autograder: a Content-Security-Policy on nbgrader's manual-grading view")
    return True
