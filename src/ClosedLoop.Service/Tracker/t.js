/* ClosedLoop first-party tracker. Usage:
 *   <script src="https://YOUR-CLOSEDLOOP-HOST/t.js" data-write-key="KEY" async></script>
 * Sets the first-party cookie cl_id (a random id, 2 years, SameSite=Lax) when absent, sends a `page` event on
 * load, and an `identify` with the email when a form holding an email field is submitted. Events go to the
 * origin the script came from, with the write key as the HTTP Basic user name. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var writeKey = script.getAttribute("data-write-key") || "";
  var base = new URL(script.src, location.href).origin;
  var auth = "Basic " + btoa(writeKey + ":");

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function cookieId() {
    var m = document.cookie.match(/(?:^|;\s*)cl_id=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    var id = uuid();
    document.cookie = "cl_id=" + encodeURIComponent(id) + "; Max-Age=63072000; Path=/; SameSite=Lax" +
      (location.protocol === "https:" ? "; Secure" : "");
    return id;
  }

  var anonymousId = cookieId();

  function send(path, event) {
    event.anonymousId = anonymousId;
    event.messageId = uuid();
    event.timestamp = new Date().toISOString();
    event.context = event.context || {};
    event.context.page = { url: location.href, referrer: document.referrer, title: document.title, path: location.pathname };
    event.context.userAgent = navigator.userAgent;
    event.context.library = { name: "closedloop-t.js", version: "1" };
    var body = JSON.stringify(event);
    // fetch with keepalive survives the navigation a form submit starts, and (unlike sendBeacon) can carry the
    // write key in the Authorization header.
    try {
      return fetch(base + path, {
        method: "POST",
        keepalive: true,
        credentials: "omit",
        headers: { "Content-Type": "application/json", "Authorization": auth },
        body: body
      }).catch(function () { });
    } catch (e) {
      return null;
    }
  }

  function emailIn(form) {
    var fields = form.querySelectorAll("input");
    for (var i = 0; i < fields.length; i++) {
      var f = fields[i];
      var name = (f.name || f.id || "").toLowerCase();
      if ((f.type === "email" || name.indexOf("email") >= 0) && f.value && f.value.indexOf("@") > 0) return f.value.trim();
    }
    return null;
  }

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!form || form.tagName !== "FORM") return;
    var email = emailIn(form);
    if (!email) return;
    send("/v1/identify", { type: "identify", email: email, traits: { email: email } });
  }, true);

  function page() { send("/v1/page", { type: "page", properties: { url: location.href, referrer: document.referrer, title: document.title } }); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", page);
  else page();
})();
