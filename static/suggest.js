// Suggestions as you type, for every search box with data-suggest (progressive: without this
// script the box is a plain GET form). The ARIA 1.2 combobox pattern: the input owns a listbox,
// arrows move through the options (aria-activedescendant), Enter opens the chosen one, Escape
// closes the list, and a live region says how many suggestions there are. Each says what it is and
// how many records it leads to (the API leaves out those that lead to none).
(function () {
  "use strict";
  var DELAY = 120;

  function setup(input) {
    var url = input.getAttribute("data-suggest");
    var list = document.createElement("ul");
    var status = document.createElement("p");
    var items = [];
    var active = -1;
    var timer = null;
    var asked = "";
    list.id = input.id + "-suggestions";
    list.className = "suggest-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "检索建议");
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("autocomplete", "off");
    input.parentNode.classList.add("has-suggest");
    input.parentNode.appendChild(list);
    input.parentNode.appendChild(status);

    function close() {
      asked = "";  // typing again asks again, even for the same text
      list.hidden = true;
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(i) {
      var options = list.children;
      for (var k = 0; k < options.length; k++) {
        options[k].setAttribute("aria-selected", k === i ? "true" : "false");
      }
      active = i;
      if (i >= 0) {
        input.setAttribute("aria-activedescendant", options[i].id);
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function show(suggestions) {
      items = suggestions;
      list.textContent = "";
      suggestions.forEach(function (s, i) {
        var li = document.createElement("li");
        var kind = document.createElement("span");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.className = "suggest-option kind-" + s.kind;
        li.appendChild(document.createTextNode(s.text));
        kind.className = "suggest-kind";
        kind.textContent = s.kind_label + " · " + s.count + " 条";
        li.appendChild(kind);
        li.addEventListener("mousedown", function (event) {
          event.preventDefault();  // keep the focus in the box until the page changes
          window.location.assign(s.url);
        });
        list.appendChild(li);
      });
      active = -1;
      list.hidden = suggestions.length === 0;
      input.setAttribute("aria-expanded", suggestions.length ? "true" : "false");
      status.textContent = suggestions.length ? suggestions.length + " 条建议，可用上下方向键选择" : "";
    }

    function ask() {
      var q = input.value;
      if (q === asked) {
        return;
      }
      asked = q;
      if (!q.trim()) {
        show([]);
        return;
      }
      fetch(url + "?q=" + encodeURIComponent(q), {headers: {"Accept": "application/json"}})
        .then(function (response) { return response.ok ? response.json() : {suggestions: []}; })
        .then(function (data) {
          if (input.value === q) {
            show(data.suggestions || []);
          }
        })
        .catch(function () { show([]); });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, DELAY);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) {
        return;
      }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var n = items.length;
        highlight(event.key === "ArrowDown" ? (active + 1) % n : (active - 1 + n) % n);
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        window.location.assign(items[active].url);
      } else if (event.key === "Escape") {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", close);
  }

  document.querySelectorAll("input[data-suggest]").forEach(setup);
})();
