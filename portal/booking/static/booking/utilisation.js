// Utilisation per resource for the week (the back office): a horizontal bar chart (ECharts).
(function () {
  var box = document.getElementById("utilisation-chart");
  var data = document.getElementById("utilisation-data");
  if (!box || !data || !window.echarts) return;
  var rows = JSON.parse(data.textContent);
  var chart = window.echarts.init(box, null, { renderer: "svg" });
  chart.setOption({
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    yAxis: { type: "category", data: rows.names, inverse: true },
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
    series: [{ type: "bar", data: rows.percent, itemStyle: { color: "#b71c1c" }, label: { show: true, position: "right", formatter: "{c}%" } }],
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
