"""Driving the launchpad's code editor (CodeMirror) from Playwright as a user does: typing
into its content, reading back the lines it shows."""

from __future__ import annotations

import re
from typing import Any

from polling import wait_for

#: The editable part of the launchpad's run config editor.
CONTENT = "#run-config .cm-content"

def editor(page: Any) -> Any:
    """The editor's content, once the editor module has loaded and shows the config."""
    from playwright.sync_api import expect

    expect(page.locator('#run-config[data-ready="true"]')).to_have_count(1)
    return page.locator(CONTENT)


_PASTE = """(content, text) => {
    const data = new DataTransfer();
    data.setData('text/plain', text);
    content.dispatchEvent(new ClipboardEvent('paste', {
        clipboardData: data, bubbles: true, cancelable: true }));
}"""


def fill_config(page: Any, text: str) -> None:
    """Replace the whole config with ``text``: select all, then paste it.

    (Pasting rather than typing: typed newlines are indented by the editor, and text put in
    the content element by the browser's own editing carries inline styles that the pages'
    Content-Security-Policy refuses.)
    """
    content = editor(page)
    content.click()
    page.keyboard.press("ControlOrMeta+a")
    content.evaluate(_PASTE, text)
    wait_for(lambda: config_text(page) == text, f"the editor to show {text!r}")


def config_text(page: Any) -> str:
    """The text the editor shows, its lines joined by newlines."""
    return "\n".join(page.locator("#run-config .cm-line").all_text_contents())


def expect_config(page: Any, pattern: str) -> str:
    """Wait until the editor's text matches the regular expression ``pattern``; return it."""
    compiled = re.compile(pattern)
    return wait_for(lambda: (lambda text: text if compiled.search(text) else None)(
        config_text(page)), f"the editor's text to match {pattern!r}")


def line(page: Any, number: int) -> Any:
    """The editor's line ``number`` (1-based; all lines of short configs are drawn)."""
    return page.locator("#run-config .cm-line").nth(number - 1)


def gutter_line(page: Any, number: int) -> Any:
    """The line-number gutter element of line ``number``."""
    return page.locator("#run-config .cm-lineNumbers .cm-gutterElement").filter(
        has_text=re.compile(rf"^{number}$"))
