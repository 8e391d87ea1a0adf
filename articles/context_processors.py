from django.conf import settings


def site(request):
    """The site's name, for the header and titles of every page."""
    return {"site_name": settings.NEWSROOM_SITE_NAME}
