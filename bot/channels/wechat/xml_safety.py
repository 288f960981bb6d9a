"""WeChat's XML, read defensively: no DTD, no entities, no nesting games, a size cap.

Everything that reaches the server is read here first, before any other code
(wechatpy's xmltodict included) sees it. WeChat's messages are one flat <xml>
element whose children hold text (a few events nest one level: ScanCodeInfo,
SendLocationInfo…, kept as their text content, usually empty).

The reading is defusedxml's, without its element tree: the same expat parser
(namespaces on, as ElementTree makes it), the same handlers refusing a DTD, an
entity declaration or an external reference with defusedxml's own exceptions,
fed the same way (the body, then the end); but the text goes straight into the
{tag: text} the callers want. defusedxml builds ElementTree's pure-Python
parser and tree for that, two per request (the envelope, then the message):
32 µs of each question, 16 µs here. `tests/channels/wechat/
test_envelope_reading.py` compares the two on valid and hostile bodies.
"""

from __future__ import annotations

import re
from xml.parsers import expat

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

#: Largest request body accepted (WeChat's messages are a few KB).
MAX_BODY_BYTES = 64 * 1024
#: The XML declaration's encoding: WeChat always sends UTF-8; any other is refused before the parser
#: looks it up (an unknown or non-text codec such as "x-evil" or "rot13" raises LookupError there).
_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([^"']*)["']""")


class BadXml(ValueError):
    """The body is not one of WeChat's XML messages (or is hostile): refuse it, do nothing."""


def parse_xml(body: bytes | str) -> dict[str, str]:
    """The <xml> root's children as {tag: text}; BadXml for anything else."""
    raw = body.encode() if isinstance(body, str) else body
    if len(raw) > MAX_BODY_BYTES:
        raise BadXml("body too large")
    upper = raw.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise BadXml("DTDs and entities are refused")
    declared = _ENCODING.match(raw)
    if declared and declared[1].lower() not in (b"utf-8", b"utf8"):
        raise BadXml(f"encoding {declared[1][:20]!r} refused: WeChat sends UTF-8")
    reader = _Reader()
    try:
        reader.read(raw)
    except (expat.ExpatError, DefusedXmlException, ValueError, LookupError) as exc:  # LookupError: a codec
        raise BadXml(f"not XML: {exc}") from None
    if reader.root != "xml":
        raise BadXml(f"unexpected root element {reader.root!r}")
    return reader.fields


class _Reader:
    """One document's root tag and its children's text (all the text inside each, as ElementTree's itertext)."""

    def __init__(self) -> None:
        self.root: str | None = None
        self.fields: dict[str, str] = {}
        self._depth = 0
        self._child = ""
        self._text: list[str] = []

    def read(self, raw: bytes) -> None:
        parser = expat.ParserCreate(None, "}")  # as ElementTree's XMLParser: namespaces, "}" between
        parser.buffer_text = True
        parser.StartDoctypeDeclHandler = _forbid_dtd  # defusedxml's handlers (forbid_dtd, entities, external)
        parser.EntityDeclHandler = _forbid_entity
        parser.UnparsedEntityDeclHandler = _forbid_unparsed_entity
        parser.ExternalEntityRefHandler = _forbid_external
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._data
        parser.Parse(raw, False)  # as ElementTree's feed() then close()
        parser.Parse(b"", True)

    def _start(self, tag: str, attributes: object) -> None:
        self._depth += 1
        if self._depth == 1:
            self.root = "{" + tag if "}" in tag else tag  # ElementTree's {namespace}tag
        elif self._depth == 2:
            self._child, self._text = "{" + tag if "}" in tag else tag, []

    def _end(self, tag: str) -> None:
        if self._depth == 2:  # a later child of the same name replaces the earlier, as in a dict comprehension
            self.fields[self._child] = "".join(self._text).strip()
        self._depth -= 1

    def _data(self, text: str) -> None:
        if self._depth >= 2:
            self._text.append(text)


def _forbid_dtd(name: str, sysid: str | None, pubid: str | None, has_internal_subset: bool) -> None:
    raise DTDForbidden(name, sysid, pubid)


def _forbid_entity(name: str, is_parameter_entity: bool, value: str | None, base: str | None, sysid: str | None,
                   pubid: str | None, notation_name: str | None) -> None:  # fmt: skip
    raise EntitiesForbidden(name, value, base, sysid, pubid, notation_name)


def _forbid_unparsed_entity(name: str, base: str | None, sysid: str | None, pubid: str | None,
                            notation_name: str | None) -> None:  # fmt: skip
    raise EntitiesForbidden(name, None, base, sysid, pubid, notation_name)


def _forbid_external(context: str, base: str | None, sysid: str | None, pubid: str | None) -> None:
    raise ExternalReferenceForbidden(context, base, sysid, pubid)
