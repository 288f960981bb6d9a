"""Whatever a user sends, matching and rendering neither crash nor misbehave."""

import html

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.channels.telegram.render import render_chunks
from bot.conversation import Conversation
from bot.replies import Reply, Request
from knowledge.kb import KnowledgeBase

ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=400)
CHINESE_ISH = st.text(st.sampled_from("三支一扶见习实习补贴东莞校园大使你好吗？！ 😀abc123\n\t"), max_size=60)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(ANY_TEXT, CHINESE_ISH))
def test_the_matcher_takes_any_unicode(kb: KnowledgeBase, text: str):
    outcome = kb.ask(text)
    assert outcome.kind in {"answer", "suggest", "none", "smalltalk"}
    assert 0.0 <= outcome.score <= 1.0
    assert len(outcome.suggestions) <= 3
    if outcome.kind == "answer":
        assert outcome.entry is not None and outcome.score >= kb.answer_threshold


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=ANY_TEXT)
def test_the_conversation_always_replies_to_text(conversation: Conversation, text: str):
    conversation.flood = type(conversation.flood)(10**6)
    replies = conversation.handle(Request("test", "fuzz", "text", text))
    assert replies and all(r.text for r in replies)


@settings(max_examples=200, deadline=None)
@given(body=st.text(max_size=9000), title=st.text(max_size=300))
def test_rendered_telegram_chunks_always_fit_and_lose_nothing(body: str, title: str):
    chunks = render_chunks(Reply(body, title=title))
    assert all(0 < len(c) <= 4096 for c in chunks)
    if (title + body).strip():
        shown = html.unescape("".join(chunks).replace("<b>", "", 1).replace("</b>", "", 1))
        assert "".join(shown.split()) == "".join((title[:200] + body).split())


def test_binary_junk_and_huge_messages_are_handled(kb: KnowledgeBase):
    junk = bytes(range(256)).decode("latin-1") * 40
    assert kb.ask(junk).kind in {"none", "suggest"}
    assert kb.ask("见习" * 5000).kind in {"answer", "suggest", "none"}
