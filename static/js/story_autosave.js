/* Autosave of the story change form (articles/revisions_admin.py, README "Revisions").

   Every `data-seconds` seconds (30) the form's text fields are posted with the CSRF token to the
   story's autosave address, and once more when the tab is hidden or closed: the server keeps them as
   this editor's autosave revision (never applied to the live story) and notes that the editor still
   has the story open. As the tab closes, nothing is sent when the text is what was last sent (or
   what the page loaded with): there is nothing to keep. Loaded by the story admin's Media; does
   nothing without #story-autosave. */
(function () {
  "use strict";
  var FIELDS = ["headline", "headline_ko", "intro", "intro_ko", "body", "body_ko"];

  function start() {
    var marker = document.getElementById("story-autosave");
    var form = document.getElementById("story_form");
    if (!marker || !form) {
      return;
    }
    var url = marker.getAttribute("data-url");
    var seconds = parseInt(marker.getAttribute("data-seconds"), 10) || 30;
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    var status = document.createElement("span");
    status.className = "story-autosave-status";
    marker.appendChild(document.createTextNode(" "));
    marker.appendChild(status);

    function currentText() {
      return FIELDS.map(function (name) {
        var field = form.elements.namedItem(name);
        return field && typeof field.value === "string" ? field.value : "";
      }).join("\u0000");
    }
    var lastSent = currentText();

    function send() {
      lastSent = currentText();
      var data = new FormData();
      data.append("csrfmiddlewaretoken", token ? token.value : "");
      FIELDS.forEach(function (name) {
        var field = form.elements.namedItem(name);
        if (field && typeof field.value === "string") {
          data.append(name, field.value);
        }
      });
      // keepalive: the last send, as the tab closes, still reaches the server.
      fetch(url, { method: "POST", body: data, credentials: "same-origin", keepalive: true })
        .then(function (response) {
          return response.json().then(function (answer) {
            if (answer.saved) {
              status.textContent = marker.getAttribute("data-saved") + " " + new Date().toLocaleTimeString();
            }
          });
        })
        .catch(function () {
          /* Offline or refused: the next ping tries again; the form itself still holds the text. */
        });
    }

    window.setInterval(send, seconds * 1000);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && currentText() !== lastSent) {
        send();
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
