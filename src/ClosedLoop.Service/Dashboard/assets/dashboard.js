/* The ClosedLoop dashboard. It reads only the read API (/v1/reports/..., /v1/journey), so every number on it is what
 * the CLI prints for the same options; the command line shown under each title says which. */
(function () {
  "use strict";
  var TOKEN_KEY = "closedloop.readToken";
  var charts = {};

  /* The read token: from ?token=T once (then taken out of the address bar, so it is not bookmarked or shared),
   * else from this tab's sessionStorage, else asked for. sessionStorage ends with the browser session. */
  function token(forceAsk) {
    var url = new URL(location.href);
    var given = url.searchParams.get("token");
    if (given) {
      sessionStorage.setItem(TOKEN_KEY, given);
      url.searchParams.delete("token");
      history.replaceState(null, "", url.pathname + url.search + url.hash);
    }
    var stored = sessionStorage.getItem(TOKEN_KEY);
    if (!stored || forceAsk) {
      stored = prompt("Read token of this ClosedLoop service (closedloop serve --read-token)") || "";
      if (stored) sessionStorage.setItem(TOKEN_KEY, stored);
    }
    return stored;
  }

  function message(text) {
    var p = document.getElementById("message");
    p.textContent = text || "";
    p.hidden = !text;
  }

  function filters() {
    var form = document.getElementById("filters");
    var values = {};
    ["conversion", "model", "lookback", "by", "interval", "from", "to"].forEach(function (name) {
      var v = form.elements[name].value.trim();
      if (v) values[name] = v;
    });
    return values;
  }

  /* GET a read API path; rejects with the API's {"error"} message. A 401 forgets the stored token. */
  function get(path, params) {
    var query = new URLSearchParams(params).toString();
    // Never prompts here: five views load at once, and one question is enough (the start or Token…).
    var bearer = sessionStorage.getItem(TOKEN_KEY) || "";
    return fetch(path + (query ? "?" + query : ""), { headers: { Authorization: "Bearer " + bearer } })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (response.ok) return body;
          if (response.status === 401) {
            sessionStorage.removeItem(TOKEN_KEY);
            message("The read token was refused: use Token… to enter it again.");
          }
          throw new Error(body.error || response.status + " " + response.statusText);
        });
      });
  }

  /* The CLI command printing the same rows (parameter names are the CLI's options without dashes). */
  function cliLine(command, params) {
    return "closedloop " + command + Object.keys(params).map(function (k) {
      return " --" + k.replace(/_/g, "-") + " " + params[k];
    }).join("");
  }

  function table(rows) {
    var t = document.createElement("table");
    if (!rows.length) {
      t.innerHTML = "<tr><td>(no rows)</td></tr>";
      return t;
    }
    var names = Object.keys(rows[0]);
    var head = t.createTHead().insertRow();
    names.forEach(function (n) { head.appendChild(document.createElement("th")).textContent = n; });
    var body = t.createTBody();
    rows.forEach(function (r) {
      var tr = body.insertRow();
      names.forEach(function (n) {
        var cell = tr.insertCell();
        cell.textContent = r[n] === null ? "" : String(r[n]);
        if (typeof r[n] === "number") cell.className = "number";
      });
    });
    return t;
  }

  function csvLink(link, rows, name) {
    if (link.href.indexOf("blob:") === 0) URL.revokeObjectURL(link.href);
    link.href = URL.createObjectURL(new Blob([ClosedLoopCharts.toCsv(rows)], { type: "text/csv" }));
    link.download = name + ".csv";
  }

  /* One report view: fetch, show the CLI line, the chart (when it has one), the rows and the CSV link. */
  function view(name, params, draw) {
    var section = document.getElementById(name);
    var error = section.querySelector(".error");
    section.querySelector(".cli").textContent = cliLine("report " + name, params);
    error.hidden = true;
    return get("/v1/reports/" + name, params).then(function (rows) {
      if (charts[name]) charts[name].destroy();
      charts[name] = draw ? draw(section.querySelector("canvas"), rows) : null;
      var holder = section.querySelector(".rows");
      holder.replaceChildren(table(rows));
      csvLink(section.querySelector(".csv"), rows, name);
      return { rows: rows.length };
    }, function (e) {
      if (charts[name]) charts[name].destroy();
      charts[name] = null;
      error.textContent = e.message;
      error.hidden = false;
      return { error: e.message };
    });
  }

  function pick(all, names) {
    var out = {};
    names.forEach(function (n) { if (all[n] !== undefined) out[n] = all[n]; });
    return out;
  }

  function loadAll() {
    var f = filters();
    document.getElementById("rendered").textContent = "";
    // Each report takes the options its CLI command has (docs/ingest-service.md).
    return Promise.all([
      view("compare", pick(f, ["conversion", "by", "lookback", "from", "to"]), ClosedLoopCharts.compare),
      view("funnel", pick(f, ["by"]), ClosedLoopCharts.funnel),
      view("roi", pick(f, ["by", "model", "lookback", "from", "to"]), ClosedLoopCharts.roi),
      view("paths", Object.assign(pick(f, ["conversion", "by", "lookback", "from", "to"]), { top: "10" }), null),
      view("timeline", pick(f, ["conversion", "interval", "from", "to"]), ClosedLoopCharts.timeline),
    ]).then(function (results) {
      var summary = { views: {} };
      ["compare", "funnel", "roi", "paths", "timeline"].forEach(function (name, i) {
        summary.views[name] = Object.assign({ chart: ClosedLoopCharts.summary(charts[name]) }, results[i]);
      });
      return summary;
    });
  }

  function publish(summary) {
    summary.address = location.pathname + location.search;
    document.getElementById("rendered").textContent = JSON.stringify(summary);
    document.body.setAttribute("data-state", "loaded");
  }

  function journey(email) {
    var section = document.getElementById("journey");
    var error = section.querySelector(".error");
    var holder = section.querySelector(".sections");
    section.querySelector(".cli").textContent = "closedloop journey --format json --email " + email;
    error.hidden = true;
    holder.replaceChildren();
    return get("/v1/journey", { email: email }).then(function (answer) {
      var sections = {};
      var title = document.createElement("p");
      title.textContent = "person " + answer.person_id;
      holder.appendChild(title);
      Object.keys(answer).filter(function (k) { return Array.isArray(answer[k]); }).forEach(function (name) {
        var h = holder.appendChild(document.createElement("h3"));
        h.textContent = name + " (" + answer[name].length + ") ";
        var link = h.appendChild(document.createElement("a"));
        link.textContent = "Download CSV";
        csvLink(link, answer[name], "journey-" + name);
        holder.appendChild(table(answer[name]));
        sections[name] = answer[name].length;
      });
      return { person_id: answer.person_id, sections: sections };
    }, function (e) {
      error.textContent = e.message;
      error.hidden = false;
      return { error: e.message };
    });
  }

  document.getElementById("filters").addEventListener("submit", function (e) {
    e.preventDefault();
    loadAll().then(publish);
  });
  document.getElementById("change-token").addEventListener("click", function () {
    token(true);
    message("");
    loadAll().then(publish);
  });
  document.getElementById("journey-form").addEventListener("submit", function (e) {
    e.preventDefault();
    journey(e.target.elements.email.value.trim());
  });

  // /?email=E looks a contact up on load (a link from a CRM record, or the browser test).
  var email = new URL(location.href).searchParams.get("email");
  if (email) document.getElementById("journey-form").elements.email.value = email;
  if (token()) {
    Promise.all([loadAll(), email ? journey(email) : null]).then(function (results) {
      if (results[1]) results[0].journey = results[1];
      publish(results[0]);
    });
  } else {
    message("No read token: use Token… to enter it.");
  }
})();
