/* blocwatch charts: draw every [data-chart] element from its JSON data island with ECharts.
 *
 * The page carries the data as <script type="application/json" id="..."> (not executed, so the
 * strict Content-Security-Policy needs no inline-script exception) and the element names it in
 * data-chart.  The chart: stacked monthly event counts by quad class (bars) and the mean
 * Goldstein intensity (line, right axis).  When the data has links, clicking a month opens the
 * page listing that month's events and their evidence.  When the data lists ``shifts`` (change
 * points found by blocwatch.analytics.shifts), each is marked on the time axis by a vertical line
 * at the first period after the break.
 *
 * [data-camps-graph] elements get the camps graph: a force-directed ECharts graph series whose
 * nodes are coloured by camp (categories) and sized by the weight of their ties; cooperative
 * links are solid green, conflictual ones dashed red, and clicking a node or a link opens the
 * actor's page or the pair's page (where the link's events are listed with their evidence).
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
    var line = {
      name: "mean intensity", type: "line", yAxisIndex: 1, connectNulls: false,
      itemStyle: { color: "#1f5f8b" }, data: data.mean_intensity
    };
    if (data.shifts && data.shifts.length) {
      line.markLine = {
        symbol: "none", silent: true,
        lineStyle: { type: "dashed", color: "#444" },
        label: { formatter: "{b}", position: "insideEndTop" },
        data: data.shifts.map(function (s) { return { name: s.label, xAxis: s.period }; })
      };
    }
    series.push(line);
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

  var CAMP_COLOURS = ["#1f5f8b", "#c0552a", "#2e7d4f", "#7a4a9e", "#b58900", "#3a8f8f", "#8b1f5f",
                      "#5f6b1f", "#4a4a4a", "#d17fa6"];

  function graphOption(data) {
    var largest = data.nodes.reduce(function (m, n) { return Math.max(m, n.value || 0); }, 0) || 1;
    var unaligned = data.categories.length - 1;
    return {
      animation: false,
      aria: { enabled: true },
      tooltip: {
        formatter: function (p) {
          if (p.dataType === "edge") {
            return p.data.source + " – " + p.data.target + ": " + p.data.value + " (" + p.data.events + " events)";
          }
          return p.data.name;
        }
      },
      legend: { bottom: 0, data: data.categories },
      series: [{
        type: "graph", layout: "force", roam: true, draggable: true,
        force: { repulsion: 220, edgeLength: [40, 160], gravity: 0.08, layoutAnimation: false },
        categories: data.categories.map(function (name, i) {
          return { name: name, itemStyle: { color: i === unaligned ? "#9a9a9a" : CAMP_COLOURS[i % CAMP_COLOURS.length] } };
        }),
        label: { show: true, position: "right", fontSize: 11 },
        data: data.nodes.map(function (n) {
          return { id: n.id, name: n.name, category: n.category, url: n.url, value: n.value,
                   symbolSize: 10 + 26 * Math.sqrt((n.value || 0) / largest) };
        }),
        links: data.links.map(function (l) {
          return { source: l.source, target: l.target, value: l.value, events: l.events, url: l.url,
                   lineStyle: { color: l.sign > 0 ? "#2e7d4f" : "#a33a2f", type: l.sign > 0 ? "solid" : "dashed",
                                width: 1 + Math.min(Math.abs(l.value), 20) / 4, opacity: 0.7 } };
        })
      }]
    };
  }

  function drawGraph(element) {
    var data = readData(element.getAttribute("data-camps-graph"));
    if (!data || !window.echarts || !data.nodes || !data.nodes.length) { return; }
    if (!element.clientHeight) { element.style.height = "520px"; } // CSSOM, allowed by the CSP
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(graphOption(data));
    chart.on("click", function (params) {
      if (params.data && params.data.url) { window.location.assign(params.data.url); }
    });
    window.addEventListener("resize", function () { chart.resize(); });
    element.setAttribute("data-chart-ready", "true");
  }

  function start() {
    var elements = document.querySelectorAll("[data-chart]");
    for (var i = 0; i < elements.length; i++) { draw(elements[i]); }
    var graphs = document.querySelectorAll("[data-camps-graph]");
    for (var j = 0; j < graphs.length; j++) { drawGraph(graphs[j]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
