"""People: who may do what (roles), and what the bot keeps about a student (privacy)."""
