import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/esm/core';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

/** Sessions (bars) and handle time in minutes (line) per CSR; loaded only when a report is shown. */
export default function ActivityChart({
  rows,
  labels,
}: {
  rows: { csrId: string; sessions: number; handleTimeTotalMs: number }[];
  labels: { sessions: string; handleTime: string; title: string };
}) {
  const option = {
    aria: { enabled: true, label: { description: labels.title } },
    tooltip: { trigger: 'axis' },
    legend: { data: [labels.sessions, labels.handleTime] },
    xAxis: { type: 'category', data: rows.map((r) => r.csrId) },
    yAxis: [
      { type: 'value', name: labels.sessions, minInterval: 1 },
      { type: 'value', name: labels.handleTime },
    ],
    series: [
      { name: labels.sessions, type: 'bar', data: rows.map((r) => r.sessions), itemStyle: { color: '#1864ab' } },
      { name: labels.handleTime, type: 'line', yAxisIndex: 1, data: rows.map((r) => Math.round(r.handleTimeTotalMs / 600) / 100), itemStyle: { color: '#c92a2a' } },
    ],
  };
  return <ReactEChartsCore echarts={echarts} option={option} opts={{ renderer: 'svg' }} style={{ height: 320 }} notMerge />;
}
