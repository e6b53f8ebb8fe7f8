"""Per-community snapshots of the figures the facilitator dashboard and the leader
report show, computed ahead of the pages (models.CommunitySnapshot)."""
