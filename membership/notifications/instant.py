"""Email for each new item, for members who chose it, and announcements."""
