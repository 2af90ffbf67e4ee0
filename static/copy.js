// "Copy link" on permalink pages. Progressive: the link is always shown as text; the button only
// appears when this script runs, and falls back to selecting the text when the clipboard is refused.
(function () {
  "use strict";
  function select(input) {
    input.focus();
    input.select();
  }
  document.querySelectorAll("button[data-copy-target]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-copy-target"));
    var status = button.parentNode.querySelector(".copy-status");
    if (!input) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      function done(message) {
        if (status) {
          status.textContent = message;
        }
      }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(
          function () { done("已复制"); },
          function () { select(input); done("请按 Ctrl+C 复制"); }
        );
      } else {
        select(input);
        done("请按 Ctrl+C 复制");
      }
    });
  });
})();
