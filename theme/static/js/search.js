/*
 * The search page (/search/): our own interface over Pagefind's JavaScript API.
 *
 * The Pagefind bundle is found relative to this file (theme/js/ -> pagefind/), and
 * result links start from the site root's path found the same way (/ or /sub/folder/),
 * so the site works from a sub-folder. The form's state is kept in the address (?q=, area, type, category, sort): a search can
 * be shared, reloaded, and the back button steps through searches. Nothing leaves
 * the site: the index is static files next to the pages.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var form = document.getElementById("search-form");
  if (!script || !form) {
    return;
  }
  var siteRoot = new URL("../../", script.src);
  var bundle = new URL("pagefind/pagefind.js", siteRoot).href;
  var PAGE_SIZE = 10;
  var FIELDS = ["q", "area", "type", "category", "sort"];
  var ALL_AREAS = "*";

  var input = document.getElementById("search-q");
  var area = document.getElementById("search-area");
  var type = document.getElementById("search-type");
  var category = document.getElementById("search-category");
  var sort = document.getElementById("search-sort");
  var status = document.getElementById("search-status");
  var output = document.getElementById("search-output");
  var list = document.getElementById("search-results");
  var widen = document.getElementById("search-widen");
  var more = document.getElementById("search-more");
  var unavailable = document.getElementById("search-unavailable");
  var controls = { q: input, area: area, type: type, category: category, sort: sort };

  var pagefind = null;
  var results = [];
  var shown = 0;
  var generation = 0;
  var typingTimer = null;

  function say(text) {
    status.textContent = text;
  }

  function selectedText(select) {
    var option = select.options[select.selectedIndex];
    return option ? option.text : "";
  }

  /* The address <-> the form. */
  function readAddress() {
    var params = new URLSearchParams(window.location.search);
    FIELDS.forEach(function (name) {
      var control = controls[name];
      var value = params.get(name) || "";
      if (control.tagName === "SELECT") {
        var known = Array.prototype.some.call(control.options, function (o) {
          return o.value === value;
        });
        control.value = known ? value : "";
      } else {
        control.value = value;
      }
    });
  }

  function addressFor() {
    var params = new URLSearchParams();
    FIELDS.forEach(function (name) {
      var value = name === "q" ? controls[name].value.trim() : controls[name].value;
      if (value) {
        params.set(name, value);
      }
    });
    var query = params.toString();
    return window.location.pathname + (query ? "?" + query : "");
  }

  function writeAddress(push) {
    var target = addressFor();
    if (target === window.location.pathname + window.location.search) {
      return;
    }
    if (push) {
      window.history.pushState(null, "", target);
    } else {
      window.history.replaceState(null, "", target);
    }
  }

  /* One result, built from text nodes: only Pagefind's <mark> is kept as markup. */
  function appendExcerpt(target, html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    template.content.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        target.appendChild(mark);
      } else {
        target.appendChild(document.createTextNode(node.textContent));
      }
    });
  }

  function resultItem(data) {
    var meta = data.meta || {};
    var item = document.createElement("li");
    item.className = "search-result";
    var heading = document.createElement("h2");
    heading.className = "search-result__title";
    var link = document.createElement("a");
    // Priorities and events are records of their own; "link" is their anchor on the area
    // page. Every link is written from the site root's path, as Pagefind writes data.url.
    link.href = meta.link ? siteRoot.pathname + meta.link : data.url;
    link.textContent = meta.title || data.url;
    heading.appendChild(link);
    item.appendChild(heading);
    var facts = [meta.type, meta.area, meta.date].filter(Boolean);
    if (facts.length) {
      var line = document.createElement("p");
      line.className = "search-result__meta";
      line.textContent = facts.join(" · ");
      item.appendChild(line);
    }
    if (data.excerpt) {
      var excerpt = document.createElement("p");
      excerpt.className = "search-result__excerpt";
      appendExcerpt(excerpt, data.excerpt);
      item.appendChild(excerpt);
    }
    return item;
  }

  function showMore(moveFocus) {
    var mine = generation;
    var batch = results.slice(shown, shown + PAGE_SIZE);
    return Promise.all(batch.map(function (r) { return r.data(); })).then(function (items) {
      if (mine !== generation) {
        return;
      }
      var first = null;
      items.forEach(function (data) {
        var item = resultItem(data);
        first = first || item;
        list.appendChild(item);
      });
      shown += items.length;
      more.hidden = shown >= results.length;
      if (moveFocus && first) {
        first.querySelector("a").focus();
      }
    });
  }

  function describe(count, query) {
    var words = count === 0 ? "No results" : count === 1 ? "1 result" : count + " results";
    var text = words + " for ‘" + query + "’";
    if (area.value) {
      text += " in " + selectedText(area);
    }
    if (type.value) {
      text += ", " + selectedText(type).toLowerCase() + " only";
    }
    if (category.value) {
      text += ", updates of the type " + selectedText(category);
    }
    if (count === 0) {
      text += ". Check the spelling, try fewer or other words"
        + (area.value || type.value || category.value ? ", or widen the search." : ".");
    }
    return text;
  }

  function run(push) {
    writeAddress(push);
    var query = input.value.trim();
    generation += 1;
    var mine = generation;
    results = [];
    shown = 0;
    list.textContent = "";
    more.hidden = true;
    widen.hidden = !area.value;
    if (!query) {
      output.hidden = !area.value;
      say(area.value ? "Type what you are looking for in " + selectedText(area) + "." : "");
      return Promise.resolve();
    }
    var filters = {};
    if (area.value) {
      filters.area = { any: [area.value, ALL_AREAS] };
    }
    if (type.value) {
      filters.type = type.value;
    }
    if (category.value) {
      filters.category = category.value;
    }
    var options = { filters: filters };
    if (sort.value === "newest") {
      options.sort = { date: "desc" };
    }
    return pagefind.search(query, options).then(function (search) {
      if (mine !== generation || !search) {
        return;
      }
      results = search.results;
      output.hidden = false;
      return showMore(false).then(function () {
        if (mine === generation) {
          say(describe(results.length, query));
        }
      });
    });
  }

  function failed(error) {
    unavailable.hidden = false;
    form.hidden = true;
    unavailable.querySelector("p").textContent =
      "Search could not start in your browser. You can still find everything here:";
    if (window.console) {
      window.console.error("Search could not start:", error);
    }
  }

  /* The index is in shards by area (pagefind/, pagefind/shard-2/, ...): the first is
     the bundle loaded above, the others are merged into it. */
  function mergeShards(options) {
    var shards = (form.getAttribute("data-shards") || "").split(" ").filter(Boolean);
    return Promise.all(shards.map(function (folder) {
      return pagefind.mergeIndex(new URL(folder, siteRoot).pathname, options);
    }));
  }

  function start(module) {
    pagefind = module;
    var options = { baseUrl: siteRoot.pathname, excerptLength: 24 };
    return pagefind.options(options).then(function () {
      return mergeShards(options);
    }).then(function () {
      unavailable.hidden = true;
      form.hidden = false;
      readAddress();
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        window.clearTimeout(typingTimer);
        run(true);
      });
      input.addEventListener("input", function () {
        window.clearTimeout(typingTimer);
        typingTimer = window.setTimeout(function () { run(false); }, 300);
      });
      [area, type, category, sort].forEach(function (select) {
        select.addEventListener("change", function () { run(true); });
      });
      widen.querySelector("button").addEventListener("click", function () {
        area.value = "";
        run(true).then(function () { input.focus(); });
      });
      more.querySelector("button").addEventListener("click", function () {
        showMore(true);
      });
      window.addEventListener("popstate", function () {
        readAddress();
        run(false);
      });
      return run(false);
    });
  }

  import(bundle).then(start).catch(failed);
})();
