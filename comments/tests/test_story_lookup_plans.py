"""A comment's own pages (its permalink, report, edit and withdraw pages) find its story by its id, not
in a list of every public story: SQLite made that list on each request (46 ms at 100,000 stories,
bench/archive.py). SQLite's plans do not depend on the data, so the test database shows the plan of
any size; PostgreSQL's depend on statistics a test table lacks."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import make_comment, make_story

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plans, which do not depend on the data"),
]


# The answers to a visitor without the edit cookie: the story page at the comment, the report form, refusals.
@pytest.mark.parametrize(("page", "status"), [("", 302), ("report/", 200), ("edit/", 403), ("withdraw/", 403)])
def test_a_comment_page_looks_up_its_own_story(client, page, status):
    comment = make_comment(make_story())
    make_story()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/en/comments/{comment.pk}/{page}")
    assert response.status_code == status
    lookups = [query["sql"] for query in captured.captured_queries if 'FROM "comments_comment"' in query["sql"]]
    assert lookups
    with connection.cursor() as cursor:
        for sql in lookups:
            cursor.execute("EXPLAIN QUERY PLAN " + sql)
            plan = "\n".join(row[-1] for row in cursor.fetchall())
            assert "LIST SUBQUERY" not in plan, (sql, plan)
