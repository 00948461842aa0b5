// Commons web app: small niceties on top of pages that work without any script.
// - Live notices: listens to the node's event stream (/events) and says, in the
//   person's language, when new records arrived, louder for an alert.
// - Browser notifications: asked for only when the person presses the "Notify me of
//   new alerts" button (never on page load); once allowed, another org's open alert,
//   another org's answer to one of ours, or a vote that waits for our org, arriving
//   while a page of the app is open, shows a notification that leads to its page.
// - The language menu applies on change; its button stays for keyboards and no-JS.
// - Buttons marked data-confirm ask first (the server still asks on its own page).
// No outside requests, no inline script (the Content-Security-Policy forbids both).
"use strict";

(function () {
  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  ready(function () {
    // The language form goes back to the page it was used on.
    document.querySelectorAll("input[data-current-path]").forEach(function (input) {
      input.value = window.location.pathname + window.location.search;
    });
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () {
        if (select.form) select.form.submit();
      });
    });
    document.querySelectorAll("[data-hide-with-js]").forEach(function (element) {
      element.classList.add("visually-hidden");
    });
    document.querySelectorAll("[data-confirm]").forEach(function (element) {
      element.addEventListener("click", function (event) {
        if (!window.confirm(element.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
    offerNotifications();
    listen();
  });

  function notificationsAvailable() {
    return typeof window.Notification === "function" && window.isSecureContext !== false;
  }

  // The button shows only where notifications can be asked for and have not been
  // answered yet; pressing it asks the browser, and the answer is said in the live region.
  function offerNotifications() {
    var button = document.getElementById("notify-button");
    if (!button || !notificationsAvailable() || Notification.permission !== "default") return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var asked = Notification.requestPermission(answered);
      if (asked && typeof asked.then === "function") asked.then(answered);
    });
    function answered(permission) {
      if (permission === "default") return;
      button.hidden = true;
      var live = document.getElementById("live");
      if (!live) return;
      var box = document.createElement("p");
      box.className = "notice";
      box.textContent = live.getAttribute(permission === "granted" ? "data-notify-on" : "data-notify-blocked");
      live.replaceChildren(box);
    }
  }

  // A notification for a record that should wake someone up (another org's alert, or
  // an answer to one of ours); several open pages of the app show one notification per
  // record (the same tag replaces it).
  function notify(live, data) {
    if (!data.notify || !notificationsAvailable() || Notification.permission !== "granted") return;
    var heading = live.getAttribute(
      data.kind === "response" ? "data-new-answer"
        : data.kind === "alert" ? "data-new-alert" : "data-new-vote");
    try {
      var notification = new Notification(heading || "", {
        body: data.title || "",
        tag: data.id || data.href || "commons",
        icon: "/static/icon.svg"
      });
      notification.addEventListener("click", function () {
        window.focus();
        if (data.href) window.location.href = data.href;
        notification.close();
      });
    } catch (e) {
      // A browser that only notifies from a service worker: the live notice remains.
    }
  }

  function listen() {
    var live = document.getElementById("live");
    if (!live || !window.EventSource) return;
    var count = 0;
    var alerts = 0;
    var source = null;
    function connect() {
      source = new EventSource("/events");
      source.addEventListener("record", function (message) {
        var data;
        try { data = JSON.parse(message.data); } catch (e) { return; }
        count += data.kind === "many" ? (data.missed || 1) : 1;
        if (data.kind === "alert") alerts += 1;
        notify(live, data);
        show(live, count, alerts, data);
      });
      // A stream that ends (the node stopped, the session ended) is not retried forever.
      var failures = 0;
      source.addEventListener("error", function () {
        failures += 1;
        if (failures > 5 && source) source.close();
      });
      source.addEventListener("open", function () { failures = 0; });
    }
    // A page left for another is kept alive in the back-forward cache, and so would
    // its stream be: after six pages every connection the browser allows to this
    // address is held by one and the next page never loads. Close it on leaving;
    // open it again if the page is shown from the cache.
    window.addEventListener("pagehide", function () {
      if (source) { source.close(); source = null; }
    });
    window.addEventListener("pageshow", function (event) {
      if (event.persisted && !source) connect();
    });
    connect();
  }

  function show(live, count, alerts, latest) {
    var text;
    if (alerts > 0) text = live.getAttribute("data-new-alert");
    else if (count === 1) text = live.getAttribute("data-new-one");
    else text = (live.getAttribute("data-new-many") || "").replace("{count}", String(count));
    var box = document.createElement("p");
    box.className = "notice" + (alerts > 0 ? " alert-notice" : "");
    var words = document.createElement("span");
    words.textContent = text;
    box.appendChild(words);
    var link = document.createElement("a");
    link.className = "button small secondary";
    if (alerts > 0 && latest.kind === "alert" && latest.href) {
      link.href = latest.href;
    } else {
      link.href = window.location.pathname + window.location.search;
    }
    link.textContent = live.getAttribute("data-refresh");
    box.appendChild(link);
    live.replaceChildren(box);
  }
})();
