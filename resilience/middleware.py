"""Site-wide refusals made before any view or query runs."""

from .views import bad_request

NUL = "\x00"


def holds_nul(request):
    """True when the decoded path, or a key or value of the decoded query string, holds U+0000."""
    if NUL in request.path_info:
        return True
    return any(NUL in key or any(NUL in value for value in values) for key, values in request.GET.lists())


class RefuseNulCharacterMiddleware:
    """Answer 400 (the site's 400 page) to a request whose path or query string holds NUL.

    No address of the site and no form sent by GET has one, and PostgreSQL cannot store or
    compare it: psycopg refuses a text parameter with NUL, so any slug, search, filter or
    admin lookup given `%00` would end in a 500. Refused here once, not in every view.
    Form bodies are left to the forms, whose CharFields refuse NUL with a message next
    to the field and keep the rest of the visitor's text.

    Place it after LocaleMiddleware (the page is in the address's language) and before
    CommonMiddleware (no slash redirect is built for such an address).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if holds_nul(request):
            return bad_request(request)
        return self.get_response(request)
