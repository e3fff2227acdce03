"""One sanitiser for every student notebook that the kit or nbgrader renders for someone else.

A student's notebook is hostile data: its markdown may hold ``<script>``, event handlers,
``<iframe srcdoc>`` or ``javascript:`` links; its stored outputs may hold HTML, Markdown, SVG or
JavaScript; its attachments, metadata and execution counts are written by the student too. The
formgrader (nbgrader's manual-grading view) and ``nbgrader generate_feedback`` render it with
nbconvert, whose markdown filter passes raw HTML through and whose templates insert some metadata
unescaped — in the instructor's logged-in browser, that is code execution as the instructor.

:func:`sanitize_notebook` returns a copy that renders without any active content:

- **markdown cells** are rendered to HTML with nbconvert's own markdown renderer (math kept as
  TeX text for MathJax), that HTML is cleaned with an allow-list (``nh3``: headings, emphasis,
  lists, code, tables, links to http/https/mailto or relative ones, images only as PNG/JPEG data
  URIs, attachments inlined as such), and the clean HTML is stored on one line as the cell's
  source, so that rendering it again as markdown passes it through unchanged;
- **outputs** keep text (stream, ``text/plain``, errors) and PNG/JPEG images; any other MIME type
  (HTML, Markdown, SVG, JavaScript, LaTeX, widgets) becomes a note in the ``text/plain`` text;
- **attachments** keep PNG/JPEG; **raw cells** are cleaned like HTML;
- **cell metadata** keeps only ``nbgrader`` (each field type-checked, ``grade_id`` as nbgrader's
  own pattern) and well-formed ``tags``; **notebook metadata** keeps the kernel's and language's
  names; **execution counts** are integers or nothing; cell ids are nbformat's pattern.

The result is valid against nbformat's schema (nbconvert refuses an invalid notebook outright).
The student's own notebook in ``submitted/`` is never changed: this is for the copies others see.
:class:`SanitizeStudentContent` is the same step as an nbconvert preprocessor, which
nbgrader_config.py puts in front of every HTML export nbgrader makes (formgrader, feedback).
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
import uuid

import nbformat
from nbconvert.preprocessors import Preprocessor

from autograder.intake.submission import json_safe
from autograder.publish.safe_html import MARKDOWN_DIV, clean_html

# -- markdown ------------------------------------------------------------------------------------

def _attachment_uris(attachments) -> dict[str, str]:
    """``{name: data URI}`` of the attachments that are PNG or JPEG images (first such type)."""
    uris = {}
    for name, bundle in _safe_attachments(attachments).items():
        mime, data = next(iter(bundle.items()))
        uris[name] = f"data:{mime};base64,{data}"
    return uris


_CACHED_MARKDOWN = 64 * 1024        # longer cells are rendered every time, never kept


def markdown_to_safe_html(source: str, attachments=None) -> str:
    """The HTML that nbconvert renders ``source`` to (``attachment:`` images inlined when they are
    PNG/JPEG), cleaned, on one line and wrapped in a ``<div>``: markdown renders such a line back to
    itself (an HTML block), so the result can be stored as a markdown cell's source.

    A cell without attachments is rendered once per run of the grader (most are the lesson's own,
    the same in every submission); the result depends on the text alone."""
    if not attachments and len(source) <= _CACHED_MARKDOWN:
        return _render_cached(source)
    return _render(source, attachments)


@functools.lru_cache(maxsize=2048)
def _render_cached(source: str) -> str:
    return _render(source, None)


def _render(source: str, attachments) -> str:
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    uris = _attachment_uris(attachments)

    class _Renderer(IPythonRenderer):
        def _embed_image_or_attachment(self, src: str) -> str:
            return uris.get(src[len("attachment:"):], "") if src.startswith("attachment:") else src

    rendered = MarkdownWithMath(renderer=_Renderer(escape=False, exclude_anchor_links=True)).render(source)
    body = clean_html(rendered).strip()
    if body.startswith(MARKDOWN_DIV) and body.endswith("</div>"):      # already ours: do not nest
        body = body[len(MARKDOWN_DIV):-len("</div>")]
    # Newlines become character references (the same text to the browser, also inside <pre>): a
    # blank line would end the HTML block and hand the rest back to the markdown parser.
    return MARKDOWN_DIV + body.replace("\r", "").replace("\n", "&#10;") + "</div>" if body else ""


# -- outputs, attachments, metadata ----------------------------------------------------------------

_KEPT_MIME_TYPES = ("text/plain", "image/png", "image/jpeg")
_TEXT_NOTE_LIMIT = 2000
_CELL_ID = re.compile(r"[a-zA-Z0-9_-]{1,64}\Z")
_GRADE_ID = re.compile(r"[a-zA-Z0-9_-]+\Z")
_TAG = re.compile(r"[A-Za-z0-9_.:-]{1,64}\Z")
_NAME = re.compile(r"[\w .()+-]{0,100}\Z")


def _text(value) -> str:
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return value if isinstance(value, str) else str(value)


def _base64_image(value) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        base64.b64decode(value, validate=False)
    except (binascii.Error, ValueError):
        return None
    return value if re.fullmatch(r"[A-Za-z0-9+/=\s]+", value) else None


def _safe_attachments(attachments) -> dict:
    kept = {}
    for name, bundle in (attachments or {}).items() if isinstance(attachments, dict) else ():
        if isinstance(name, str) and isinstance(bundle, dict):
            images = {m: _base64_image(bundle.get(m)) for m in ("image/png", "image/jpeg")}
            images = {m: d for m, d in images.items() if d}
            if images:
                kept[name] = images
    return kept


def _note(removed: dict) -> str:
    parts = [f"[the autograder removed this output's {', '.join(sorted(removed))}: the formgrader shows "
             "no active content from students; the original is in the submitted notebook]"]
    for mime, value in sorted(removed.items()):
        if mime.startswith(("text/", "application/javascript", "image/svg")) and isinstance(value, (str, list)):
            text = _text(value)
            parts.append(f"{mime}:\n{text[:_TEXT_NOTE_LIMIT]}{' …' if len(text) > _TEXT_NOTE_LIMIT else ''}")
    return "\n".join(parts)


def _image_metadata(metadata) -> dict:
    """Only whole-number width/height of PNG/JPEG (nbconvert writes them into the tag unquoted)."""
    kept = {}
    for mime in ("image/png", "image/jpeg"):
        entry = metadata.get(mime) if isinstance(metadata, dict) else None
        if isinstance(entry, dict):
            size = {k: int(entry[k]) for k in ("width", "height")
                    if isinstance(entry.get(k), int) and not isinstance(entry.get(k), bool) and 0 < entry[k] < 10**5}
            if size:
                kept[mime] = size
    return kept


def _count(value):
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def sanitize_output(output) -> dict:
    """One output as text and PNG/JPEG images only (see the module docstring)."""
    kind = output.get("output_type") if isinstance(output, dict) else None
    if kind == "stream":
        name = output.get("name") if output.get("name") in ("stdout", "stderr") else "stdout"
        return nbformat.v4.new_output("stream", name=name, text=_text(output.get("text", "")))
    if kind == "error":
        traceback = output.get("traceback") if isinstance(output.get("traceback"), list) else []
        return nbformat.v4.new_output("error", ename=_text(output.get("ename", "")),
                                      evalue=_text(output.get("evalue", "")), traceback=[_text(t) for t in traceback])
    if kind in ("display_data", "execute_result"):
        data = output.get("data") if isinstance(output.get("data"), dict) else {}
        kept = {"text/plain": _text(data["text/plain"])} if "text/plain" in data else {}
        kept.update({m: _base64_image(data.get(m)) for m in ("image/png", "image/jpeg") if _base64_image(data.get(m))})
        removed = {m: v for m, v in data.items() if m not in kept}
        if removed:
            kept["text/plain"] = (kept.get("text/plain", "") + "\n" if "text/plain" in kept else "") + _note(removed)
        result = nbformat.v4.new_output(kind, data=kept, metadata=_image_metadata(output.get("metadata")))
        if kind == "execute_result":
            result["execution_count"] = _count(output.get("execution_count"))
        return result
    return nbformat.v4.new_output("stream", name="stdout",
                                  text=f"[the autograder removed an output of unknown type {str(kind)[:40]!r}]\n")


def _nbgrader_metadata(meta) -> dict | None:
    """nbgrader's cell metadata with each field of the right type, or None (then no nbgrader cell)."""
    if not isinstance(meta, dict) or not isinstance(meta.get("grade_id"), str) or not _GRADE_ID.match(meta["grade_id"]):
        return None
    kept = {"grade_id": meta["grade_id"]}
    kept.update({k: meta[k] for k in ("grade", "solution", "locked", "task") if isinstance(meta.get(k), bool)})
    points = meta.get("points")
    if isinstance(points, (int, float)) and not isinstance(points, bool) and 0 <= points < 10**6:
        kept["points"] = points
    if isinstance(meta.get("schema_version"), int) and not isinstance(meta.get("schema_version"), bool):
        kept["schema_version"] = meta["schema_version"]
    if isinstance(meta.get("checksum"), str) and re.fullmatch(r"[0-9a-f]{1,128}", meta["checksum"]):
        kept["checksum"] = meta["checksum"]
    if meta.get("cell_type") in ("code", "markdown"):
        kept["cell_type"] = meta["cell_type"]
    return kept


