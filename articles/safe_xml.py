"""XML files read safely, as a stream, with the position of every fault: what the WordPress and
Disqus importers share (`articles.wordpress.export`, `comments.disqus.export`).

`stream_xml(stream, path, handler, error_class)` feeds a binary file through expat on defusedxml's
parser, 64 KiB at a time, and yields what the handler made of each chunk. defusedxml refuses entity
declarations (the "billion laughs" attack, external entities that would read another file or
address) before any expansion or read; expat's own faults (a truncated download, a stray `&`) and
an encoding expat cannot decode (EUC-KR) are raised as `error_class(path, line, column, reason)`,
lines and columns from 1.

Why expat's events rather than ElementTree's `iterparse`: iterparse cannot give an element's line
(its events are buffered per chunk), and its per-event layer costs a third of the time.

The handler takes expat's events itself (names "uri}local", attributes as expat's ordered list
name, value, name, value…):

    expat                       set by `stream_xml`: the parser, whose position is the current
                                event's during a callback
    start_element(tag, attributes), end_element(tag), character_data(text)
    data                        the same as character_data (ElementTree's handler for entity
                                references looks for it: without it one would be dropped silently)
    finish()                    at the end of the file (raise there for what is missing)
    take_ready()                a list of what was made since the last call

and no method ElementTree would call on a parser's target (`comment`, `pi`, `doctype`, `start_ns`,
`end_ns`, `close`, `start`, `end`) unless it means to take those events.
"""

import re

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser, ParseError

CHUNK_BYTES = 64 * 1024
XML_ENCODING = re.compile(rb"""\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


class XmlFileError(Exception):
    """An XML file that cannot be read: `path`, `line` and `column` (from 1) of the fault, `reason`."""

    def __init__(self, path, line, column, reason):
        self.path = path
        self.line = line
        self.column = column
        self.reason = reason
        super().__init__(str(self))

    def __str__(self):
        return f"{self.path}:{self.line}:{self.column}: {self.reason}"


class Node:
    """An element while a handler builds it: its `name` (as the handler names it), expat's ordered
    `attributes` (name, value, name, value…), its `line` and `column` (from 1), its text in `parts`
    and its child `children` (Nodes)."""

    __slots__ = ("name", "attributes", "line", "column", "parts", "children")

    def __init__(self, name, attributes, line, column):
        self.name = name
        self.attributes = attributes
        self.line = line
        self.column = column
        self.parts = []
        self.children = []

    @property
    def text(self):
        return "".join(self.parts)

    def attribute(self, name, default=""):
        """The value of attribute `name` ("uri}local" for a namespaced one), else `default`."""
        attributes = self.attributes
        for index in range(0, len(attributes), 2):
            if attributes[index] == name:
                return attributes[index + 1]
        return default


def local_name(tag):
    """An expat name without its namespace: "http://disqus.com}thread" → "thread"."""
    return tag.rpartition("}")[2]


def refusal(error):
    """The reason for a defusedxml refusal, in words."""
    if isinstance(error, EntitiesForbidden):
        if error.sysid or error.pubid:
            return (
                f"the file declares the external entity {error.name!r} ({error.sysid or error.pubid}): refused, "
                "it would read another file or address"
            )
        return (
            f"the file declares the entity {error.name!r}: refused, entities can expand without bound "
            "(the “billion laughs” attack) and exports declare none"
        )
    if isinstance(error, ExternalReferenceForbidden):
        return f"the file refers to an external document ({error.sysid or error.pubid}): refused"
    if isinstance(error, DTDForbidden):
        return "the file has a document type declaration: refused"
    return f"refused: {error}"


def encoding_reason(chunk, error):
    declared = XML_ENCODING.match(chunk) if isinstance(chunk, bytes) else None
    name = declared.group(1).decode("ascii", "replace") if declared else "its declared encoding"
    return (
        f"the file is in {name}, which this reader cannot decode ({error}); exports are written in UTF-8: "
        f"convert the file to UTF-8 (iconv -f {name} -t UTF-8) and change its XML declaration to match"
    )


def expat_reason(error):
    """expat's message without the position it appends ("not well-formed (invalid token)")."""
    return re.sub(r":\s*line \d+, column \d+$", "", str(error))


def stream_xml(stream, path, handler, error_class):
    """Read `stream` (a binary file object) into `handler` (see the module docstring); yields, after
    each chunk, what `handler.take_ready()` returns. `path` names the file in errors.

    Raises `error_class(path, line, column, reason)` (an `XmlFileError`) for a file that is not
    well-formed, declares entities or cannot be decoded; what the handler raises passes through.
    """
    parser = DefusedXMLParser(target=handler, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    # defusedxml's handlers for entity declarations and external references, and ElementTree's for
    # undefined entities, stay as they are; the element and text events go to the handler directly.
    expat = handler.expat = parser.parser
    expat.StartElementHandler = handler.start_element
    expat.EndElementHandler = handler.end_element
    expat.CharacterDataHandler = handler.character_data
    while True:
        chunk = stream.read(CHUNK_BYTES)
        at_end = not chunk
        try:
            if at_end:
                parser.close()
                handler.finish()
            else:
                parser.feed(chunk)
        except ParseError as error:
            line, column = error.position
            reason = expat_reason(error)
            if at_end:
                reason += " (the file ends here: is it cut short?)"
            raise error_class(path, line, column + 1, reason) from None
        except DefusedXmlException as error:
            raise error_class(path, expat.CurrentLineNumber, expat.CurrentColumnNumber + 1, refusal(error)) from None
        except (LookupError, ValueError) as error:
            # expat decodes UTF-8, UTF-16, ISO-8859-1 and US-ASCII itself and one-byte encodings
            # through Python; a multi-byte one (EUC-KR) or an unknown name is refused here.
            if isinstance(error, ValueError) and "encoding" not in str(error):
                raise
            raise error_class(path, 1, 1, encoding_reason(chunk, error)) from None
        yield from handler.take_ready()
        if at_end:
            return
