"""The WeChat Official Account (公众号) channel: receiving (inbound), pushing (api, transport), rendering."""
