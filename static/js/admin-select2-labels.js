/*
 * An accessible name for the admin's autocomplete fields (Select2 4.0.13,
 * shipped with Django). Select2 hides the <select> that the field's <label>
 * points at, labels its combobox only with the element that shows the current
 * choice (empty when nothing is chosen) and gives that element the role
 * "textbox" without a name (WCAG 4.1.2; axe aria-input-field-name). Both are
 * labelled here with the field's <label> as well.
 */
(function () {
  "use strict";

  function nameField(select) {
    var container = select.nextElementSibling;
    var label = document.querySelector('label[for="' + select.id + '"]');
    if (!label || !container || !container.classList.contains("select2")) {
      return;
    }
    if (!label.id) {
      label.id = select.id + "_label";
    }
    var selection = container.querySelector(".select2-selection");
    var rendered = container.querySelector(".select2-selection__rendered[id]");
    var search = container.querySelector(".select2-search__field");
    if (selection && rendered) {
      selection.setAttribute("aria-labelledby", label.id + " " + rendered.id);
      rendered.setAttribute("aria-labelledby", label.id);
    } else if (selection) {
      selection.setAttribute("aria-labelledby", label.id);
    }
    if (search) {
      search.setAttribute("aria-labelledby", label.id);
    }
  }

  function nameFields() {
    document.querySelectorAll("select.select2-hidden-accessible[id]").forEach(nameField);
  }

  // Select2 builds its elements after the page has loaded, and again for new inline rows.
  new MutationObserver(nameFields).observe(document.documentElement, { childList: true, subtree: true });
  document.addEventListener("DOMContentLoaded", nameFields);
})();
