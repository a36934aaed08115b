/*
 * Have your say: enhances the forms on /neighbourhoods/<slug>/have-your-say/.
 * Everything works without it (the browser's own checks, maxlength, a mailto: form).
 *
 * - Character counts: "You have 412 characters remaining" under each long answer.
 * - Error summary: when the browser's own checks fail, a GOV.UK style summary at the
 *   top of the form links to each field, each field shows its message, and nothing
 *   typed is lost.
 * - Email forms (no form service set): the answers are laid out as "Question: answer"
 *   lines in a new email to the team, opened in the resident's email app.
 */
(function () {
  "use strict";

  var pageTitle = document.title;

  function plural(n, one, many) {
    return n.toLocaleString("en-GB") + " " + (n === 1 ? one : many);
  }

  function setUpCount(group) {
    var field = group.querySelector("textarea");
    var message = group.querySelector(".character-count__message");
    var max = parseInt(group.getAttribute("data-maxlength"), 10);
    if (!field || !message || !max) {
      return;
    }
    // A separate live region, updated once typing pauses, so screen readers are not
    // interrupted after every key.
    var live = document.createElement("p");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    message.insertAdjacentElement("afterend", live);
    var timer = null;
    function update() {
      var left = max - field.value.length;
      message.textContent = "You have " + plural(left, "character", "characters") + " remaining";
      clearTimeout(timer);
      timer = setTimeout(function () {
        live.textContent = message.textContent;
      }, 1000);
    }
    field.addEventListener("input", update);
    update();
    live.textContent = "";
  }

  function labelFor(field) {
    var label = field.form.querySelector('label[for="' + field.id + '"]');
    if (field.type === "radio") {
      var fieldset = field.closest("fieldset");
      label = fieldset && fieldset.querySelector("legend");
    }
    return label ? label.textContent.replace(/\s*\(optional\)\s*$/, "").trim() : field.name;
  }

  function messageFor(field) {
    var given = field.getAttribute("data-error");
    if (field.validity.valueMissing && given) {
      return given;
    }
    if (field.validity.typeMismatch && given) {
      return given;
    }
    if (field.validity.tooLong) {
      return labelFor(field) + ": use " + field.maxLength + " characters or fewer";
    }
    return given || labelFor(field) + ": " + field.validationMessage;
  }

  function clearErrors(form) {
    form.querySelectorAll(".error-message").forEach(function (node) {
      var field = document.getElementById(node.getAttribute("data-for"));
      if (field) {
        var described = (field.getAttribute("aria-describedby") || "").split(" ");
        field.setAttribute(
          "aria-describedby",
          described.filter(function (id) { return id && id !== node.id; }).join(" ")
        );
        field.removeAttribute("aria-invalid");
      }
      node.closest(".form-group").classList.remove("form-group--error");
      node.remove();
    });
    var summary = form.querySelector(".error-summary");
    summary.hidden = true;
    summary.removeAttribute("role");
    summary.querySelector("ul").textContent = "";
    document.title = pageTitle;
  }

  function showErrors(form, invalid) {
    clearErrors(form);
    var summary = form.querySelector(".error-summary");
    var list = summary.querySelector("ul");
    invalid.forEach(function (field) {
      var text = messageFor(field);
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#" + field.id;
      link.textContent = text;
      link.addEventListener("click", function (event) {
        event.preventDefault();
        var group = field.closest(".form-group");
        (group || field).scrollIntoView();
        field.focus({ preventScroll: true });
      });
      item.appendChild(link);
      list.appendChild(item);
      var error = document.createElement("p");
      error.className = "error-message";
      error.id = field.id + "-error";
      error.setAttribute("data-for", field.id);
      var hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = "Error: ";
      error.appendChild(hidden);
      error.appendChild(document.createTextNode(text));
      field.insertAdjacentElement("beforebegin", error);
      field.closest(".form-group").classList.add("form-group--error");
      field.setAttribute("aria-invalid", "true");
      var described = field.getAttribute("aria-describedby");
      field.setAttribute("aria-describedby", (described ? described + " " : "") + error.id);
    });
    summary.hidden = false;
    summary.setAttribute("role", "alert");
    summary.setAttribute("aria-labelledby", summary.querySelector("h3").id);
    document.title = "Error: " + pageTitle;
    summary.focus();
  }

  function emailBody(form) {
    var lines = [];
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!field.name || field.type === "submit" || field.type === "hidden") {
        return;
      }
      if (field.type === "radio" && !field.checked) {
        return;
      }
      var value = field.value.trim();
      if (value) {
        lines.push(field.name + ": " + value);
      }
    });
    return lines.join("\n\n");
  }

  function setUpForm(form) {
    form.noValidate = true; // the summary below replaces the browser's bubbles
    form.addEventListener("submit", function (event) {
      var invalid = Array.prototype.filter.call(form.elements, function (field) {
        return field.willValidate && !field.checkValidity();
      });
      if (invalid.length) {
        event.preventDefault();
        showErrors(form, invalid);
        return;
      }
      clearErrors(form);
      var address = form.getAttribute("data-mailto");
      if (!address) {
        return; // posted to the force's form service
      }
      event.preventDefault();
      var href = "mailto:" + address +
        "?subject=" + encodeURIComponent(form.getAttribute("data-subject") || "") +
        "&body=" + encodeURIComponent(emailBody(form));
      var status = form.querySelector(".form__status");
      if (status) {
        status.textContent = "Your email app should now open with your message to " + address +
          ". Check it and press send. If nothing opened, email " + address + " yourself.";
      }
      window.location.href = href;
    });
  }

  document.querySelectorAll(".character-count").forEach(setUpCount);
  document.querySelectorAll("form.form").forEach(setUpForm);
})();
