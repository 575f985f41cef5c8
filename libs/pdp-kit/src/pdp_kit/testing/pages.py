"""What a page makes a browser fetch, for tests proving the platform needs no outside host.

The district's network has no internet: a page (API docs, the front door) that names another host
in a ``src``, ``href``, ``url(...)``, an inline ``url: '...'`` or any absolute URL is broken there.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

_ABSOLUTE = re.compile(r"""(?:[a-zA-Z][a-zA-Z0-9+.-]*:)?//[^\s'"<>)]+""")
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)""")
_SCRIPT_URL = re.compile(r"""\burl\s*:\s*['"]([^'"]+)['"]""")


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and name in ("src", "href", "spec-url", "action", "data", "poster"):
                self.found.append(value)
            if value and name == "style":
                self.found += _CSS_URL.findall(value)

    def handle_data(self, data: str) -> None:
        self.found += _CSS_URL.findall(data)
        self.found += _SCRIPT_URL.findall(data)


def references(html: str) -> list[str]:
    """Every address the page names: attributes, ``url(...)``, ``url: '...'`` in scripts, and
    any absolute URL anywhere in the text."""
    parser = _References()
    parser.feed(html)
    parser.close()
    return parser.found + _ABSOLUTE.findall(html)


def is_local(reference: str, page_url: str) -> bool:
    """A reference the browser resolves to the page's own host (or an inline ``data:`` URI)."""
    if reference.startswith(("data:", "#", "javascript:", "mailto:")):
        return reference.startswith(("data:", "#"))
    resolved = urlsplit(urljoin(page_url, reference))
    return resolved.netloc == urlsplit(page_url).netloc


def outside_references(html: str, page_url: str) -> list[str]:
    """What the page at ``page_url`` would fetch from (or send a reader to) another host."""
    return [ref for ref in references(html) if not is_local(ref, page_url)]


def fetched_assets(html: str, page_url: str) -> list[str]:
    """The local scripts, stylesheets and icons the page loads, as absolute URLs."""
    parser = _References()
    parser.feed(html)
    return sorted(
        {
            urljoin(page_url, ref)
            for ref in parser.found
            if is_local(ref, page_url)
            and not ref.startswith(("data:", "#"))
            and urlsplit(ref).path.rsplit(".", 1)[-1] in ("js", "css", "png", "ico", "svg", "json")
        }
    )
