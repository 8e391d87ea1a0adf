"""What goes to Sentry about a request: its address without the keys some paths are.

settings.py gives sentry_sdk.init `before_send=scrub_event` (errors) and `before_send_transaction`
(traces, with SENTRY_TRACES_SAMPLE_RATE) when SENTRY_DSN is set. sentry-sdk's Django integration puts
the request's URL in each event (`request.url`) and its headers, the Referer among them: for a
commenter's data link or a subscription's link (operations.private_paths) those hold the key.
`scrub_event` writes them as their URL pattern, as the logs do.

Imported by the settings: the standard library only at import time.
"""


def scrub_event(event, hint):
    """sentry-sdk's `before_send`: `event` (dict) with the request's URL and Referer made loggable
    (operations.private_paths.loggable_url). Returns the event; never drops one."""
    request = event.get("request")
    if not isinstance(request, dict):
        return event
    from .private_paths import loggable_url  # Django's URL resolver: an event comes once apps are ready

    if isinstance(request.get("url"), str):
        request["url"] = loggable_url(request["url"])
    headers = request.get("headers")
    if isinstance(headers, dict):
        for name, value in headers.items():
            if name.lower() == "referer" and isinstance(value, str):
                headers[name] = loggable_url(value)
    return event
