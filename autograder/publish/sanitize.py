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
import re
import uuid

import nbformat
import nh3
from nbconvert.preprocessors import Preprocessor

from autograder.intake.submission import clean_text, json_safe

# -- HTML ----------------------------------------------------------------------------------------

_TAGS = {"a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del",
         "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li",
         "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "table",
         "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "var"}
_CELL_ATTRIBUTES = {"align", "colspan", "rowspan", "style"}
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title", "width", "height"}, "td": _CELL_ATTRIBUTES,
               "th": _CELL_ATTRIBUTES, "ol": {"start"}, "p": {"align", "style"}, "span": {"style"},
               "abbr": {"title"}}
_STYLE_PROPERTIES = {"color", "background-color", "text-align", "font-weight", "font-style", "text-decoration",
                     "vertical-align"}
_PNG_OR_JPEG_URI = re.compile(r"data:image/(png|jpeg);base64,[A-Za-z0-9+/=\s]+\Z")
_MARKDOWN_DIV = '<div class="sanitized-markdown">'


def _pygments_classes() -> set[str]:
    from pygments.token import STANDARD_TYPES

    return {name for name in STANDARD_TYPES.values() if name}


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    """nh3's per-attribute check, after its own (tags, attributes, URL schemes, CSS properties)."""
    if tag == "img" and attribute == "src":
        return value if _PNG_OR_JPEG_URI.match(value) else None
    if tag == "a" and attribute == "href" and value.strip().lower().startswith("data:"):
        return None
    if attribute == "style" and re.search(r"url|expression|\\|@|/\*", value, re.IGNORECASE):
        return None
    if attribute in ("width", "height") and not value.isdigit():
        return None
    return value


_CLEANER = nh3.Cleaner(
    tags=_TAGS, attributes=_ATTRIBUTES, attribute_filter=_keep_attribute,
    url_schemes={"http", "https", "mailto", "data"}, filter_style_properties=_STYLE_PROPERTIES,
    allowed_classes={"div": {"highlight", "sanitized-markdown"}, "span": _pygments_classes()},
    clean_content_tags={"script", "style", "iframe", "object", "embed", "template", "noscript", "svg",
                        "math", "textarea", "select", "title", "xmp", "noembed", "noframes", "plaintext"},
    link_rel="noopener noreferrer nofollow")


def clean_html(html: str) -> str:
    """``html`` with only the allow-listed tags, attributes, URLs and CSS properties left."""
    return _CLEANER.clean(clean_text(html))


# -- markdown ------------------------------------------------------------------------------------

def _attachment_uris(attachments) -> dict[str, str]:
    """``{name: data URI}`` of the attachments that are PNG or JPEG images (first such type)."""
    uris = {}
    for name, bundle in _safe_attachments(attachments).items():
        mime, data = next(iter(bundle.items()))
        uris[name] = f"data:{mime};base64,{data}"
    return uris


def markdown_to_safe_html(source: str, attachments=None) -> str:
    """The HTML that nbconvert renders ``source`` to (``attachment:`` images inlined when they are
    PNG/JPEG), cleaned, on one line and wrapped in a ``<div>``: markdown renders such a line back to
    itself (an HTML block), so the result can be stored as a markdown cell's source."""
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    uris = _attachment_uris(attachments)

    class _Renderer(IPythonRenderer):
        def _embed_image_or_attachment(self, src: str) -> str:
            return uris.get(src[len("attachment:"):], "") if src.startswith("attachment:") else src

    rendered = MarkdownWithMath(renderer=_Renderer(escape=False, exclude_anchor_links=True)).render(source)
    body = clean_html(rendered).strip()
    if body.startswith(_MARKDOWN_DIV) and body.endswith("</div>"):      # already ours: do not nest
        body = body[len(_MARKDOWN_DIV):-len("</div>")]
    # Newlines become character references (the same text to the browser, also inside <pre>): a
    # blank line would end the HTML block and hand the rest back to the markdown parser.
    return _MARKDOWN_DIV + body.replace("\r", "").replace("\n", "&#10;") + "</div>" if body else ""


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
        new = nbformat.v4.new_code_cell(source, metadata=metadata, execution_count=_count(cell.get("execution_count")),
                                        outputs=[sanitize_output(o) for o in outputs])
    elif kind == "markdown":
        new = nbformat.v4.new_markdown_cell(markdown_to_safe_html(source, cell.get("attachments")), metadata=metadata)
        attachments = _safe_attachments(cell.get("attachments"))
        if attachments:
            new["attachments"] = attachments
    else:                                   # raw cells, and any unknown type, as cleaned raw text
        new = nbformat.v4.new_raw_cell(clean_html(source), metadata=metadata)
    new["id"] = cell_id
    return new


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
    return nbformat.v4.new_notebook(cells=clean, metadata=_safe_notebook_metadata(nb.get("metadata")))


class SanitizeStudentContent(Preprocessor):
    """:func:`sanitize_notebook` as an nbconvert preprocessor (nbgrader_config.py registers it for
    every HTML export: the formgrader's views and ``generate_feedback``)."""

    def preprocess(self, nb, resources):
        return sanitize_notebook(nb), resources
