"""What keeps pages up when input, the database, the cache or the network misbehave.

Site-wide middleware (input refused before any query, database outages), the error
pages (400, 403 for CSRF, 413, 500, 503), the fail-safe Redis cache backend and the
SQLite file guard. Content apps may ask it whether an error is an outage
(`resilience.outages.is_database_outage`); it gives a visitor's comment back through
`comments.views.story_page_with_form`, imported where it is used.
"""
