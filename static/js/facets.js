// The search page's facets ("Verfijn") fold away on narrow screens, so the
// results come first on a phone; on wide screens they stand open beside them.
// Without this script they are simply open everywhere.
(function () {
  var wide = window.matchMedia("(min-width: 48.0625rem)");
  function fit() {
    document.querySelectorAll("details.facets-fold").forEach(function (fold) {
      fold.open = wide.matches;
    });
  }
  fit();
  wide.addEventListener("change", fit);
})();
