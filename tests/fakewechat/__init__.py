"""A local fake WeChat Official Account API server for tests of the pushing side (see server.py)."""

from tests.fakewechat.server import ERRMSG, FakeWeChat, WeChatCall

__all__ = ["ERRMSG", "FakeWeChat", "WeChatCall"]
