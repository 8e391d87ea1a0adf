/* Autosave of the story change form (articles/revisions_admin.py, README "Revisions").

   Every 30 seconds the form's text fields are posted, with the CSRF token and the version the editor
   opened, to the story's autosave address: the server keeps them as this editor's autosave revision
   (never applied to the live story) and notes that the editor still has the story open. Loaded by the
   story admin's Media; does nothing on pages without the #story-autosave marker. */
(function () {
  "use strict";
  var INTERVAL_MS = 30000;
  var FIELDS = ["headline", "headline_ko", "intro", "intro_ko", "body", "body_ko", "opened_version"];

  function start() {
    var marker = document.getElementById("story-autosave");
    var form = document.getElementById("story_form");
    if (!marker || !form) {
      return;
    }
    var url = marker.getAttribute("data-url");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    var status = document.createElement("span");
    status.className = "story-autosave-status";
    marker.appendChild(document.createTextNode(" "));
    marker.appendChild(status);

    function send() {
      var data = new FormData();
      data.append("csrfmiddlewaretoken", token ? token.value : "");
      FIELDS.forEach(function (name) {
        var field = form.elements.namedItem(name);
        if (field && typeof field.value === "string") {
          data.append(name, field.value);
        }
      });
      fetch(url, { method: "POST", body: data, credentials: "same-origin", headers: { "X-Requested-With": "XMLHttpRequest" } })
        .then(function (response) {
          return response.json().then(function (answer) {
            if (answer.saved) {
              status.textContent = marker.getAttribute("data-saved") || new Date().toLocaleTimeString();
            }
          });
        })
        .catch(function () {
          /* Offline or refused: the next ping tries again; the form itself still holds the text. */
        });
    }

    window.setInterval(send, INTERVAL_MS);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") {
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
