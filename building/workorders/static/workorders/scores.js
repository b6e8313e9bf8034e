// Scores over the months per company (the evaluations page): a line chart (ECharts), beside the table.
(function () {
  var box = document.getElementById("scores-chart");
  var data = document.getElementById("scores-data");
  if (!box || !data || !window.echarts) return;
  var rows = JSON.parse(data.textContent);
  var chart = window.echarts.init(box, null, { renderer: "svg" });
  chart.setOption({
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    legend: { top: 0 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: rows.months },
    yAxis: { type: "value", min: 0, max: 100 },
    series: rows.lines.map(function (line) {
      return { type: "line", name: line.company, data: line.scores.map(function (s) { return s === "" ? null : Number(s); }), connectNulls: true };
    }),
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
