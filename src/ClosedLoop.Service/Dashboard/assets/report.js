/* The bootstrap of `closedloop report html`: draws the charts from the rows inlined in #report-data (no fetch, so
 * the file works from disk, a mail attachment or a wiki) and records what they were given in #rendered. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var summary = { views: {} };
  ["compare", "funnel", "roi", "timeline"].forEach(function (name) {
    var chart = ClosedLoopCharts[name](document.querySelector("#" + name + " canvas"), data[name]);
    summary.views[name] = { chart: ClosedLoopCharts.summary(chart), rows: data[name].length };
  });
  document.getElementById("rendered").textContent = JSON.stringify(summary);
  document.body.setAttribute("data-state", "loaded");
})();
