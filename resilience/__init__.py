"""What keeps pages up when input, the database, the cache or the network misbehave.

Site-wide middleware, error pages and fail-safe backends live here, apart from the
apps that own content (`articles`, `comments`), which they may call but not the reverse.
"""
