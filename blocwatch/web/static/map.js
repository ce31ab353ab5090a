/* blocwatch bloc timeline and world map, drawn with ECharts from JSON data islands.
 *
 * As in charts.js, the page carries its data as <script type="application/json" id="...">
 * (never executed, so the strict Content-Security-Policy needs no inline-script exception):
 *
 * [data-bloc-timeline="id"]  a bloc's memberships: one bar per membership from its start to its
 *   end (or today), coloured by status (member, partner, observer, ...).  Blocs with very many
 *   members (the UN) get the count of full members over time instead, as a step line.
 * [data-world-map="id"]  every country's alignment score toward one actor, on the vendored
 *   world-atlas TopoJSON (converted with topojson-client, registered with echarts.registerMap).
 *   The geometry's ids are ISO 3166-1 numeric; our country-codes.json turns them into the ISO3
 *   ids our actors use.  Clicking a coloured country opens its pair page.
 *
 * When drawn, an element gets data-chart-ready="true"; the map also says how many countries it
 * coloured (data-map-coloured), which the browser tests read.
 */
(function () {
  "use strict";

  var STATUS_COLOURS = {
    member: "#1f5f8b", partner: "#2e7d4f", observer: "#c9a227", invited: "#e0907f",
    candidate: "#d8782f", suspended: "#a33a2f"
  };
  var MAX_BARS = 60;
  var MAP_NAME = "blocwatch-world";

  function readData(id) {
    var island = document.getElementById(id);
    if (!island) { return null; }
    try { return JSON.parse(island.textContent || "null"); } catch (e) { return null; }
  }

  function day(text) { return Date.parse(text + "T00:00:00Z"); }

  function renderBar(params, api) {
    var start = api.coord([api.value(1), api.value(0)]);
    var end = api.coord([api.value(2), api.value(0)]);
    var height = api.size([0, 1])[1] * 0.6;
    var box = params.coordSys;
    var shape = window.echarts.graphic.clipRectByRect(
      { x: start[0], y: start[1] - height / 2, width: Math.max(end[0] - start[0], 2), height: height },
      { x: box.x, y: box.y, width: box.width, height: box.height }
    );
    return shape && { type: "rect", shape: shape, style: api.style() };
  }

  function barsOption(data) {
    var names = [], index = {};
    var earliest = data.rows.reduce(function (low, r) {
      return r.start && r.start < low ? r.start : low;
    }, data.today);
    data.rows.forEach(function (r) {
      if (!(r.id in index)) { index[r.id] = names.length; names.push(r.name); }
    });
    var items = data.rows.map(function (r) {
      return {
        value: [index[r.id], day(r.start || earliest), day(r.end || data.today)],
        member: r.name, status: r.status, start: r.start, end: r.end,
        itemStyle: { color: STATUS_COLOURS[r.status] || "#5b6570" }
      };
    });
    return {
      height: Math.max(160, names.length * 22 + 70),
      option: {
        animation: false,
        aria: { enabled: true },
        tooltip: {
          formatter: function (p) {
            var d = p.data;
            return d.member + ": " + d.status + " from " + (d.start || "the start") + " to " + (d.end || "now");
          }
        },
        grid: { left: 150, right: 24, top: 12, bottom: 32 },
        xAxis: { type: "time" },
        yAxis: { type: "category", data: names, inverse: true, axisTick: { show: false } },
        series: [{ type: "custom", renderItem: renderBar, encode: { x: [1, 2], y: 0 }, data: items }]
      }
    };
  }

  function countsOption(data) {
    var points = data.counts.filter(function (c) { return c.date; }).map(function (c) {
      return [day(c.date), c.members];
    });
    if (points.length) { points.push([day(data.today), points[points.length - 1][1]]); }
    return {
      height: 320,
      option: {
        animation: false,
        aria: { enabled: true },
        tooltip: { trigger: "axis" },
        grid: { left: 48, right: 24, top: 16, bottom: 32 },
        xAxis: { type: "time" },
        yAxis: { type: "value", name: "members", minInterval: 1 },
        series: [{ name: "members", type: "line", step: "end", symbol: "none", data: points,
                   itemStyle: { color: STATUS_COLOURS.member } }]
      }
    };
  }

  function drawTimeline(element) {
    var data = readData(element.getAttribute("data-bloc-timeline"));
    if (!data || !window.echarts || !data.rows || !data.rows.length) { return; }
    var members = {};
    data.rows.forEach(function (r) { members[r.id] = true; });
    var chosen = Object.keys(members).length > MAX_BARS ? countsOption(data) : barsOption(data);
    if (!element.clientHeight) { element.style.height = chosen.height + "px"; } // CSSOM, allowed by the CSP
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(chosen.option);
    window.addEventListener("resize", function () { chart.resize(); });
    element.setAttribute("data-chart-ready", "true");
  }

  function mapOption(data, names) {
    var items = data.countries.filter(function (c) { return names[c.id]; }).map(function (c) {
      var member = data.members.indexOf(c.id) >= 0;
      return {
        name: c.id, value: c.score, country: c.name, label: c.label, confidence: c.confidence,
        events: c.events, url: c.url, member: member,
        itemStyle: member ? { borderColor: "#1d232a", borderWidth: 1.2 } : undefined
      };
    });
    if (data.actor && names[data.actor.id]) {
      items.push({ name: data.actor.id, value: "-", country: data.actor.name, self: true,
                   itemStyle: { areaColor: "#1f5f8b" } });
    }
    return {
      items: items,
      option: {
        animation: false,
        aria: { enabled: true },
        tooltip: {
          trigger: "item",
          formatter: function (p) {
            var d = p.data;
            if (!d) { return names[p.name] || p.name; }
            if (d.self) { return d.country; }
            return d.country + (d.member ? " (member)" : "") + ": " + (d.value > 0 ? "+" : "") +
              d.value.toFixed(2) + " " + d.label + ", confidence " + Math.round(d.confidence * 100) +
              "%, " + d.events + " event" + (d.events === 1 ? "" : "s");
          }
        },
        visualMap: {
          type: "continuous", min: data.scale.min, max: data.scale.max, calculable: false,
          text: ["cooperative", "conflictual"], left: 8, bottom: 8, itemHeight: 100,
          inRange: { color: ["#a33a2f", "#ecd9c6", "#2e7d4f"] }
        },
        series: [{
          type: "map", map: MAP_NAME, roam: true, selectedMode: false, data: items,
          itemStyle: { areaColor: "#e6e8ea", borderColor: "#ffffff", borderWidth: 0.5 },
          emphasis: { label: { show: false }, itemStyle: { areaColor: "#f0c94f" } }
        }]
      }
    };
  }

  // ECharts projects plainly (equirectangular) and would join a country's +180 and -180 points
  // straight across the map (Russia's Chukotka, Fiji): move the far side of such countries over.
  function unwrap(geometry) {
    if (!geometry) { return; }
    var polygons = geometry.type === "Polygon" ? [geometry.coordinates]
      : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
    var points = [];
    polygons.forEach(function (rings) { rings.forEach(function (ring) { points = points.concat(ring); }); });
    var low = Infinity, high = -Infinity, sum = 0;
    points.forEach(function (p) { low = Math.min(low, p[0]); high = Math.max(high, p[0]); sum += p[0]; });
    if (high - low <= 180) { return; }
    var east = sum / points.length > 0;
    points.forEach(function (p) {
      if (east && p[0] < 0) { p[0] += 360; } else if (!east && p[0] > 0) { p[0] -= 360; }
    });
  }

  function registerWorld(world, codes) {
    var geo = window.topojson.feature(world, world.objects.countries);
    var names = {};
    // Antarctica spans every longitude and no news is about its politics: left off the map.
    geo.features = geo.features.filter(function (f) { return codes.codes[f.id] !== "ATA"; });
    geo.features.forEach(function (f) {
      unwrap(f.geometry);
      var shown = (f.properties && f.properties.name) || "";
      var iso3 = f.id !== undefined ? codes.codes[f.id] : codes.by_name[shown];
      // ECharts names regions by properties.name: ours are the ISO3 actor ids.
      f.properties = { name: iso3 || shown, label: shown };
      if (iso3) { names[iso3] = shown; }
    });
    window.echarts.registerMap(MAP_NAME, geo);
    return names;
  }

  function drawMap(element) {
    var data = readData(element.getAttribute("data-world-map"));
    if (!data || !data.actor || !window.echarts || !window.topojson || !window.fetch) { return; }
    var load = function (url) {
      return fetch(url).then(function (r) {
        if (!r.ok) { throw new Error(url + ": HTTP " + r.status); }
        return r.json();
      });
    };
    Promise.all([load(data.geometry_url), load(data.codes_url)]).then(function (parts) {
      var names = registerWorld(parts[0], parts[1]);
      if (!element.clientHeight) { element.style.height = "480px"; }
      var chart = window.echarts.init(element, null, { renderer: "canvas" });
      var built = mapOption(data, names);
      chart.setOption(built.option);
      chart.on("click", function (p) {
        if (p.data && p.data.url) { window.location.assign(p.data.url); }
      });
      window.addEventListener("resize", function () { chart.resize(); });
      var coloured = built.items.filter(function (i) { return !i.self; }).length;
      element.setAttribute("data-map-coloured", String(coloured));
      element.setAttribute("data-chart-ready", "true");
    }).catch(function (error) {
      element.setAttribute("data-map-error", String(error));
      if (window.console) { window.console.error("blocwatch map: " + error); }
    });
  }

  function start() {
    var timelines = document.querySelectorAll("[data-bloc-timeline]");
    for (var i = 0; i < timelines.length; i++) { drawTimeline(timelines[i]); }
    var maps = document.querySelectorAll("[data-world-map]");
    for (var j = 0; j < maps.length; j++) { drawMap(maps[j]); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
