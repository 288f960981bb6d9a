"""WeChat's XML, read defensively: no DTD, no entities, no nesting games, a size cap.

Everything that reaches the server is read here first, with defusedxml, before
any other code (wechatpy's xmltodict included) sees it. WeChat's messages are
one flat <xml> element whose children hold text (a few events nest one level:
ScanCodeInfo, SendLocationInfo…, kept as their text content, usually empty).
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

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
    if b"<!DOCTYPE" in raw.upper() or b"<!ENTITY" in raw.upper():
        raise BadXml("DTDs and entities are refused")
    declared = _ENCODING.match(raw)
    if declared and declared[1].lower() not in (b"utf-8", b"utf8"):
        raise BadXml(f"encoding {declared[1][:20]!r} refused: WeChat sends UTF-8")
    try:
        root = SafeET.fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (ParseError, DefusedXmlException, ValueError, LookupError) as exc:  # LookupError: a codec
        raise BadXml(f"not XML: {exc}") from None
    if root.tag != "xml":
        raise BadXml(f"unexpected root element {root.tag!r}")
    return {child.tag: "".join(child.itertext()).strip() for child in root}
