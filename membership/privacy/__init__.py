"""A member's own data: download everything the platform holds about them, and
delete their account. See docs/privacy.md for what is kept, deleted or anonymised."""
