// Tells the site, without saying who you are, that a search that found
// something was shown, and whether one of its results was clicked: so
// coordinators see which searches helped nobody. The token holds only the
// query and its programme filter, signed by the server.
(function () {
  var signal = document.getElementById("search-signal");
  if (!signal || !navigator.sendBeacon) {
    return;
  }
  var token = signal.dataset.token;
  if (signal.dataset.seenUrl) {
    navigator.sendBeacon(signal.dataset.seenUrl, token);
  }
  var clicked = false;
  document.querySelectorAll(".result-list a").forEach(function (link) {
    link.addEventListener("click", function () {
      if (!clicked) {
        clicked = true;
        navigator.sendBeacon(signal.dataset.clickUrl, token);
      }
    });
  });
})();
