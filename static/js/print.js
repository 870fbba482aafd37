// Progressive enhancement: a button that opens the print dialog. Without
// JavaScript the page says to use the browser's own print command.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () {
    window.print();
  });
});
