// A cut made for a planned deliverable: choosing it ticks its platform (and only it) and takes
// its title, so the render is preset from the plan. The form still posts without JS.
(function () {
  "use strict";
  document.querySelectorAll("select[data-preset-cut]").forEach(function (select) {
    function apply() {
      const option = select.selectedOptions[0];
      if (!option || !option.value) return;
      const form = select.form;
      form.querySelectorAll("input[name=platforms]").forEach(function (box) {
        box.checked = box.value === option.dataset.platform;
      });
      const title = form.querySelector("input[name=title]");
      if (title && option.dataset.title) title.value = option.dataset.title;
    }
    select.addEventListener("change", apply);
    apply();
  });
})();