def _cell_metadata(metadata) -> dict:
    metadata = metadata if isinstance(metadata, dict) else {}
    kept = {}
    nbgrader = _nbgrader_metadata(metadata.get("nbgrader"))
    if nbgrader:
        kept["nbgrader"] = nbgrader
    tags = metadata.get("tags")
    if isinstance(tags, list):
        tags = [t for t in tags if isinstance(t, str) and _TAG.match(t)]
        if tags:
            kept["tags"] = tags
    return kept


def sanitize_cell(cell, cell_id: str) -> dict:
    """One cell, rendered inert (see the module docstring); ``cell_id`` is the id it gets."""
    kind = cell.get("cell_type") if isinstance(cell, dict) else None
    source = _text(cell.get("source", "")) if isinstance(cell, dict) else ""
    metadata = _cell_metadata(cell.get("metadata") if isinstance(cell, dict) else None)
    if kind == "code":
        outputs = cell.get("outputs") if isinstance(cell.get("outputs"), list) else []
        new = _cell("code", source, metadata, execution_count=_count(cell.get("execution_count")),
                    outputs=[sanitize_output(o) for o in outputs])
    elif kind == "markdown":
        new = _cell("markdown", markdown_to_safe_html(source, cell.get("attachments")), metadata)
        attachments = _safe_attachments(cell.get("attachments"))
        if attachments:
            new["attachments"] = attachments
    else:                                   # raw cells, and any unknown type, as cleaned raw text
        new = _cell("raw", clean_html(source), metadata)
    new["id"] = cell_id
    return new


