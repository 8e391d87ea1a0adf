"""The comment section of a story page: pages of threads, each built into a tree.

A page holds `COMMENTS_PER_PAGE` threads (top-level comments with all their
replies). Three queries, whatever the number of comments: the count of threads,
the page's thread ids, and every comment of those threads, arranged into trees
in Python.

A thread shows what the reader may see. A comment the reader may not see (held,
spam, removed) that has visible replies stays in its place as "This comment is
not available.", so the replies keep their context and every approved comment
counted in "N thoughts" is on the page.
"""

from dataclasses import dataclass, field

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Q

from .models import Comment


@dataclass
class CommentNode:
    comment: Comment
    visible: bool = True
    replies: list["CommentNode"] = field(default_factory=list)
    depth: int = 0
    # Minutes left for this browser to edit or withdraw the comment, its own (comments.editing.mark_editable).
    minutes_to_edit: int = 0


def visible_comments(story, own_ids=()):
    return Comment.objects.filter(story=story).visible_to(own_ids)


def thread_roots(story, own_ids=()):
    """Top-level comments of threads with something visible in them, oldest first."""
    threads_with_visible = visible_comments(story, own_ids).values("thread_id")
    return Comment.objects.filter(story=story, parent__isnull=True, pk__in=threads_with_visible)


def thread_page(story, page_number, *, per_page, own_ids=()):
    """The Page of threads asked for (the last one if it is out of range)."""
    roots = thread_roots(story, own_ids).order_by("created_at", "id")
    paginator = Paginator(roots.values_list("id", flat=True), per_page)
    try:
        return paginator.page(page_number or 1)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


def build_threads(story, root_ids, own_ids=()):
    """Trees of the given threads, oldest first at every level."""
    if not root_ids:
        return []
    comments = Comment.objects.filter(story=story, thread_id__in=list(root_ids)).order_by("created_at", "id")
    nodes = {}
    children = {}
    for comment in comments:
        nodes[comment.pk] = CommentNode(comment, visible=comment.is_visible_to(own_ids))
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


def page_of_comment(comment, *, per_page, own_ids=()):
    """The comment page that shows this comment's thread."""
    thread_id = comment.thread_id or comment.pk
    thread_root = Comment.objects.only("created_at").get(pk=thread_id)
    earlier = Q(created_at__lt=thread_root.created_at) | Q(created_at=thread_root.created_at, id__lt=thread_id)
    before = thread_roots(comment.story_id, own_ids).filter(earlier).count()
    return before // per_page + 1
