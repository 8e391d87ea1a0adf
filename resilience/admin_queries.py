"""Admin changelist filters and selected rows checked against the model fields they reach.

The admin turns any query key naming a field (`?id__in=`, `?created_at__year=`, `?ip_address=`)
into a filter, and catches only the errors raised while the filter is built. Values that fail
later, when the database runs the query, were 500s: an integer beyond the column's range
(SQLite: OverflowError), a year outside datetime's range (OverflowError, "year 10000 is out of
range"), text that is no IP address (PostgreSQL's inet: ValueError). `value_fits(field, value)`
says whether a value can be compared with a field at all; `RefuseBadAdminFilterMiddleware` uses it
on every changelist of every registered ModelAdmin (Django's and axes' too) and answers what the
admin answers to a filter it cannot apply: a redirect to the unfiltered list with `?e=1`.
"""

import datetime as dt
import logging
import re

from django.contrib.admin.views.main import ERROR_FLAG, IGNORED_PARAMS, PAGE_VAR
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import validate_ipv46_address
from django.db import DataError, connections, models, router
from django.http import HttpResponseRedirect

logger = logging.getLogger(__name__)

# A date or time a day inside datetime's range: moving it to another zone (at most 26 hours)
# or to the end of its day, month or year, as the admin's date hierarchy does, stays in range.
FIRST_YEAR = dt.MINYEAR + 1
LAST_YEAR = dt.MAXYEAR - 1

# Django's date and time transforms (django.db.models.functions.datetime), with the values they can take.
DATE_PARTS = {
    "year": (FIRST_YEAR, LAST_YEAR),
    "iso_year": (FIRST_YEAR, LAST_YEAR),
    "quarter": (1, 4),
    "month": (1, 12),
    "week": (1, 53),
    "day": (1, 31),
    "week_day": (1, 7),
    "iso_week_day": (1, 7),
    "hour": (0, 23),
    "minute": (0, 59),
    "second": (0, 59),
}

# Lookups comparing the column with the value itself; pattern lookups (contains, regex...) compare text.
COMPARISONS = {"exact", "gt", "gte", "lt", "lte"}
LISTS = {"in", "range"}  # the admin splits these values at commas
PATTERNS = {"regex", "iregex"}  # SQLite runs them with Python's re; a broken one was an OperationalError

CHANGELIST_PARAMS = {*IGNORED_PARAMS, PAGE_VAR, ERROR_FLAG}


def integer_range(field, connection):
    """(lowest, highest) integer the field's column holds on `connection`, or None for no integer field."""
    try:
        return connection.ops.integer_field_range(field.get_internal_type())
    except KeyError:
        return None


def value_fits(field, value, connection):
    """True when `value` (a str from a query string or form) can be compared with `field` on `connection`.

    False when the field's own `to_python` refuses it, when it is an integer outside the column's
    range (`connection.ops.integer_field_range`: 64 bits on SQLite, 16, 32 or 64 on PostgreSQL),
    a date or time outside FIRST_YEAR..LAST_YEAR, or not an IPv4/IPv6 address for a
    GenericIPAddressField (PostgreSQL's inet type refuses anything else).
    """
    try:
        python_value = field.to_python(value)
    except ValidationError:
        return False
    if python_value is None:
        return True
    if isinstance(field, models.GenericIPAddressField):
        try:
            validate_ipv46_address(python_value)
        except ValidationError:
            return False
        return True
    if isinstance(python_value, dt.date):
        return FIRST_YEAR <= python_value.year <= LAST_YEAR
    if isinstance(python_value, int) and not isinstance(python_value, bool):
        bounds = integer_range(field, connection)
        if bounds is not None:
            lowest, highest = bounds
            return (lowest is None or python_value >= lowest) and (highest is None or python_value <= highest)
    return True


def field_and_lookups(model, key):
    """(the concrete field a filter key compares with, [the transforms and lookup after it]) or (None, []).

    `story__id__exact` on Comment gives (Story.id, ["exact"]); a relation without a field after it
    (`story=3`, `hashtags__in=1,2`) compares with the related model's key; `pk` is the primary key.
    """
    parts = key.split("__")
    options, field, used = model._meta, None, 0
    while used < len(parts) and options is not None:
        name = parts[used]
        try:
            field = options.pk if name == "pk" else options.get_field(name)
        except FieldDoesNotExist:
            break
        used += 1
        options = field.related_model._meta if field.is_relation and field.related_model else None
    if field is None or (field.is_relation and field.related_model is None):
        return None, []
    if field.is_relation:
        field = getattr(field, "target_field", None) if field.many_to_one or field.one_to_one else None
        field = field if isinstance(field, models.Field) else options.pk
    return field, parts[used:]


