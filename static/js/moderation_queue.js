// The moderation queue's keys: J and K move between the rows' buttons, A approves and S marks as
// spam the comment whose row has the focus. The buttons work without this file (one click each).
(function () {
  "use strict";

  function rows() {
    return Array.from(document.querySelectorAll("#result_list tbody tr")).filter(function (row) {
      return row.querySelector(".queue-button");
    });
  }

  function currentRow() {
    var active = document.activeElement;
    return active && active.closest ? active.closest("#result_list tbody tr") : null;
  }

  function focusRow(row) {
    var button = row && row.querySelector(".queue-button");
    if (button) {
      button.focus();
      row.scrollIntoView({ block: "nearest" });
    }
  }

  function typing(target) {
    return target.closest && target.closest("input, textarea, select, [contenteditable]");
  }

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) {
      return;
    }
    var key = event.key.toLowerCase();
    var all = rows();
    var row = currentRow();
    var index = row ? all.indexOf(row) : -1;
    if (key === "j" || key === "k") {
      var next = key === "j" ? index + 1 : index - 1;
      if (index === -1) {
        next = key === "j" ? 0 : all.length - 1;
      }
      if (next >= 0 && next < all.length) {
        event.preventDefault();
        focusRow(all[next]);
      }
    } else if ((key === "a" || key === "s") && row) {
      var button = row.querySelector('.queue-button[data-queue-key="' + key + '"]');
      if (button) {
        event.preventDefault();
        button.click();
      }
    }
  });
})();
