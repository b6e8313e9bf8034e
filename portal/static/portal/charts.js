/* Charts (ECharts, vendored): <div class="chart" data-chart="<json_script id>" role="img" aria-label="…">.
   The JSON is {"categories": [...], "series": [{"name", "data": [...], "color"}]}: stacked bars.
   The same figures are always in a table on the page: the chart is a picture of it. */
(function () {
  "use strict";
  function init() {
    if (!window.echarts) return;
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var spec = JSON.parse(document.getElementById(el.dataset.chart).textContent);
      var chart = window.echarts.init(el, null, {renderer: "svg"});
      chart.setOption({
        animation: false,
        tooltip: {trigger: "axis"},
        legend: {top: 0},
        grid: {left: 40, right: 12, top: 36, bottom: 28},
        xAxis: {type: "category", data: spec.categories},
        yAxis: {type: "value", minInterval: 1},
        series: spec.series.map(function (s) {
          return {type: "bar", stack: "total", name: s.name, data: s.data, itemStyle: {color: s.color}};
        }),
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
