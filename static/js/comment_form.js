// The comment form's values for this visitor. The story page is the same for every reader (browsers,
// a proxy and the page cache share it), so its form carries no CSRF token and no signed time: they
// are fetched from the form's data-values-url when the visitor first focuses the form, or at the
// latest when it is sent. Without JavaScript, or when they cannot be fetched, the form is sent
// without them and the site answers with the form again, the text kept and the values in it: one
// more click (README "Caching").
(function () {
  "use strict";

  var form = document.getElementById("comment-form");
  if (!form || !form.dataset.valuesUrl) {
    return;
  }
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
  var token = form.querySelector("input[name=token]");
  var WAIT_MS = 5000;
  var pending = null;
  var sending = false;

  function filled() {
    return csrf.value !== "" && token.value !== "";
  }

  function fetchValues() {
    if (filled()) {
      return Promise.resolve();
    }
    if (!pending) {
      pending = fetch(form.dataset.valuesUrl, {
        credentials: "same-origin",
        cache: "no-store",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("comment form values: HTTP " + response.status);
          }
          return response.json();
        })
        .then(function (values) {
          csrf.value = values.csrfmiddlewaretoken;
          token.value = values.token;
        })
        .catch(function () {
          // Asked again at the next focus or send; a form sent without them is asked to be sent again.
          pending = null;
        });
    }
    return pending;
  }

  function waitAtMost(milliseconds) {
    return new Promise(function (resolve) {
      window.setTimeout(resolve, milliseconds);
    });
  }

  form.addEventListener("focusin", function () {
    fetchValues();
  });

  form.addEventListener("submit", function (event) {
    if (filled()) {
      return;
    }
    event.preventDefault();
    if (sending) {
      return;
    }
    sending = true;
    Promise.race([fetchValues(), waitAtMost(WAIT_MS)]).then(function () {
      // submit() sends the form as it is now, without firing this handler again.
      form.submit();
    });
  });
})();
