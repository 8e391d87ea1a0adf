// Reply in place: with JavaScript, "Reply" moves the comment form under the comment
// instead of reloading the page with ?replytocom=. Without JavaScript the link works as is.
(function () {
  "use strict";

  var respond = document.getElementById("respond");
  if (!respond) {
    return;
  }
  var form = document.getElementById("comment-form");
  var parentInput = form.querySelector("input[name=parent]");
  var replyingTo = document.getElementById("replying-to");
  var replyingName = replyingTo.querySelector(".replying-to-name");
  var cancel = document.getElementById("cancel-reply");
  var home = document.createElement("div");
  home.id = "respond-home";
  respond.parentNode.insertBefore(home, respond);

  function replyTo(link) {
    var comment = document.getElementById("comment-" + link.dataset.commentId);
    comment.querySelector(".comment-body").after(respond);
    parentInput.value = link.dataset.commentId;
    // A <bdi> filled as text: the name's direction cannot reorder "Replying to … — cancel".
    replyingName.textContent = link.dataset.author;
    replyingTo.hidden = false;
    form.querySelector("textarea").focus();
  }

  function cancelReply() {
    home.after(respond);
    parentInput.value = "";
    replyingTo.hidden = true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest(".comment-reply-link");
    if (link) {
      event.preventDefault();
      replyTo(link);
    } else if (event.target === cancel) {
      event.preventDefault();
      cancelReply();
      form.querySelector("textarea").focus();
    }
  });

  var summary = document.getElementById("comment-errors");
  if (summary) {
    summary.focus();
  }
})();
