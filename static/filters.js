// The filters panel on a phone (static/style.css shows the filters as a panel below 760px). Without
// this script the "筛选" link opens the panel through its #filters target and "完成" closes it. With
// it, the link is a button that opens and closes the panel without moving the page: focus goes into
// the panel and back to the button, Escape closes it, and the page behind it is inert meanwhile.
(function () {
  "use strict";
  var panel = document.getElementById("filters");
  var opener = document.querySelector(".filters-open");
  var closer = panel && panel.querySelector(".filters-close");
  if (!panel || !opener || !closer) {
    return;
  }
  var behind = document.querySelectorAll(".site-header, .results, .site-footer, .skip-link");
  var phone = window.matchMedia("(max-width: 760px)");

  function setOpen(open) {
    panel.classList.toggle("open", open);
    opener.setAttribute("aria-expanded", open ? "true" : "false");
    behind.forEach(function (el) { el.inert = open; });
    document.body.classList.toggle("panel-open", open);
    if (open) {
      panel.focus();
    } else {
      opener.focus();
    }
  }

  opener.setAttribute("role", "button");
  opener.setAttribute("aria-expanded", "false");
  opener.addEventListener("click", function (event) {
    if (!phone.matches) {
      return;  // beside the results on a wide screen: the link only moves to them
    }
    event.preventDefault();
    setOpen(true);
  });
  opener.addEventListener("keydown", function (event) {
    if (event.key === " ") {  // a button answers the space bar too
      event.preventDefault();
      opener.click();
    }
  });
  closer.addEventListener("click", function (event) {
    if (panel.classList.contains("open")) {
      event.preventDefault();
      setOpen(false);
    }
  });
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && panel.classList.contains("open")) {
      event.preventDefault();
      setOpen(false);
    }
  });
  phone.addEventListener("change", function () {
    if (!phone.matches && panel.classList.contains("open")) {
      setOpen(false);
    }
  });
})();
