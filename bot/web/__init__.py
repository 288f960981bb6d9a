"""The admins' web console: the same core, store and knowledge base as the chat, in a browser.

links.py makes and checks single-use login links (no aiohttp: the chat's /console uses it);
app.py builds the aiohttp application and starts it in the bot's process; auth.py is the
session, role and CSRF gate every request passes; pages_*.py are the pages, one concern each.
"""
