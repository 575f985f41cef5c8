/* The console's charts: every element with data-chart="<id>" is drawn by ECharts from the JSON
   block <script type="application/json" id="<id>"> on the same page (no inline script: the CSP
   allows scripts from the gateway only). Chart data: {kind: "bar"|"line", title, unit,
   categories: [...], series: [{name, data: [...]}], max?}. The same figures are in the page's tables. */
(function () {
  "use strict";

  function option(spec) {
    var unit = spec.unit ? " " + spec.unit : "";
    var horizontal = spec.kind === "bar";
    var valueAxis = { type: "value", axisLabel: { formatter: "{value}" + unit } };
    if (typeof spec.max === "number") {
      valueAxis.min = 0;
      valueAxis.max = spec.max;
    }
    // Bars run down the page in the table's order.
    var categoryAxis = {
      type: "category", data: spec.categories, axisLabel: { interval: 0 }, inverse: horizontal
    };
    return {
      animation: false,
      // Drawn on the canvas: an HTML tooltip would need inline styles, which the CSP refuses.
      tooltip: { trigger: "axis", renderMode: "richText" },
      legend: { show: spec.series.length > 1, type: "scroll", bottom: 0 },
      grid: { left: 8, right: 24, top: 16, bottom: spec.series.length > 1 ? 40 : 8, containLabel: true },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? categoryAxis : valueAxis,
      series: spec.series.map(function (s) {
        return {
          name: s.name,
          type: spec.kind,
          data: s.data,
          connectNulls: false,
          label: { show: horizontal, position: "right" }
        };
      })
    };
  }

  function draw() {
    if (typeof window.echarts === "undefined") {
      return;
    }
    var holders = document.querySelectorAll("[data-chart]");
    Array.prototype.forEach.call(holders, function (holder) {
      var source = document.getElementById(holder.getAttribute("data-chart"));
      if (!source) {
        return;
      }
      var spec = JSON.parse(source.textContent);
      var chart = window.echarts.init(holder, null, { renderer: "canvas", locale: "ZH" });
      chart.setOption(option(spec));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
