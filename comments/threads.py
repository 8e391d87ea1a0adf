"""The comment section of a story page: pages of threads, each built into a tree.

A page holds `COMMENTS_PER_PAGE` top-level comments with all their replies. Three
queries, whatever the number of comments: the count of threads, the page's thread
ids, and every visible comment of those threads, arranged into trees in Python.
"""

from dataclasses import dataclass, field

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Q

from .models import Comment


@dataclass
class CommentNode:
    comment: Comment
    replies: list["CommentNode"] = field(default_factory=list)
    depth: int = 0


def visible_comments(story, own_ids=()):
    return Comment.objects.filter(story=story).visible_to(own_ids)


def thread_page(story, page_number, *, per_page, own_ids=()):
    """The Page of top-level comments asked for (the last one if it is out of range)."""
    roots = visible_comments(story, own_ids).filter(parent__isnull=True).order_by("created_at", "id")
    paginator = Paginator(roots.values_list("id", flat=True), per_page)
    try:
        return paginator.page(page_number or 1)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


def build_threads(story, root_ids, own_ids=()):
    """Trees of the given threads, oldest first at every level.

    A reply whose parent is not visible (held, spam, removed) is not shown, nor are
    its own replies: they answer something the reader cannot see.
    """
    if not root_ids:
        return []
    comments = visible_comments(story, own_ids).filter(thread_id__in=list(root_ids)).order_by("created_at", "id")
    nodes = {}
    children = {}
    for comment in comments:
        nodes[comment.pk] = CommentNode(comment)
        children.setdefault(comment.parent_id, []).append(comment.pk)

    def attach(node, depth):
        node.depth = depth
        for child_id in children.get(node.comment.pk, []):
            child = nodes[child_id]
            node.replies.append(child)
            attach(child, depth + 1)
        return node

    return [attach(nodes[root_id], 0) for root_id in root_ids if root_id in nodes]


def page_of_comment(comment, *, per_page, own_ids=()):
    """The comment page that shows this comment's thread."""
    thread_id = comment.thread_id or comment.pk
    thread_root = Comment.objects.only("created_at").get(pk=thread_id)
    earlier = Q(created_at__lt=thread_root.created_at) | Q(created_at=thread_root.created_at, id__lt=thread_id)
    before = visible_comments(comment.story_id, own_ids).filter(earlier, parent__isnull=True).count()
    return before // per_page + 1
