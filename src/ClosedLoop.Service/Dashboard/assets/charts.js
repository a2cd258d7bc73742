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

  /** /v1/reports/timeline: rows per period and conversion type -> stacked bars of conversions per type (left axis)
   * and a line of the period's revenue over all those types (right axis). Types in code-unit order; 0 where a
   * period has none of a type. */
  function timeline(canvas, rows) {
    var periods = [];
    var types = [];
    rows.forEach(function (r) {
      if (periods.indexOf(r.period) < 0) periods.push(r.period);
      if (types.indexOf(r.conversion_type) < 0) types.push(r.conversion_type);
    });
    types.sort();
    function zeros() { return periods.map(function () { return 0; }); }
    var counts = {};
    types.forEach(function (t) { counts[t] = zeros(); });
    var revenue = zeros();
    rows.forEach(function (r) {
      var i = periods.indexOf(r.period);
      counts[r.conversion_type][i] += r.conversions;
      revenue[i] += r.revenue;
    });
    var datasets = types.map(function (t, i) {
      return { type: "bar", label: t, data: counts[t], yAxisID: "y", stack: "conversions", backgroundColor: PALETTE[i % PALETTE.length] };
    });
    datasets.push({ type: "line", label: "revenue", data: revenue, yAxisID: "y1", borderColor: "#333333",
      backgroundColor: "#333333", tension: 0.2 });
    return new global.Chart(canvas, {
      type: "bar",
      data: { labels: periods, datasets: datasets },
      options: { animation: false, responsive: true, maintainAspectRatio: false,
        plugins: { legend: { position: "bottom" } },
        scales: {
          x: { stacked: true },
          y: { stacked: true, position: "left", beginAtZero: true, title: { display: true, text: "conversions" } },
          y1: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: "revenue" } },
        } },
    });
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

  global.ClosedLoopCharts = { compare: compare, funnel: funnel, roi: roi, timeline: timeline, summary: summary, toCsv: toCsv };
})(window);
