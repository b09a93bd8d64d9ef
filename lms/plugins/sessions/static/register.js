// Saves each tap on the register straight away. Progressive enhancement: without this
// script the "Save register" button posts the whole form, which does the same.
(function () {
  "use strict";

  var form = document.querySelector("form.lms-register[data-register-url]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var url = form.getAttribute("data-register-url");
  var token = form.querySelector("input[name='csrf_token']").value;
  var live = document.querySelector(".lms-register__live");
  if (live) {
    live.hidden = false;
  }
  var noJs = document.querySelector(".lms-register__no-js");
  if (noJs) {
    noJs.hidden = true;
  }

  function say(memberId, message) {
    var status = form.querySelector("[data-saved-for='" + memberId + "']");
    if (status) {
      status.textContent = message;
    }
  }

  form.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.name || input.name.indexOf("status-") !== 0) {
      return;
    }
    var memberId = input.name.slice("status-".length);
    var label = form.querySelector("label[for='" + input.id + "']").textContent.trim();
    var body = new FormData();
    body.append("csrf_token", token);
    body.append(input.name, input.value);
    say(memberId, "(saving…)");
    fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        // A signed-out session answers with the sign-in page, not JSON.
        var json = (response.headers.get("Content-Type") || "").indexOf("json") !== -1;
        if (!response.ok || response.redirected || !json) {
          throw new Error(response.status);
        }
        say(memberId, "(" + label.toLowerCase() + ", saved)");
      })
      .catch(function () {
        say(memberId, "(not saved: use Save register)");
      });
  });
})();
