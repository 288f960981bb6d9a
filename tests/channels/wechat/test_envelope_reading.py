"""Reading a request without the repeated work, to the same result (issue 17).

parse_xml reads WeChat's XML with expat directly: what it returns and refuses is what defusedxml's
ElementTree gave (the reference below: the code before), on ordinary and hostile bodies alike. The
envelope's crypto keeps its cipher: what it seals is byte for byte wechatpy's encrypt_message."""

from __future__ import annotations

import re
from xml.etree.ElementTree import ParseError

import defusedxml.ElementTree as SafeET
import pytest
from defusedxml import DefusedXmlException

from bot.channels.wechat.xml_safety import MAX_BODY_BYTES, BadXml, parse_xml

_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([^"']*)["']""")


def reference(body: bytes | str) -> dict[str, str]:
    """parse_xml as it was, over defusedxml.ElementTree."""
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
    except (ParseError, DefusedXmlException, ValueError, LookupError) as exc:
        raise BadXml(f"not XML: {exc}") from None
    if root.tag != "xml":
        raise BadXml(f"unexpected root element {root.tag!r}")
    return {child.tag: "".join(child.itertext()).strip() for child in root}


BODIES = [
    "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><FromUserName><![CDATA[o1]]></FromUserName>"
    "<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[实习补贴]]></Content>"
    "<MsgId>42</MsgId></xml>",
    '<?xml version="1.0" encoding="UTF-8"?>\n<xml>\n  <A> 1 </A>\n  <B/>\n</xml>\n',
    "\ufeff<xml><A>bom</A></xml>",
    "<xml><Event>scancode_push</Event><ScanCodeInfo><ScanType>qrcode</ScanType><ScanResult>1</ScanResult>"
    "</ScanCodeInfo></xml>",
    "<xml><A>x<!-- a comment -->y<?pi data?>z</A><A>second</A></xml>",
    "<xml><A>a<b>b</b>c<b>d<c>e</c></b>f</A>tail<B>&amp;&lt;&#x41;&#66;</B></xml>",
    '<xml xmlns="urn:x"><A>ns</A></xml>',
    '<x:xml xmlns:x="urn:x"><x:A>prefixed</x:A></x:xml>',
    '<xml xmlns:p="urn:p"><p:A p:attr="1">attribute</p:A></xml>',
    "<xml><p:A>unbound prefix</p:A></xml>",
    "<xml><A>&unknown;</A></xml>",
    "<xml><A>unclosed</xml>",
    "<xml><A>1</A></xml><xml/>",
    "<xml/>",
    "<notxml><A>1</A></notxml>",
    "",
    "   ",
    "not xml at all",
    "<xml><A>\x01</A></xml>",
    '<?xml version="1.0" encoding="latin-1"?><xml/>',
    '<?xml version="1.0" encoding="utf8"?><xml><A>ok</A></xml>',
    '<!DOCTYPE xml [<!ENTITY a "aaaa">]><xml><A>&a;</A></xml>',
    '<!doctype xml SYSTEM "http://evil/x.dtd"><xml/>',
    "<xml><A>&#0;</A></xml>",
    "<xml><Content><![CDATA[a]]]]><![CDATA[>b]]></Content></xml>",
    "<xml>" + "<A>x</A>" * 500 + "</xml>",
]


@pytest.mark.parametrize("body", BODIES)
def test_the_same_fields_or_the_same_refusal_as_defusedxml(body):
    for given in (body, body.encode("utf-8")):
        try:
            expected: object = reference(given)
        except BadXml as exc:
            expected = ("refused", str(exc))
        try:
            got: object = parse_xml(given)
        except BadXml as exc:
            got = ("refused", str(exc))
        assert got == expected


def test_a_body_over_the_limit_is_refused_before_parsing():
    with pytest.raises(BadXml, match="too large"):
        parse_xml(b"<xml>" + b" " * MAX_BODY_BYTES + b"</xml>")


@pytest.mark.parametrize(
    "raw",
    [
        "<xml><A>utf-16</A></xml>".encode("utf-16"),
        '<!DOCTYPE xml [<!ENTITY a "aaaa">]><xml><A>&a;</A></xml>'.encode("utf-16"),  # past the byte check
        '<!DOCTYPE xml SYSTEM "http://evil/x.dtd"><xml/>'.encode("utf-16"),
        b"<xml><A>\xff\xfe</A></xml>",
    ],
)
def test_bodies_the_byte_checks_cannot_read_are_treated_as_defusedxml_did(raw):
    try:
        expected: object = reference(raw)
    except BadXml as exc:
        expected = ("refused", str(exc))
    try:
        got: object = parse_xml(raw)
    except BadXml as exc:
        got = ("refused", str(exc))
    assert got == expected


def test_a_sealed_reply_is_what_wechatpy_writes_and_opens_back(monkeypatch):
    """Envelope's crypto keeps its cipher between messages; the bytes are wechatpy's encrypt_message's."""
    from bot.channels.wechat import envelope
    from tests.wechat_client import decrypt, encrypt, new_aes_key

    key, app_id = new_aes_key(), "wx0123456789abcdef"
    crypto = envelope._Crypto("token", key, app_id)
    monkeypatch.setattr(envelope._SecurePrpCrypto, "get_random_string", lambda self: b"0123456789abcdef")
    xml = "<xml><Content><![CDATA[答复]]></Content></xml>"
    for _ in range(2):  # the second with the cipher already used
        assert crypto.seal(xml, "nonce1", "1700000000") == crypto._encrypt_message(
            xml, "nonce1", "1700000000", envelope._SecurePrpCrypto
        )
        assert crypto.open(encrypt(key, app_id, xml)) == xml
    sealed = re.search(r"<Encrypt><!\[CDATA\[(.*?)\]\]>", crypto.seal(xml, "n", "1"))
    assert sealed and decrypt(key, app_id, sealed[1]) == xml
    with pytest.raises(Exception):  # noqa: B017 - wechatpy's own exception for another app id
        envelope._Crypto("token", key, "wxother").open(encrypt(key, app_id, xml))
