/* @mention suggestions for textareas with data-mention-url (progressive: typing
   "@Full Name" works without this script). Type "@" and a few letters; pick a
   name with the arrow keys and Enter, or click it. It inserts @[Name](member:id). */
(function () {
  "use strict";

  function setUp(textarea) {
    var url = textarea.getAttribute("data-mention-url");
    var list = document.createElement("ul");
    var status = document.createElement("p");
    var listId = textarea.id + "-mentions";
    var results = [];
    var active = -1;
    var timer = null;
    list.id = listId;
    list.className = "mention-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "People to mention");
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    textarea.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);
    textarea.setAttribute("aria-controls", listId);
    textarea.setAttribute("aria-autocomplete", "list");

    function query() {
      var before = textarea.value.slice(0, textarea.selectionStart);
      var match = /(^|[^\w.])@([^\s@\[\]()]{1,30}(?: [^\s@\[\]()]{0,30})?)$/.exec(before);
      return match ? { text: match[2], start: before.length - match[2].length - 1 } : null;
    }

    function close() {
      list.hidden = true;
      list.innerHTML = "";
      results = [];
      active = -1;
      textarea.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      var items = list.querySelectorAll("li");
      active = index;
      items.forEach(function (item, i) {
        item.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (items[index]) {
        textarea.setAttribute("aria-activedescendant", items[index].id);
      }
    }

    function choose(index) {
      var found = query();
      var person = results[index];
      if (!found || !person) { close(); return; }
      var token = "@[" + person.name.replace(/[\[\]]/g, "") + "](member:" + person.id + ") ";
      var value = textarea.value;
      var caret = textarea.selectionStart;
      textarea.value = value.slice(0, found.start) + token + value.slice(caret);
      var position = found.start + token.length;
      textarea.setSelectionRange(position, position);
      close();
      textarea.focus();
    }

    function show(people) {
      close();
      results = people;
      if (!people.length) { status.textContent = "No one found"; return; }
      people.forEach(function (person, i) {
        var item = document.createElement("li");
        item.id = listId + "-" + i;
        item.setAttribute("role", "option");
        item.textContent = person.name;
        item.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(i);
        });
        list.appendChild(item);
      });
      list.hidden = false;
      highlight(0);
      status.textContent = people.length + " people found; use the arrow keys and Enter";
    }

    textarea.addEventListener("input", function () {
      var found = query();
      window.clearTimeout(timer);
      if (!found) { close(); return; }
      timer = window.setTimeout(function () {
        var separator = url.indexOf("?") === -1 ? "?" : "&";
        fetch(url + separator + "q=" + encodeURIComponent(found.text), {
          credentials: "same-origin",
          headers: { Accept: "application/json" }
        })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) { show(data.results || []); })
          .catch(close);
      }, 200);
    });

    textarea.addEventListener("keydown", function (event) {
      if (list.hidden || !results.length) { return; }
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight((active + 1) % results.length);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight((active - 1 + results.length) % results.length);
      } else if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape") {
        close();
      }
    });
    textarea.addEventListener("blur", function () { window.setTimeout(close, 150); });
  }

  function init() {
    document.querySelectorAll("textarea[data-mention-url]").forEach(setUp);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
