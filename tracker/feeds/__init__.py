"""Calendar feeds: an agency's open dated obligations as an iCalendar address to subscribe to."""
