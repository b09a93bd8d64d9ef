// Saves a reflection draft in the background as the trainee types.
// Progressive enhancement: without this script the "Save draft" button does the same.
(function () {
  "use strict";

  var form = document.querySelector("form.lms-reflection-form[data-autosave-url]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var url = form.getAttribute("data-autosave-url");
  var status = document.getElementById("autosave-status");
  var basedOn = form.querySelector("input[name='based_on']");
  var QUIET_MS = 2500; // save once typing pauses...
  var MAX_WAIT_MS = 30000; // ...or at least this often during long typing
  var timer = null;
  var firstChangeAt = null;
  var saving = false;
  var again = false;
  var stopped = false;

  function say(message) {
    if (status) {
      status.textContent = message;
    }
  }

  function schedule() {
    if (stopped) {
      return;
    }
    var now = Date.now();
    firstChangeAt = firstChangeAt || now;
    window.clearTimeout(timer);
    var wait = Math.min(QUIET_MS, Math.max(0, firstChangeAt + MAX_WAIT_MS - now));
    timer = window.setTimeout(save, wait);
  }

  function save() {
    if (saving) {
      again = true;
      return;
    }
    saving = true;
    firstChangeAt = null;
    say("Saving draft…");
    fetch(url, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest", Accept: "application/json" },
    })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) {
          // Signed out (the sign-in page came back) or the form expired.
          throw new Error("session");
        }
        return response.json().then(function (data) {
          return { status: response.status, data: data };
        });
      })
      .then(function (result) {
        if (result.status === 200) {
          basedOn.value = String(result.data.version);
          say(result.data.message || "Draft saved");
        } else {
          if (result.status === 409) {
            stopped = true; // never overwrite the other tab's text
          }
          say(result.data.error || "Not saved.");
        }
      })
      .catch(function () {
        say(
          "Not saved: your session may have expired. Your text is still here. " +
            "Select ‘Save draft’: if you are asked to sign in, your text will be kept."
        );
        stopped = true;
      })
      .then(function () {
        saving = false;
        if (again && !stopped) {
          again = false;
          save();
        }
      });
  }

  form.addEventListener("input", schedule);
  form.addEventListener("submit", function (event) {
    stopped = true;
    window.clearTimeout(timer);
    if (saving && form.requestSubmit) {
      // Let the background save finish first, so the button press carries its version.
      event.preventDefault();
      var submitter = event.submitter;
      var wait = window.setInterval(function () {
        if (!saving) {
          window.clearInterval(wait);
          form.requestSubmit(submitter);
        }
      }, 100);
    }
  });
  say("Your draft saves automatically as you type.");
})();
