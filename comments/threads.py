"""The comment section of a story page: pages of threads, each built into a tree, and the editors' picks.

A page holds `COMMENTS_PER_PAGE` threads (top-level comments with all their
replies), oldest first or, when the reader asks (`?comments=newest`), newest
first: threads go by the time of their top-level comment, and the replies inside
a thread stay oldest first either way, so a conversation reads in order. Three
queries, whatever the number of comments: the count of threads, the page's
thread ids, and every comment of those threads (with its author's account, for
the badges), arranged into trees in Python; one more for the editors' picks.

A thread shows what the reader may see. A comment the reader may not see (held,
spam, removed) that has visible replies stays in its place as "This comment is
not available.", so the replies keep their context and every approved comment
counted in "N thoughts" is on the page.
"""

from dataclasses import dataclass, field

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator

from .models import Comment

OLDEST_FIRST = "oldest"
NEWEST_FIRST = "newest"
# The query parameter of the order (`?comments=newest`); without it, or with any other value, oldest first.
ORDER_PARAMETER = "comments"

# Who wrote a comment, as its badge says (`author_role`).
NEWSROOM = "newsroom"
REPORTER = "reporter"


def comment_order(raw):
    """The order of threads a reader asked for: NEWEST_FIRST for "newest", else OLDEST_FIRST (the
    default, and what a missing or unknown value falls back to). `raw`: the query's str, or None."""
    return NEWEST_FIRST if raw == NEWEST_FIRST else OLDEST_FIRST


def author_role(comment, story):
    """REPORTER, NEWSROOM or "" : the badge of `comment` (its `user` loaded) on `story`.

    Only the account a comment was posted from counts, never the name or address typed in the
    form, which anyone can type: posting stores `user` for staff accounts only
    (`posting.submit_comment`), and the badge needs that account to be staff and active still (a
    colleague who left loses it). REPORTER when the account is the story's `created_by`, the one
    link between a story and an account (README "Roles": a reporter's story is theirs through it);
    stories have no other record of their reporters' accounts (the byline is text), so an imported
    story (no `created_by`) has no reporter badge, and an editor who entered the story is its
    reporter here. Any other staff account: NEWSROOM.
    """
    user = comment.user
    if user is None or not (user.is_staff and user.is_active):
        return ""
    if story.created_by_id is not None and user.pk == story.created_by_id:
        return REPORTER
    return NEWSROOM


@dataclass
class CommentNode:
    comment: Comment
    visible: bool = True
    replies: list["CommentNode"] = field(default_factory=list)
    depth: int = 0
    # Minutes left for this browser to edit or withdraw the comment, its own (comments.editing.mark_editable).
    minutes_to_edit: int = 0
    role: str = ""  # author_role()


def visible_comments(story, own_ids=()):
    return Comment.objects.filter(story=story).visible_to(own_ids)


def thread_root_ids(story, own_ids=(), order=OLDEST_FIRST):
    """The ids (a list of int) of the top-level comments of `story` (a Story or its id) whose
    threads hold something visible (`visible_to(own_ids)`), in `order` of their time.

    Two plain index scans joined here, not one query with `IN (SELECT …)` or `EXISTS`: on
    PostgreSQL an unanalysed table has the planner take either subquery for one row and nest it
    over every root, which took 247 ms at 1,577 comments (issue 12). The visible comments' threads
    come from `comment_listing_idx` (story, status), the roots in time order from the partial index
    `comment_root_time_idx`; both stay on their index whatever the statistics say, and cost the same
    two queries at any number of comments.
    """
    visible = set(visible_comments(story, own_ids).order_by().values_list("thread_id", flat=True))
    roots = Comment.objects.filter(story=story, parent__isnull=True).order_by(*time_order(order))
    return [pk for pk in roots.values_list("id", flat=True) if pk in visible]


def time_order(order):
    """The `order_by()` fields of comments by time in `order` (OLDEST_FIRST or NEWEST_FIRST)."""
    return ("-created_at", "-id") if order == NEWEST_FIRST else ("created_at", "id")


def thread_page(story, page_number, *, per_page, own_ids=(), order=OLDEST_FIRST):
    """The Page of threads asked for (the last one if it is out of range), its top-level comments'
    ids in `order` (OLDEST_FIRST or NEWEST_FIRST) of their time."""
    paginator = Paginator(thread_root_ids(story, own_ids, order), per_page)
    try:
        return paginator.page(page_number or 1)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


def build_threads(story, root_ids, own_ids=()):
    """Trees of the given threads, in the order of `root_ids`; replies oldest first at every level.
    Each node carries its comment's badge (`author_role`)."""
    if not root_ids:
        return []
    # By thread alone (the roots are the story's): the thread index answers it, at any size.
    comments = Comment.objects.filter(thread_id__in=list(root_ids)).select_related("user").order_by("created_at", "id")
    nodes = {}
    children = {}
    for comment in comments:
        nodes[comment.pk] = CommentNode(
            comment, visible=comment.is_visible_to(own_ids), role=author_role(comment, story)
        )
        children.setdefault(comment.parent_id, []).append(comment.pk)

    def attach(node, depth):
        """Fill in the node's replies; False when nothing in it may be shown."""
        node.depth = depth
        for child_id in children.get(node.comment.pk, []):
            child = nodes[child_id]
            if attach(child, depth + 1):
                node.replies.append(child)
        return node.visible or bool(node.replies)

    return [nodes[root_id] for root_id in root_ids if root_id in nodes and attach(nodes[root_id], 0)]


def editors_picks(story, order=OLDEST_FIRST):
    """The story's editor's picks (approved comments with `picked_at`), in `order` of their time, as
    CommentNodes with their badges: one query. Only approved comments can be picked (a constraint,
    and `status.set_pick`), so every pick is one readers may see. An erased comment is no pick (an
    erasure unpicks it; one erased before that rule stays out of the box all the same)."""
    picks = (
        Comment.objects.approved()
        .filter(story=story, picked_at__isnull=False, erased_at__isnull=True)
        .select_related("user")
        .order_by(*time_order(order))
    )
    return [CommentNode(comment, role=author_role(comment, story)) for comment in picks]


def page_of_comment(comment, *, per_page, own_ids=(), order=OLDEST_FIRST):
    """The comment page that shows this comment's thread, with threads in `order`."""
    thread_id = comment.thread_id or comment.pk
    roots = thread_root_ids(comment.story_id, own_ids, order)
    before = roots.index(thread_id) if thread_id in roots else 0
    return before // per_page + 1
