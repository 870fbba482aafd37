// The export page's "select all" toggle, bound here rather than in an inline
// onchange attribute, which the Content Security Policy does not allow.
document.querySelectorAll(".select-toggle").forEach(function (toggle) {
  toggle.addEventListener("change", onSelectToggleChange);
});
