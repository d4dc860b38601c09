// Runs at the top of <body>, before the page is drawn, so GOV.UK Frontend's styles for
// JavaScript-enhanced components apply from the first paint (no inline script: CSP).
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
