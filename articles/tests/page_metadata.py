"""Read a page's metadata the way a crawler does: an HTML parser, then json.loads."""

import json
from html.parser import HTMLParser


class MetadataParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta = []  # (attribute, name, content) in page order
        self.json_ld = []  # the text of each <script type="application/ld+json">
        self._in_json_ld = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "meta" and "content" in attributes:
            for attribute in ("name", "property"):
                if attribute in attributes:
                    self.meta.append((attribute, attributes[attribute], attributes["content"]))
        if tag == "script" and attributes.get("type") == "application/ld+json":
            self._in_json_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json_ld = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld[-1] += data


def parse(html):
    parser = MetadataParser()
    parser.feed(html)
    parser.close()
    return parser


def meta_tags(response):
    return parse(response.content.decode()).meta


def meta_values(response, name):
    """Every content of the <meta> with this name or property, in page order."""
    return [content for _attribute, key, content in meta_tags(response) if key == name]


def meta_value(response, name):
    values = meta_values(response, name)
    assert len(values) == 1, f"{name}: {values}"
    return values[0]


def json_ld(response):
    """The page's one JSON-LD object."""
    scripts = parse(response.content.decode()).json_ld
    assert len(scripts) == 1, f"{len(scripts)} JSON-LD scripts"
    return json.loads(scripts[0])
