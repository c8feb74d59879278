"""The frame every page shares: the error pages (403, 404, 500) in the user's language."""