def _cell(kind: str, source: str, metadata: dict, **fields) -> nbformat.NotebookNode:
    """A cell as nbformat's ``new_*_cell`` makes it, without validating each one (the notebook is
    validated once, whole, in :func:`sanitize_notebook`)."""
    return nbformat.from_dict({"cell_type": kind, "metadata": metadata, "source": source, **fields})


def _safe_notebook_metadata(metadata) -> dict:
    metadata = metadata if isinstance(metadata, dict) else {}
    kept = {}
    for key, fields in (("kernelspec", ("name", "display_name", "language")),
                        ("language_info", ("name", "version", "file_extension", "mimetype", "pygments_lexer"))):
        entry = metadata.get(key)
        if isinstance(entry, dict):
            entry = {f: entry[f] for f in fields if isinstance(entry.get(f), str) and _NAME.match(entry[f])}
            if key != "kernelspec" or {"name", "display_name"} <= set(entry):
                kept[key] = entry
    if "language_info" in kept and "name" not in kept["language_info"]:
        del kept["language_info"]
    return kept


def sanitize_notebook(nb) -> nbformat.NotebookNode:
    """A copy of the notebook ``nb`` (a NotebookNode or its JSON as a dict) with no active content,
    valid against nbformat 4.5's schema (see the module docstring)."""
    nb = json_safe(nb)                      # a copy: plain JSON values, text as valid UTF-8
    cells = nb.get("cells") if isinstance(nb, dict) and isinstance(nb.get("cells"), list) else []
    used, clean = set(), []
    for cell in cells:
        cell_id = cell.get("id") if isinstance(cell, dict) else None
        if not isinstance(cell_id, str) or not _CELL_ID.match(cell_id) or cell_id in used:
            cell_id = uuid.uuid4().hex[:12]
        used.add(cell_id)
        clean.append(sanitize_cell(cell, cell_id))
    notebook = nbformat.v4.new_notebook(cells=clean, metadata=_safe_notebook_metadata(nb.get("metadata")))
    nbformat.validate(notebook)
    return notebook


class SanitizeStudentContent(Preprocessor):
    """:func:`sanitize_notebook` as an nbconvert preprocessor (nbgrader_config.py registers it for
    every HTML export: the formgrader's views and ``generate_feedback``)."""

    def preprocess(self, nb, resources):
        return sanitize_notebook(nb), resources
