"""Typing into a notebook open in JupyterLab (Playwright), as a student does: the browser tests share it."""

from __future__ import annotations

from playwright.sync_api import TimeoutError as PlaywrightTimeout


def type_answers(page, released, answers: dict[str, str]) -> None:
    """Type ``answers`` ({grade_id: text}) into the notebook open in ``page``, in the order of the
    ``released`` notebook's answer cells: each goes into the first stub still unanswered ("YOUR
    CODE HERE" for code, "YOUR ANSWER HERE" for a written answer, double-clicked to edit it)."""
    for cell in released.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id not in answers:
            continue
        if cell.cell_type == "markdown":
            page.locator(".jp-MarkdownCell .jp-RenderedMarkdown", has_text="YOUR ANSWER HERE").first.dblclick()
        else:
            page.locator(".jp-CodeCell", has=page.locator(".jp-InputArea", has_text="YOUR CODE HERE")).first \
                .locator(".jp-InputArea-editor").click()
        page.locator(".jp-Cell.jp-mod-active .jp-InputArea-editor").click()
        page.keyboard.press("Control+A")
        page.keyboard.insert_text(answers[grade_id])
        page.keyboard.press("Escape")


def save(page, attempts: int = 6) -> None:
    """Ctrl+S until the tab is no longer marked unsaved (a save that raced the last keystrokes leaves
    it dirty); the last timeout is raised."""
    for attempt in range(attempts):
        page.keyboard.press("Control+S")
        try:
            page.locator(".lm-TabBar-tab.jp-mod-dirty").first.wait_for(state="detached", timeout=20_000)
            return
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise
