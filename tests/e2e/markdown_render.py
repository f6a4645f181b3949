#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# ctest: divert source | e2e
"""`policy show --format markdown` is for a wiki or a council packet: rendered by a real
GitHub-flavoured Markdown renderer (cmark-gfm, GitHub's own, with its table extension), a
policy's words must come out as the author wrote them. tests/data/policies/show-markup.yaml
holds text that Markdown would otherwise read as markup: a tag-like <County>, emphasis marks,
a pipe in a table cell, a trailing backslash before the cell's <br>, an entity, line starts
that make a heading, list or quote, a link address with a space.

    python3 tests/e2e/markdown_render.py DIVERT SOURCE_DIR
"""
import html.parser
import shutil
import subprocess
import sys


class Text(html.parser.HTMLParser):
    """The rendered document as (tag path, text) pieces, and the cells of every table row."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.pieces = []
        self.rows = []
        self.links = []

    def handle_starttag(self, tag, attrs):
        if tag == "br":
            self.pieces.append((tuple(self.stack), "\n"))
            return
        self.stack.append(tag)
        if tag == "tr":
            self.rows.append(0)
        elif tag in ("td", "th"):
            self.rows[-1] += 1
        elif tag == "a":
            self.links.append(dict(attrs).get("href"))

    def handle_endtag(self, tag):
        if tag == "br":
            return
        while self.stack and self.stack.pop() != tag:
            pass

    def handle_data(self, data):
        self.pieces.append((tuple(self.stack), data))

    def text_in(self, tag):
        return "".join(d for path, d in self.pieces if tag in path)


def main():
    divert, source = sys.argv[1], sys.argv[2]
    renderer = shutil.which("cmark-gfm")
    if renderer is None:
        print("markdown_render: SKIP: cmark-gfm not found (scripts/install-deps.sh installs it)")
        return 77
    policy = f"{source}/tests/data/policies/show-markup.yaml"
    markdown = subprocess.run([divert, "policy", "show", "--format", "markdown", policy],
                              capture_output=True, text=True, check=True).stdout
    # --unsafe keeps the <br> line breaks inside table cells, as GitHub shows them.
    rendered = subprocess.run([renderer, "--unsafe", "-e", "table"], input=markdown,
                              capture_output=True, text=True, check=True).stdout
    doc = Text()
    doc.feed(rendered)
    failures = []

    def expect(what, ok):
        if not ok:
            failures.append(what)

    expect("the title, as written, is the only heading 1",
           doc.text_in("h1") == "Sample <County> *LEAD* #" and rendered.count("<h1>") == 1)
    expect("no emphasis outside the help lines (which the table sets in italics on purpose)",
           all("em" not in path or "td" in path for path, _ in doc.pieces))
    for line in ("# not a heading", "- not a list item", "1. not a numbered item",
                 "> not a quote", "Ends with a backslash \\"):
        expect(f"the summary line {line!r} stays a line of its paragraph", line in doc.text_in("p"))
    expect("no quote block (the policy is adopted: no status banner)",
           "<blockquote>" not in rendered)
    expect("every row of the checklist has its five cells",
           doc.rows and all(cells == 5 for cells in doc.rows))
    cells = doc.text_in("td")
    expect("a label ending in a backslash keeps it, and the help after its <br>",
           "Not at C:\\\nAsk | do not guess; _never_ write <housed> for a shelter" in cells)
    expect("a choice label keeps its asterisks", "Housed (*not* a shelter)" in cells)
    items = doc.text_in("li")
    expect("an entity in an explanation is shown, not read",
           "possession &amp; public use" in items)
    expect("a link written in an explanation is shown as written",
           "see [the protocol](http://x.invalid)." in items)
    expect("backticks and tildes in an approver stay",
           "The `outreach` supervisor ~on call~" in items)
    expect("an address in angle brackets in a citation stays text",
           "section 8 <https://x.invalid>" in items and "https://x.invalid" not in doc.links)
    expect("a source whose address has a space links to that address",
           "https://example.invalid/the%20protocol" in doc.links)
    for failure in failures:
        print(f"markdown_render: FAIL: {failure}")
    if failures:
        print(markdown)
        return 1
    print("markdown_render: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
