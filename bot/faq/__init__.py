"""The FAQ: answers and their context, admins' editing, import/export, review of unanswered questions, stats."""
