"""Job fairs: the list, reminders, calendar files, the admins' guided flows and fair files."""
