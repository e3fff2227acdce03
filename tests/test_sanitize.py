"""The sanitiser (autograder/publish/sanitize.py) on each payload and each allowed construct.

"Active" is judged on the page nbgrader's formgrader really serves: the notebook is rendered with
nbconvert's HTMLExporter and nbgrader's ``formgrade`` template, the page is parsed, and what it
holds beyond nbgrader's own scripts (those of an empty notebook's page) must be nothing.
"""

import base64
from html.parser import HTMLParser

import nbformat
import pytest
from nbconvert.exporters import HTMLExporter
from traitlets.config import Config

from autograder.coursedir.nbgrader_course import load_config
from autograder.publish.sanitize import clean_html, markdown_to_safe_html, sanitize_notebook, sanitize_output
from grading import SUBMISSIONS, build_submission

ASSIGNMENT, NOTEBOOK = "02_linear_activation", "linear_activation.ipynb"
FIXTURES = SUBMISSIONS / "hostile" / "active_content"
PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
_ACTIVE_TAGS = {"script", "iframe", "frame", "svg", "math", "object", "embed", "form", "input", "button",
                "textarea", "details", "style", "link", "meta", "base", "template", "audio", "video"}
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc", "background", "poster"}


class _ActiveContent(HTMLParser):
    """Collects what in a page could run or load something: tags, event handlers, URLs, CSS urls."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in _ACTIVE_TAGS:
            self.found.append(f"<{tag} {sorted(attrs)}>")
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on"):
                self.found.append(f"{tag} {name}={value[:40]}")
            elif name in _URL_ATTRIBUTES and value.startswith(("javascript:", "vbscript:", "data:")) and not (
                    tag == "img" and name == "src" and value.startswith(("data:image/png;base64,",
                                                                         "data:image/jpeg;base64,"))):
                self.found.append(f"{tag} {name}={value[:40]}")
            elif name == "style" and ("url(" in value or "expression" in value):
                self.found.append(f"{tag} style={value[:40]}")


def active_content(html: str) -> list[str]:
    parser = _ActiveContent()
    parser.feed(html)
    return parser.found


def formgrade_page(nb, config=None) -> str:
    """The page nbgrader's formgrader serves for ``nb`` (its exporter's template, its resources)."""
    from nbgrader.server_extensions.formgrader import handlers

    config = Config(config or {})
    config.HTMLExporter.template_name = "formgrade"
    config.HTMLExporter.extra_template_basedirs = [handlers.template_path]
    resources = {"assignment_id": ASSIGNMENT, "notebook_id": "linear_activation", "submission_id": "s1", "index": 0,
                 "total": 1, "base_url": "", "student": "hostile", "last_name": None, "first_name": None,
                 "notebook_path": "autograded/hostile"}
    return HTMLExporter(config=config).from_notebook_node(nb, resources=resources)[0]


@pytest.fixture(scope="module")
def nbgrader_own():
    """What nbgrader's page holds with no student content at all (its own scripts and handlers)."""
    return active_content(formgrade_page(nbformat.v4.new_notebook()))


@pytest.fixture(scope="module")
def release_own():
    """The same for the released notebook, which also has nbgrader's grading fields (inputs)."""
    release = nbformat.read(SUBMISSIONS.parent.parent / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)
    return sorted(active_content(formgrade_page(release)))


def _submission(name):
    """A fixture submission as the grader reads it from disk (written and read back, unvalidated)."""
    return nbformat.reads(nbformat.writes(build_submission(ASSIGNMENT, NOTEBOOK, FIXTURES / f"{name}.py")), as_version=4)


def _payload_notebook(cell):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.from_dict(cell)]
    return nb


