/* Find your neighbourhood by postcode or by location: our own script, no framework.
 *
 * Enhances every form.postcode-lookup. The form's data-site attribute is the site's
 * root (resolved against the page, so the site works from a sub-folder); shards are at
 * lookup/<OUTWARD>.json and simplified boundaries at lookup/areas.json below it.
 * Without this script the form goes to lookup/, the list of postcode districts.
 */
(function () {
  "use strict";

  var POSTCODE = /^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$/;

  function normalise(text) {
    var compact = String(text || "").replace(/\s+/g, "").toUpperCase();
    var match = POSTCODE.exec(compact);
    return match ? { outward: match[1], inward: match[2], text: match[1] + " " + match[2] } : null;
  }

  function siteRoot(form) {
    return new URL(form.getAttribute("data-site") || "./", document.baseURI);
  }

  /* Put a message in the form's live region: parts are strings or [text, href] links. */
  function say(form, parts, isError) {
    var region = form.querySelector(".postcode-lookup__message");
    var p = document.createElement("p");
    parts.forEach(function (part) {
      if (typeof part === "string") {
        p.appendChild(document.createTextNode(part));
      } else {
        var a = document.createElement("a");
        a.href = part[1];
        a.textContent = part[0];
        p.appendChild(a);
      }
    });
    region.classList.toggle("postcode-lookup__message--error", Boolean(isError));
    region.replaceChildren(p);
  }

  function aToZ(form) {
    return ["A to Z of neighbourhoods", new URL("neighbourhoods/", siteRoot(form)).href];
  }

  function goTo(form, slug, name, how) {
    say(form, [how + " is in the " + name + " neighbourhood. Opening its page\u2026"]);
    window.location.assign(new URL("neighbourhoods/" + slug + "/", siteRoot(form)).href);
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (response.status === 404) {
        return null;
      }
      if (!response.ok) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    });
  }

  function notWorking(form) {
    say(form, ["The search is not working at the moment. Use the ", aToZ(form),
      " instead, or call 101."], true);
  }

  function lookUp(form, typed) {
    var force = form.getAttribute("data-force") || "this police force";
    if (!typed.trim()) {
      say(form, ["Enter your postcode, for example SY8 1RU."], true);
      return;
    }
    var postcode = normalise(typed);
    if (!postcode) {
      say(form, ["\u201c" + typed.trim() + "\u201d is not a full postcode. Check it and try again " +
        "(for example SY8 1RU), or use the ", aToZ(form), "."], true);
      return;
    }
    say(form, ["Looking up " + postcode.text + "\u2026"]);
    var url = new URL("lookup/" + postcode.outward + ".json", siteRoot(form)).href;
    getJSON(url).then(function (shard) {
      if (!shard) {
        say(form, [postcode.text + " is outside " + force + "\u2019s area, so none of our " +
          "neighbourhood teams covers it. Call 101 to reach the police where you live, or use the ",
          aToZ(form), " if you think it is ours."], true);
        return;
      }
      var index = shard.postcodes[postcode.inward];
      if (index === undefined) {
        say(form, ["We cannot find " + postcode.text + ". It may be new, or mistyped. " +
          "Check it, choose your area in the ", aToZ(form), ", or call 101."], true);
        return;
      }
      var area = shard.areas[index];
      goTo(form, area.slug, area.name, postcode.text);
    }).catch(function () {
      notWorking(form);
    });
  }

  /* Even-odd ray casting over every ring of an area (outer rings, holes, all parts). */
  function inside(rings, lon, lat) {
    var result = false;
    rings.forEach(function (ring) {
      for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
        if ((yi > lat) !== (yj > lat) && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) {
          result = !result;
        }
      }
    });
    return result;
  }

  function locate(form) {
    say(form, ["Finding your location\u2026"]);
    navigator.geolocation.getCurrentPosition(function (position) {
      var lat = position.coords.latitude;
      var lon = position.coords.longitude;
      getJSON(new URL("lookup/areas.json", siteRoot(form)).href).then(function (data) {
        var areas = (data && data.areas) || [];
        for (var k = 0; k < areas.length; k++) {
          if (inside(areas[k].rings, lon, lat)) {
            goTo(form, areas[k].slug, areas[k].name, "Your location");
            return;
          }
        }
        say(form, ["Your location is outside every neighbourhood on this site. Enter a " +
          "postcode, use the ", aToZ(form), ", or call 101 to reach the police where you are."],
          true);
      }).catch(function () {
        notWorking(form);
      });
    }, function (error) {
      if (error.code === 1) {
        say(form, ["This site was not allowed to use your location. Enter your postcode " +
          "instead, or use the ", aToZ(form), "."], true);
      } else if (error.code === 3) {
        say(form, ["Finding your location took too long. Try again, or enter your postcode."],
          true);
      } else {
        say(form, ["Your device could not tell us where you are. Enter your postcode, or use the ",
          aToZ(form), "."], true);
      }
    }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 });
  }

  function enhance(form) {
    var input = form.querySelector("input[name=postcode]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      lookUp(form, input.value);
    });
    var button = form.querySelector(".postcode-lookup__locate");
    if (button && "geolocation" in navigator) {
      button.hidden = false;
      button.addEventListener("click", function () {
        locate(form);
      });
    }
    /* Arriving from a form without the script's help (lookup/?postcode=...): look it up. */
    var given = new URLSearchParams(window.location.search).get("postcode");
    if (given && form.action.split("?")[0] === window.location.href.split("?")[0]) {
      input.value = given;
      lookUp(form, given);
    }
  }

  document.querySelectorAll("form.postcode-lookup").forEach(enhance);
}());
