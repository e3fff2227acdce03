"""The allow-list of HTML that a rendered student notebook may keep (:func:`clean_html`), used by
:mod:`autograder.publish.sanitize` for markdown cells, raw cells and attachments' neighbours."""

from __future__ import annotations

import re

import nh3

from autograder.intake.submission import clean_text

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
PNG_OR_JPEG_URI = re.compile(r"data:image/(png|jpeg);base64,[A-Za-z0-9+/=\s]+\Z")
MARKDOWN_DIV = '<div class="sanitized-markdown">'


def _pygments_classes() -> set[str]:
    from pygments.token import STANDARD_TYPES

    return {name for name in STANDARD_TYPES.values() if name}


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    """nh3's per-attribute check, after its own (tags, attributes, URL schemes, CSS properties)."""
    if tag == "img" and attribute == "src":
        return value if PNG_OR_JPEG_URI.match(value) else None
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
