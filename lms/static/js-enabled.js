// GOV.UK Frontend's template snippet, kept out of the page for the CSP. Loaded as the
// first thing in <body>, so the classes are there before app.js runs initAll(), which
// starts no component (error summary focus, password reveal, ...) without them.
document.documentElement.classList.add("js-enabled");
document.body.classList.add("js-enabled");
if ("noModule" in HTMLScriptElement.prototype) {
  document.body.classList.add("govuk-frontend-supported");
}
