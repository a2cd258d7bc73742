/* ClosedLoop charts: builds the Chart.js charts from the read API's JSON rows. Shared by the dashboard (served at /)
 * and `closedloop report html` (inlined), so both draw the same charts from the same rows the CLI prints. */
(function (global) {
  "use strict";

  var PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
    "#ff9da7", "#9c755f", "#bab0ac", "#1f77b4", "#8c564b", "#17becf"];
  var FUNNEL_STAGES = ["visitors", "leads", "mqls", "sqls", "opportunities", "customers"];

  function columns(rows) {
    return rows.length ? Object.keys(rows[0]) : [];
  }

  function bars(canvas, labels, series, options) {
    return new global.Chart(canvas, {
      type: "bar",
      data: {
        labels: labels,
        datasets: series.map(function (s, i) {
          return { label: s.label, data: s.data, backgroundColor: PALETTE[i % PALETTE.length] };
        }),
      },
      // No animation: a chart is complete as soon as it is built (screenshots, --dump-dom, printing).
      options: Object.assign({ animation: false, responsive: true, maintainAspectRatio: false,
        plugins: { legend: { position: "bottom" } } }, options || {}),
    });
  }

  function column(rows, name) {
    return rows.map(function (r) { return r[name]; });
  }

  /** /v1/reports/compare: one row per channel (first column), one column per model -> a group of bars per channel. */
  function compare(canvas, rows) {
    var cols = columns(rows);
    var dimension = cols[0];
    return bars(canvas, column(rows, dimension), cols.slice(1).map(function (model) {
      return { label: model, data: column(rows, model) };
    }));
  }

  /** /v1/reports/funnel: persons per stage by first-touch value; the last row is the total, left out of the chart. */
  function funnel(canvas, rows) {
    var dimension = columns(rows)[0];
    var perValue = rows.slice(0, -1);
    return bars(canvas, column(perValue, dimension), FUNNEL_STAGES.map(function (stage) {
      return { label: stage, data: column(perValue, stage) };
    }));
  }

  /** /v1/reports/roi: ROAS and ROI per value (the second column; the first is the model). Null without spend. */
  function roi(canvas, rows) {
    var dimension = columns(rows)[1];
    return bars(canvas, column(rows, dimension), [
      { label: "roas", data: column(rows, "roas") },
      { label: "roi", data: column(rows, "roi") },
    ]);
  }

  /** What a chart was actually given: labels and each dataset's values, for tests and for checking by eye. */
  function summary(chart) {
    if (!chart) return null;
    return {
      labels: chart.data.labels.slice(),
      datasets: chart.data.datasets.map(function (d) { return { label: d.label, data: d.data.slice() }; }),
    };
  }

  function csvField(value) {
    if (value === null || value === undefined) return "";
    var text = typeof value === "object" ? JSON.stringify(value) : String(value);
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  /** JSON rows (an array of objects) as CSV with a header; columns in the order of the first row, then any others. */
  function toCsv(rows) {
    var names = [];
    rows.forEach(function (r) {
      Object.keys(r).forEach(function (k) { if (names.indexOf(k) < 0) names.push(k); });
    });
    var lines = [names.map(csvField).join(",")];
    rows.forEach(function (r) {
      lines.push(names.map(function (k) { return csvField(r[k]); }).join(","));
    });
    return lines.join("\r\n") + "\r\n";
  }

  global.ClosedLoopCharts = { compare: compare, funnel: funnel, roi: roi, summary: summary, toCsv: toCsv };
})(window);
