"""The data migration that gives existing outlets and bylines their slugs."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("articles", "0005_url_scheme_any_case")]
AFTER = [("articles", "0008_outlet_slug_unique")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_outlets_and_bylines_get_slugs():
    old = migrate(BEFORE)
    Outlet = old.get_model("articles", "Outlet")
    Story = old.get_model("articles", "Story")
    seoul = Outlet.objects.create(name="Seoul Daily")
    Outlet.objects.create(name="Seoul Daily!")
    Outlet.objects.create(name="아리랑 뉴스")
    for reporter in ("Choi Min-jung", "최민정 기자", ""):
        Story.objects.create(headline="A story", slug=f"s-{len(reporter)}", body="x", reporter=reporter, outlet=seoul)
    try:
        new = migrate(AFTER)
        slugs = dict(new.get_model("articles", "Outlet").objects.values_list("name", "slug"))
        bylines = dict(new.get_model("articles", "Story").objects.values_list("reporter", "reporter_slug"))
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    assert slugs == {"Seoul Daily": "seoul-daily", "Seoul Daily!": "seoul-daily-2", "아리랑 뉴스": "아리랑-뉴스"}
    assert bylines == {"Choi Min-jung": "choi-min-jung", "최민정 기자": "최민정-기자", "": ""}
