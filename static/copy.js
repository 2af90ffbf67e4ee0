// "Copy link" on permalink and results pages. Progressive: the button only appears when this script
// runs; when the clipboard is refused, the link is shown (if it was hidden) and selected, with a hint.
(function () {
  "use strict";
  function select(input) {
    input.hidden = false;
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