def filter_value_fits(model, key, value, connection):
    """True when the changelist filter `key=value` on `model` can reach the database without failing.

    `connection` is the model's database connection. Keys that name no field (a SimpleListFilter's
    own parameter) or use lookups whose values are text (contains, startswith...) are left to the
    admin, which refuses what it cannot build; a regex must compile with Python's re.
    """
    field, lookups = field_and_lookups(model, key)
    if field is None:
        return True
    lookups = lookups or ["exact"]
    if lookups[0] == "date" and isinstance(field, models.DateTimeField):
        field, lookups = models.DateField(), lookups[1:] or ["exact"]
    if lookups[0] in DATE_PARTS and isinstance(field, models.DateField | models.TimeField):
        lowest, highest = DATE_PARTS[lookups[0]]
        field = models.IntegerField(validators=[])
        lookups = lookups[1:] or ["exact"]
        values = value.split(",") if lookups[0] in LISTS else [value]
        return all(value_fits(field, part, connection) and lowest <= int(part) <= highest for part in values)
    if len(lookups) != 1:
        return True
    if lookups[0] in LISTS:
        return all(value_fits(field, part, connection) for part in value.split(","))
    if lookups[0] in COMPARISONS:
        return value_fits(field, value, connection)
    if lookups[0] in PATTERNS:
        return is_regular_expression(value)
    return True


def is_regular_expression(value):
    """True when Python's re compiles `value` (PostgreSQL's own refusals are DataErrors, see below)."""
    try:
        re.compile(value)
    except (re.error, OverflowError, RecursionError):
        return False
    return True


def bad_filter_keys(model_admin, query):
    """The keys of `query` (a QueryDict) whose values no row of the changelist's model can be filtered by."""
    model = model_admin.model
    connection = connections[router.db_for_read(model)]
    return [
        key
        for key, values in query.lists()
        if key not in CHANGELIST_PARAMS
        and not all(filter_value_fits(model, key, value, connection) for value in values)
    ]


def is_changelist(request, model_admin):
    """True when the request resolved to the changelist URL of `model_admin` (not add, change, custom views)."""
    match = request.resolver_match
    options = model_admin.model._meta
    return match is not None and match.url_name == f"{options.app_label}_{options.model_name}_changelist"


def is_add_form(request, model_admin):
    """True when the request resolved to the add form of `model_admin`."""
    match = request.resolver_match
    options = model_admin.model._meta
    return match is not None and match.url_name == f"{options.app_label}_{options.model_name}_add"


def unrenderable_prefill_keys(model, query):
    """The keys of `query` that would prefill a DateTimeField of the add form.

    The admin passes query values as they are, as text, to the form's initial data
    (`ModelAdmin.get_changeform_initial_data`); the admin's split date and time widget
    takes only a datetime and raised AttributeError on any text, valid or not.
    """
    names = {field.name for field in model._meta.concrete_fields if isinstance(field, models.DateTimeField)}
    return [key for key in query if key in names]


def unfiltered_changelist(request):
    """What Django's changelist_view answers to IncorrectLookupParameters: the list without filters, `?e=1`."""
    return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")


# Errors a filter value can still raise while the changelist's query runs (a new lookup, a new backend).
VALUE_ERRORS = (OverflowError, ValueError, ValidationError, DataError)


class RefuseBadAdminFilterMiddleware:
    """Answer a changelist whose filters no row can match with the admin's own `?e=1` redirect.

    An add form's address prefilling a date and time (`?published_at=...`), which the admin's
    widget cannot show, is redirected to the form without that value.

    Before the view: each query key naming a field of the changelist's model is checked with
    `filter_value_fits` (GET and POST: an action posts to the list with its filters). After it,
    a VALUE_ERRORS exception raised by a filtered changelist is logged at WARNING, with the
    query, and gets the same redirect: a moderator who edited the address lands on the list,
    and the log still shows the case the check missed. An unfiltered list that fails is a bug
    and stays a 500. The admin marks each of its views with the ModelAdmin it serves
    (`view.model_admin`), so every registered ModelAdmin is covered without changing one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        model_admin = getattr(view_func, "model_admin", None)
        if model_admin is None:
            return None
        if is_add_form(request, model_admin):
            return self.drop_unrenderable_prefill(request, model_admin)
        if not is_changelist(request, model_admin):
            return None
        request.admin_changelist_of = model_admin
        if bad_filter_keys(model_admin, request.GET):
            return unfiltered_changelist(request)
        return None

    def drop_unrenderable_prefill(self, request, model_admin):
        """The same add form without the prefill values its widgets cannot show (a redirect), else None."""
        dropped = unrenderable_prefill_keys(model_admin.model, request.GET)
        if request.method != "GET" or not dropped:
            return None
        query = request.GET.copy()
        for key in dropped:
            del query[key]
        return HttpResponseRedirect(f"{request.path}?{query.urlencode()}" if query else request.path)

    def process_exception(self, request, exception):
        model_admin = getattr(request, "admin_changelist_of", None)
        if model_admin is None or not isinstance(exception, VALUE_ERRORS):
            return None
        if not any(key not in CHANGELIST_PARAMS for key in request.GET):
            return None
        logger.warning(
            "Admin changelist filter refused after it failed: %s?%s (%r)",
            request.path,
            request.GET.urlencode(),
            exception,
        )
        return unfiltered_changelist(request)