MARKDOWN_PAYLOADS = {
    "img onerror": '<img src=x onerror="window.__pwned=1">',
    "script": "<script>window.__pwned=1</script>",
    "script split over blank lines": "<script>\nvar a = 1;\n\nwindow.__pwned=1\n</script>",
    "iframe srcdoc": '<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
    "svg onload": '<svg onload="window.__pwned=1"><script>window.__pwned=1</script></svg>',
    "details ontoggle": '<details open ontoggle="window.__pwned=1"><summary>s</summary>x</details>',
    "a href javascript": '<a href="javascript:window.__pwned=1">x</a>',
    "markdown link javascript": "[x](javascript:window.__pwned=1)",
    "markdown image javascript": "![x](javascript:window.__pwned=1)",
    "entity-encoded javascript": '<a href="&#106;avascript:window.__pwned=1">x</a>',
    "form": '<form action="javascript:window.__pwned=1"><button>go</button></form>',
    "object data uri": '<object data="data:text/html,<script>parent.__pwned=1</script>"></object>',
    "style with url": '<p style="background-image: url(javascript:window.__pwned=1)">x</p>',
    "style element": "<style>body { background: url(https://evil.example/x) }</style>",
    "math href": "<math><a href='javascript:window.__pwned=1'>x</a></math>",
    "link data html": '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
    "remote image (a tracker)": '<img src="https://evil.example/pixel.png">',
    "html comment trick": "<!-- --><img src=x onerror=window.__pwned=1> -->",
    "meta refresh": '<meta http-equiv="refresh" content="0;url=javascript:window.__pwned=1">',
    "base href": '<base href="javascript:window.__pwned=1//">',
}


def test_the_check_sees_each_payload_unsanitised(nbgrader_own):
    """Without the sanitiser, each markdown payload is active in the formgrader's page."""
    for name, source in MARKDOWN_PAYLOADS.items():
        if name == "remote image (a tracker)":        # loads, but is not in the check's list
            continue
        page = formgrade_page(_payload_notebook(nbformat.v4.new_markdown_cell(source)))
        assert len(active_content(page)) > len(nbgrader_own), name


@pytest.mark.parametrize("name", sorted(MARKDOWN_PAYLOADS))
def test_markdown_payload_is_inert_once_rendered(name, nbgrader_own):
    cell = nbformat.v4.new_markdown_cell(MARKDOWN_PAYLOADS[name])
    safe = sanitize_notebook(_payload_notebook(cell))
    page = formgrade_page(safe)
    assert active_content(page) == nbgrader_own
    assert "evil.example" not in page and "__pwned" not in page


OUTPUT_PAYLOADS = {
    "text/html": '<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>',
    "text/markdown": '<img src=x onerror="window.__pwned=1">',
    "image/svg+xml": '<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned=1"/>',
    "application/javascript": "window.__pwned=1",
    "text/latex": "$\\href{javascript:window.__pwned=1}{x}$",
    "application/vnd.jupyter.widget-view+json": {"model_id": "m", "version_major": 2, "version_minor": 0},
}


@pytest.mark.parametrize("mime", sorted(OUTPUT_PAYLOADS))
def test_output_payload_becomes_escaped_text_with_a_note(mime, nbgrader_own):
    output = nbformat.v4.new_output("display_data", data={mime: OUTPUT_PAYLOADS[mime]})
    safe = sanitize_output(output)
    assert set(safe["data"]) == {"text/plain"}
    assert f"removed this output's {mime}" in safe["data"]["text/plain"]
    if isinstance(OUTPUT_PAYLOADS[mime], str):          # the instructor can still read what it was
        assert OUTPUT_PAYLOADS[mime] in safe["data"]["text/plain"]
    nb = _payload_notebook(nbformat.v4.new_code_cell("x", outputs=[output]))
    assert len(active_content(formgrade_page(nb))) > len(nbgrader_own) or mime in (
        "image/svg+xml", "text/latex", "application/vnd.jupyter.widget-view+json")   # inert in nbconvert 7.17
    assert active_content(formgrade_page(sanitize_notebook(nb))) == nbgrader_own


def test_text_and_images_in_outputs_stay():
    outputs = [nbformat.v4.new_output("stream", name="stderr", text="a warning <b>\n"),
               nbformat.v4.new_output("error", ename="ValueError", evalue="bad <x>", traceback=["line 1"]),
               nbformat.v4.new_output("execute_result", data={"text/plain": "42", "image/png": PNG},
                                      metadata={"image/png": {"width": 30, "height": "2 onerror=x"}},
                                      execution_count=3),
               nbformat.v4.new_output("display_data", data={"image/jpeg": PNG, "image/png": "not base64 !"})]
    stream, error, result, display = (sanitize_output(o) for o in outputs)
    assert stream == outputs[0] and error == outputs[1]
    assert result["data"] == {"text/plain": "42", "image/png": PNG} and result["execution_count"] == 3
    assert result["metadata"] == {"image/png": {"width": 30}}            # the string height goes
    assert display["data"]["image/jpeg"] == PNG and "image/png" not in display["data"]


