"""Support requests: what came in, who it was offered to, who took it and how it ended."""
