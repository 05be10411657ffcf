"""The homeowner's part, staff side: invitation letters, check-in and attendance (到访率), and the phone
回访 queue (REST)."""