def test_attachments_keep_png_and_jpeg_only(nbgrader_own):
    svg = base64.b64encode(b'<svg xmlns="http://www.w3.org/2000/svg" onload="window.__pwned=1"/>').decode()
    cell = nbformat.v4.new_markdown_cell("![a](attachment:a.png) ![b](attachment:b.svg) ![c](attachment:c.html) "
                                         "![d](attachment:d.png) ![e](attachment:missing.png)")
    cell.attachments = {"a.png": {"image/png": PNG}, "b.svg": {"image/svg+xml": svg},
                        "c.html": {"text/html": base64.b64encode(b"<script>parent.__pwned=1</script>").decode()},
                        "d.png": {'image/png" onerror="window.__pwned=1" x="': "AAAA"}}
    safe = sanitize_notebook(_payload_notebook(cell)).cells[0]
    assert safe.attachments == {"a.png": {"image/png": PNG}}
    assert safe.source.count(f'src="data:image/png;base64,{PNG}"') == 1     # inlined: renders anywhere
    assert "svg" not in safe.source and "text/html" not in safe.source
    assert active_content(formgrade_page(_payload_notebook(safe))) == nbgrader_own


def test_metadata_and_execution_counts_are_cleaned():
    nb = _submission("hostile")
    release = nbformat.read(SUBMISSIONS.parent.parent / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)
    nb.metadata.update({"title": "</title><script>x()</script>", "widgets": {"x": "</script>"}})
    safe = sanitize_notebook(nb)
    nbformat.validate(safe)
    assert set(safe.metadata) == {"kernelspec", "language_info"} and safe.metadata.kernelspec == release.metadata.kernelspec
    graded = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"] for c in safe.cells if "nbgrader" in c.metadata}
    expected = {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"] for c in release.cells if "nbgrader" in c.metadata}
    assert graded == expected                 # nbgrader's own metadata intact, the forged grade_id gone
    assert all(set(c.metadata) <= {"nbgrader", "tags"} for c in safe.cells)
    tags = [t for c in safe.cells for t in c.metadata.get("tags", [])]
    assert tags == [t for c in release.cells for t in c.metadata.get("tags", [])]   # the crafted tag went


def test_schema_invalid_payloads_become_a_valid_inert_notebook(release_own):
    nb = _submission("schema_invalid")
    with pytest.raises(nbformat.ValidationError):
        nbformat.validate(nb)
    safe = sanitize_notebook(nb)
    nbformat.validate(safe)
    assert safe.cells[-2].execution_count is None and "tags" not in safe.cells[-1].metadata
    assert sorted(active_content(formgrade_page(safe))) == release_own


def test_whole_hostile_submission_is_inert_and_keeps_its_text(release_own):
    nb = _submission("hostile")
    assert len(active_content(formgrade_page(nb))) > len(release_own) + 10
    safe = sanitize_notebook(nb)
    page = formgrade_page(safe)
    assert sorted(active_content(page)) == release_own
    for n in (1, 2, 3, 4, 5, 13, 14, 15, 16, 17, 20):
        assert f"Payload {n}" in page
    assert sanitize_notebook(safe) == safe                       # sanitising twice changes nothing


def test_nbgrader_config_sanitises_every_html_export(release_own):
    """With the course's nbgrader_config.py, nbgrader's own exporter (formgrader, feedback) sanitises
    a notebook that never went through the kit (e.g. autograded by plain nbgrader)."""
    config = load_config()
    assert "autograder.publish.sanitize.SanitizeStudentContent" in config.HTMLExporter.preprocessors
    assert "nbgrader.preprocessors.ClearHiddenTests" in config.GenerateFeedback.preprocessors
    page = formgrade_page(_submission("hostile"), config)
    assert sorted(active_content(page)) == release_own and "Payload 13" in page


HONEST = "\n".join([
    "# Title", "## Section *one*", "", "Some **bold**, _italic_, `code <b>` and ~~struck~~ text; a < b & c > d.",
    "", "1. first", "2. second", "", "> a quote", "", "```python", "def f(x):", "", "    return x  # <tag>", "```",
    "", "| a | b |", "|:--|--:|", "| 1 | 2 |", "", "Inline $x^2$ and $a<b$, display:", "", "$$\\frac{1}{2}$$",
    "", "[docs](https://pytorch.org/docs) and [mail](mailto:ta@example.org) and [section](#Title)", "",
    f"<img alt='png' src='data:image/png;base64,{PNG}'> <img alt='jpeg' src='data:image/jpeg;base64,{PNG}'>",
])


def test_allowed_markdown_survives():
    html = markdown_to_safe_html(HONEST)
    for fragment in ("<h1>Title</h1>", "<h2>Section <em>one</em></h2>", "<strong>bold</strong>", "<em>italic</em>",
                     "<code>code &lt;b&gt;</code>", "<del>struck</del>", "a &lt; b &amp; c &gt; d", "<ol>", "<li>first</li>",
                     "<blockquote>", "<table>", '<th style="text-align:left">a</th>', '<td style="text-align:right">2</td>',
                     "$x^2$", "$a&lt;b$", "$$\\frac{1}{2}$$", 'href="https://pytorch.org/docs"',
                     'href="mailto:ta@example.org"', 'href="#Title"', f'src="data:image/png;base64,{PNG}"',
                     f'src="data:image/jpeg;base64,{PNG}"', "<pre>", '&#10;&#10;    <span class="k">return</span>'):
        assert fragment in html, fragment
    assert "\n" not in html


def test_stored_html_renders_back_to_itself():
    """The formgrader renders the stored source as markdown again: it must pass through unchanged,
    a code block's blank lines included (they would otherwise end the HTML block)."""
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    html = markdown_to_safe_html(HONEST)
    again = MarkdownWithMath(renderer=IPythonRenderer(escape=False)).render(html)
    assert again.strip() == html
    assert markdown_to_safe_html(html) == html


def test_clean_html_keeps_highlighting_and_drops_other_classes():
    kept = clean_html('<div class="highlight"><pre><span class="k">def</span> <span class="evil">f</span></pre></div>')
    assert kept == '<div class="highlight"><pre><span class="k">def</span> <span class="">f</span></pre></div>'
    assert clean_html('<p class="navbar-fixed-top" id="notebook">x</p>') == "<p>x</p>"


def test_csp_trusts_only_the_scripts_nbgrader_writes_before_the_notebook():
    """The manual-grading view's policy (autograder/publish/formgrader_csp.py), computed on the page of the
    *unsanitised* hostile notebook, allows exactly the inline scripts and handlers of nbgrader's own
    page (an empty notebook's), none of the student's; a page it does not know gets none at all."""
    from autograder.publish.formgrader_csp import policy

    def script_src(page):
        return next(d for d in policy(page).split("; ") if d.startswith("script-src")).split()

    hostile, empty = formgrade_page(_submission("hostile")), formgrade_page(nbformat.v4.new_notebook())
    assert script_src(hostile) == script_src(empty)
    assert "'unsafe-inline'" not in script_src(hostile) and "'unsafe-eval'" not in script_src(hostile)
    assert len([s for s in script_src(empty) if s.startswith("'sha256-")]) >= 3
    assert script_src("<html><script>x()</script></html>") == ["script-src", "'self'"]


def test_text_that_is_not_valid_utf8_is_kept_as_valid_text():
    """A notebook's JSON may carry lone surrogates (``"\\ud800"``): the copy is still writable."""
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("bad \ud800 text"),
        nbformat.v4.new_code_cell("x", outputs=[nbformat.v4.new_output("stream", text="out \udcff\n")])])
    safe = sanitize_notebook(nb)
    nbformat.validate(safe)
    assert "bad \ufffd text" in safe.cells[0].source and safe.cells[1].outputs[0].text == "out \ufffd\n"
    nbformat.writes(safe).encode("utf-8")


def test_csp_install_is_a_no_op_outside_a_server():
    """nbgrader_config.py calls it in every nbgrader command too, whose app is a sibling singleton of
    jupyter_server's ServerApp: it must do nothing there, not raise (every command would fail)."""
    import subprocess
    import sys

    code = ("from nbgrader.apps.nbgraderapp import NbGraderApp; NbGraderApp.instance();"
            "from autograder.publish.formgrader_csp import install; print(install())")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and run.stdout.strip() == "False", run.stderr
