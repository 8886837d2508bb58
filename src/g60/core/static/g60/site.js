/* The platform's behaviour, attached here rather than written into the pages: the Content-Security-Policy
   (settings.CONTENT_SECURITY_POLICY) runs script files of the platform only, never an inline script, an on*=
   attribute or htmx's js: values. Loaded with defer from base.html; listeners on the document also serve
   elements htmx swaps in later. */
"use strict";

// <button data-remove-closest="fieldset">: removes the closest such ancestor (a shareholder row).
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("[data-remove-closest]") : null;
  if (button) {
    const container = button.closest(button.dataset.removeClosest);
    if (container) {
      container.remove();
    }
  }
});

// An htmx request from an element with data-next-index-of="SELECTOR" sends index = one more than the highest
// data-index of the elements SELECTOR finds (0 when there are none), so that a new row's ids are new too.
document.addEventListener("htmx:configRequest", (event) => {
  const source = event.detail.elt;
  const selector = source instanceof HTMLElement ? source.dataset.nextIndexOf : undefined;
  if (selector) {
    let next = 0;
    for (const element of document.querySelectorAll(selector)) {
      const index = Number.parseInt(element.dataset.index, 10);
      if (Number.isInteger(index) && index >= next) {
        next = index + 1;
      }
    }
    event.detail.parameters.index = String(next);
  }
});
