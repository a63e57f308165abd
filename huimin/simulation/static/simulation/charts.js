// Draws a simulation run's charts from the JSON block the page carries (no inline script).
(function () {
  "use strict";
  function draw() {
    var block = document.getElementById("sim-chart-data");
    if (!block || typeof echarts === "undefined") { return; }
    var d = JSON.parse(block.textContent);
    var L = d.labels;
    var tooltip = { trigger: "axis", renderMode: "richText" };
    var charts = [];
    function chart(id, option) {
      var el = document.getElementById(id);
      if (!el) { return; }
      var c = echarts.init(el, null, { renderer: "canvas" });
      c.setOption(option);
      charts.push(c);
    }
    chart("chart-regions", {
      title: { text: L.cost_by_region, textStyle: { fontSize: 14 } },
      tooltip: tooltip,
      legend: { bottom: 0 },
      grid: { left: 70, right: 10, top: 40, bottom: 90 },
      xAxis: { type: "category", data: d.regions, axisLabel: { rotate: 45 } },
      yAxis: { type: "value" },
      series: [
        { name: L.baseline, type: "bar", data: d.region_baseline },
        { name: L.reform, type: "bar", data: d.region_reform }
      ]
    });
    chart("chart-deciles", {
      title: { text: L.deciles, textStyle: { fontSize: 14 } },
      tooltip: tooltip,
      grid: { left: 60, right: 10, top: 40, bottom: 30 },
      xAxis: { type: "category", data: d.deciles },
      yAxis: { type: "value" },
      series: [{ name: L.reform, type: "bar", data: d.decile_change }]
    });
    chart("chart-lorenz", {
      title: { text: L.lorenz, textStyle: { fontSize: 14 } },
      tooltip: tooltip,
      legend: { bottom: 0 },
      grid: { left: 55, right: 20, top: 40, bottom: 70 },
      xAxis: { type: "value", min: 0, max: 1, name: L.population_share, nameLocation: "middle", nameGap: 25 },
      yAxis: { type: "value", min: 0, max: 1, name: L.income_share, nameLocation: "middle", nameGap: 35 },
      series: [
        { name: L.equality, type: "line", data: [[0, 0], [1, 1]], symbol: "none", lineStyle: { type: "dashed" } },
        { name: L.baseline, type: "line", data: d.lorenz_baseline },
        { name: L.reform, type: "line", data: d.lorenz_reform }
      ]
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
