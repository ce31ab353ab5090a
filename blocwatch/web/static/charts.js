/* blocwatch charts: draw every [data-chart] element from its JSON data island with ECharts.
 *
 * The page carries the data as <script type="application/json" id="..."> (not executed, so the
 * strict Content-Security-Policy needs no inline-script exception) and the element names it in
 * data-chart.  The chart: stacked monthly event counts by quad class (bars) and the mean
 * Goldstein intensity (line, right axis).  When the data has links, clicking a month opens the
 * page listing that month's events and their evidence.
 */
(function () {
  "use strict";

  var COLOURS = { "1": "#7fbf95", "2": "#2e7d4f", "3": "#e0907f", "4": "#a33a2f" };

  function readData(id) {
    var island = document.getElementById(id);
    if (!island) { return null; }
    try { return JSON.parse(island.textContent || "null"); } catch (e) { return null; }
  }

  function option(data) {
    var series = Object.keys(data.quad_classes).map(function (q) {
      return {
        name: data.quad_classes[q], type: "bar", stack: "events", yAxisIndex: 0,
        itemStyle: { color: COLOURS[q] }, data: data.counts[q], emphasis: { focus: "series" }
      };
    });
    series.push({
      name: "mean intensity", type: "line", yAxisIndex: 1, connectNulls: false,
      itemStyle: { color: "#1f5f8b" }, data: data.mean_intensity
    });
    return {
      animation: false,
      aria: { enabled: true },
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 40, right: 48, top: 16, bottom: 56 },
      xAxis: { type: "category", data: data.periods },
      yAxis: [
        { type: "value", name: "events", minInterval: 1 },
        { type: "value", name: "intensity", min: -10, max: 10 }
      ],
      series: series
    };
  }

  function draw(element) {
    var data = readData(element.getAttribute("data-chart"));
    if (!data || !window.echarts || !data.periods || !data.periods.length) { return; }
    if (!element.clientHeight) { element.style.height = "320px"; } // CSSOM, allowed by the CSP
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(option(data));
    if (data.links && data.links.length) {
      chart.on("click", function (params) {
        var url = data.links[params.dataIndex];
        if (url) { window.location.assign(url); }
      });
    }
    window.addEventListener("resize", function () { chart.resize(); });
    element.setAttribute("data-chart-ready", "true");
  }

  function start() {
    var elements = document.querySelectorAll("[data-chart]");
    for (var i = 0; i < elements.length; i++) { draw(elements[i]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
