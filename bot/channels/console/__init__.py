"""The console chat: the same conversation in a terminal, buttons as numbered choices."""
