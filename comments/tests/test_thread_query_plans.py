"""The comment pages' queries stay on their indexes on PostgreSQL before ANALYZE has run (issue 12:
the thread-listing query once took 247 ms at 1,577 comments on an unanalysed table)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comments.threads import build_threads, thread_page

from .factories import make_story, make_threads

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner and its statistics"),
]


def plans_of_a_comment_page(story, page="7", order="oldest"):
    """[(sql, plan text)] of the queries that build one comment page of `story`."""
    with CaptureQueriesContext(connection) as captured:
        chosen = thread_page(story, page, per_page=50, order=order)
        build_threads(story, list(chosen.object_list))
    plans = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            cursor.execute("EXPLAIN " + query["sql"])
            plans.append((query["sql"], "\n".join(row[0] for row in cursor.fetchall())))
    return plans


@pytest.fixture
def long_story():
    """A story with 1,500 comments (500 threads of a comment and two replies) beside another story's 900,
    in a table PostgreSQL has no statistics of yet (the test's transaction is not committed)."""
    story = make_story(headline="A long conversation", slug="long-conversation")
    make_threads(make_story(headline="Another story", slug="another-story"), 300, 2)
    make_threads(story, 500, 2)
    return story


@pytest.mark.parametrize("order", ["oldest", "newest"])
def test_a_comment_page_is_three_queries_without_a_join_of_the_comments_to_themselves(long_story, order):
    plans = plans_of_a_comment_page(long_story, order=order)
    assert len(plans) == 3
    for sql, plan in plans:
        assert "Semi Join" not in plan and "Anti Join" not in plan, (sql, plan)
    visible, roots, _threads = (plan for _sql, plan in plans)
    # The two that grow with the story's comments read only its rows, from an index.
    assert "Seq Scan" not in visible and "story_id = " in visible.split("Index Cond:")[1], visible
    assert "comment_root_time_idx" in roots and "Sort" not in roots and "Seq Scan" not in roots, roots


def test_the_page_is_the_one_asked_for(long_story):
    page = thread_page(long_story, "7", per_page=50)
    assert (page.number, len(page.object_list), page.paginator.num_pages) == (7, 50, 10)
