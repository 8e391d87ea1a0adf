# What differs from one site to another, included by newsroom.vcl: the gunicorn instances and who
# may send BAN and PURGE. This copy describes two instances on this machine, 127.0.0.1:8081 and
# :8082, the ports `make stack` uses (it writes its own copy for other ports: scripts/stack.py).
# For several machines, list each instance as a backend, add it to the director, and name the
# application servers in the ACL (they send the BANs after each change: NEWSROOM_PURGE_URLS).

backend newsroom_a {
    .host = "127.0.0.1";
    .port = "8081";
    .probe = newsroom_probe;
    .connect_timeout = 1s;
    # Longer than gunicorn's own timeout (GUNICORN_TIMEOUT, 30 s): gunicorn ends a hung request first.
    .first_byte_timeout = 35s;
    .between_bytes_timeout = 10s;
}

backend newsroom_b {
    .host = "127.0.0.1";
    .port = "8082";
    .probe = newsroom_probe;
    .connect_timeout = 1s;
    .first_byte_timeout = 35s;
    .between_bytes_timeout = 10s;
}

# The site's own machines: they may send BAN and PURGE, and read /readyz.
acl newsroom_purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_init {
    new newsroom = directors.round_robin();
    newsroom.add_backend(newsroom_a);
    newsroom.add_backend(newsroom_b);
}
