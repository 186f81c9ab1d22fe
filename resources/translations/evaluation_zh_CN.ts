<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>CasesDialog</name>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Counted (numerator)</source>
        <translation>计入（分子）</translation>
    </message>
    <message>
        <source>Out of (denominator)</source>
        <translation>基数（分母）</translation>
    </message>
    <message>
        <source>deadline</source>
        <translation>期限</translation>
    </message>
    <message>
        <source>Click a case to select it on the map and in the queue.</source>
        <translation>单击案卷，在地图和队列中选中它。</translation>
    </message>
</context>
<context>
    <name>EvaluationDock</name>
    <message>
        <source>Rankings</source>
        <translation>综合评价</translation>
    </message>
    <message>
        <source>Departments</source>
        <translation>专业部门</translation>
    </message>
    <message>
        <source>Streets</source>
        <translation>街道</translation>
    </message>
    <message>
        <source>Communities</source>
        <translation>社区</translation>
    </message>
    <message>
        <source>Patrol officers</source>
        <translation>监督员</translation>
    </message>
    <message>
        <source>Desk posts: receiving, registering, dispatching</source>
        <translation>岗位评价（受理、立案、派遣）</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>近7天</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>近30天</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今日</translation>
    </message>
    <message>
        <source>This week</source>
        <translation>本周</translation>
    </message>
    <message>
        <source>This month</source>
        <translation>本月</translation>
    </message>
    <message>
        <source>Custom</source>
        <translation>自定义</translation>
    </message>
    <message>
        <source>Export to Excel…</source>
        <translation>导出 Excel…</translation>
    </message>
    <message>
        <source>Supervise department…</source>
        <translation>督办部门…</translation>
    </message>
    <message>
        <source>Raise a supervision order (督办) on the selected department</source>
        <translation>对选中的部门下达督办</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>层级</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>周期</translation>
    </message>
    <message>
        <source>The period&apos;s end is before its start.</source>
        <translation>周期的结束早于开始。</translation>
    </message>
    <message>
        <source>Evaluating…</source>
        <translation>正在评价…</translation>
    </message>
    <message>
        <source>%1 – %2, up to %3; change against the day before</source>
        <translation>%1 – %2，截至 %3；环比前一天</translation>
    </message>
    <message>
        <source>%1 – %2, up to %3; change against the %4 days before</source>
        <translation>%1 – %2，截至 %3；环比前 %4 天</translation>
    </message>
    <message>
        <source>Export ranking</source>
        <translation>导出排名</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Scope</source>
        <translation>范围</translation>
    </message>
    <message>
        <source>up to</source>
        <translation>截至</translation>
    </message>
    <message>
        <source>Exported</source>
        <translation>导出时间</translation>
    </message>
    <message>
        <source>Rank</source>
        <translation>排名</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>综合指标值</translation>
    </message>
    <message>
        <source>Grade</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>环比</translation>
    </message>
    <message>
        <source>Rankings: %1</source>
        <translation>综合评价：%1</translation>
    </message>
    <message>
        <source>whole city</source>
        <translation>全市</translation>
    </message>
    <message>
        <source>campaign scope</source>
        <translation>专项范围</translation>
    </message>
</context>
<context>
    <name>RankingModel</name>
    <message>
        <source>Rank</source>
        <translation>排名</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>综合指标值</translation>
    </message>
    <message>
        <source>Grade</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>环比</translation>
    </message>
    <message>
        <source>No data: this indicator is not recorded yet</source>
        <translation>无数据：该指标尚未记录</translation>
    </message>
    <message>
        <source>Double-click to list the cases</source>
        <translation>双击列出案卷</translation>
    </message>
</context>
</TS>
