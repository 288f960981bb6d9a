"""Rendering replies for Telegram: HTML escaping, splitting, inline keyboards."""

from bot.channels.telegram.render import keyboard, render_caption, render_chunks
from bot.replies import Button, Reply


def test_title_is_bold_and_text_is_escaped_for_html():
    [chunk] = render_chunks(Reply("1 < 2 & 3 > 2", title="<问题>"))
    assert chunk == "<b>&lt;问题&gt;</b>\n1 &lt; 2 &amp; 3 &gt; 2"


def test_long_replies_split_at_line_breaks_under_the_limit():
    text = "\n".join(f"第{i}行" + "字" * 50 for i in range(200))
    chunks = render_chunks(Reply(text), limit=1000)
    assert all(len(c) <= 1000 for c in chunks)
    assert "\n".join(chunks) == text  # split only between lines, nothing lost


def test_a_single_enormous_line_is_cut_without_breaking_an_entity():
    chunks = render_chunks(Reply("&" * 30), limit=12)
    assert all(c.replace("&amp;", "") == "" for c in chunks)


def test_buttons_become_an_inline_keyboard_row_by_row():
    markup = keyboard(Reply("x", buttons=((Button("甲", "a"), Button("乙", "b")), (Button("丙", "c"),))))
    assert [[b.callback_data for b in row] for row in markup.inline_keyboard] == [["a", "b"], ["c"]]
    assert keyboard(Reply("x")) is None


def test_a_photos_caption_is_escaped_and_none_when_over_telegrams_limit():
    assert render_caption(Reply("1 < 2 & 3", title="<问题>")) == "<b>&lt;问题&gt;</b>\n1 &lt; 2 &amp; 3"
    assert render_caption(Reply("&" * 1024)) == "&amp;" * 1024  # the limit counts the text, not its HTML
    assert render_caption(Reply("招" * 1023 + "👍")) is None  # 1025 as Telegram counts: the text goes after it
