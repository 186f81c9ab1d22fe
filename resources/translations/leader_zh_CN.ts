<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name></name>
    <message>
        <source>Cases reported per hour</source>
        <translation>每小时上报案件</translation>
    </message>
    <message>
        <source>Cases closed per hour</source>
        <translation>每小时结案</translation>
    </message>
    <message>
        <source>None.</source>
        <translation>无。</translation>
    </message>
    <message>
        <source>{shown} of {total} shown.</source>
        <translation>共 {total} 件，列出 {shown} 件。</translation>
    </message>
    <message>
        <source>Shift hand-over report</source>
        <translation>交接班报告</translation>
    </message>
    <message>
        <source>Daily report</source>
        <translation>日报</translation>
    </message>
    <message>
        <source>Reported</source>
        <translation>上报</translation>
    </message>
    <message>
        <source>Registered</source>
        <translation>立案</translation>
    </message>
    <message>
        <source>Dispatched</source>
        <translation>派遣</translation>
    </message>
    <message>
        <source>Handled</source>
        <translation>处置完成</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>结案</translation>
    </message>
    <message>
        <source>What happened</source>
        <translation>本班情况</translation>
    </message>
    <message>
        <source>New urgent cases</source>
        <translation>新增紧急案件</translation>
    </message>
    <message>
        <source>Open urgent cases</source>
        <translation>未结紧急案件</translation>
    </message>
    <message>
        <source>Supervision orders</source>
        <translation>督办</translation>
    </message>
    <message>
        <source>Alerts and attendance exceptions</source>
        <translation>告警与考勤异常</translation>
    </message>
    <message>
        <source>Evaluation of departments</source>
        <translation>部门综合评价</translation>
    </message>
    <message>
        <source>Map</source>
        <translation>地图</translation>
    </message>
    <message>
        <source>Trends</source>
        <translation>趋势</translation>
    </message>
    <message>
        <source>Period: {start} – {end}; generated {at}</source>
        <translation>时段：{start} – {end}；生成于 {at}</translation>
    </message>
    <message>
        <source>Stage reached</source>
        <translation>环节</translation>
    </message>
    <message>
        <source>Cases</source>
        <translation>案件数</translation>
    </message>
    <message>
        <source>Queues at the end: </source>
        <translation>时段末队列：</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>案卷号</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>部门</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>处置时限</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <source>Case or department</source>
        <translation>案件或部门</translation>
    </message>
    <message>
        <source>Issued</source>
        <translation>下达</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>限期</translation>
    </message>
    <message>
        <source>Resolved</source>
        <translation>解除</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>Alert</source>
        <translation>告警</translation>
    </message>
    <message>
        <source>Raised in the period</source>
        <translation>时段内产生</translation>
    </message>
    <message>
        <source>Exception</source>
        <translation>异常</translation>
    </message>
    <message>
        <source>Officer</source>
        <translation>监督员</translation>
    </message>
    <message>
        <source>Raised</source>
        <translation>产生</translation>
    </message>
    <message>
        <source>Rank</source>
        <translation>排名</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>综合得分</translation>
    </message>
    <message>
        <source>Grade</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>Closure rate</source>
        <translation>结案率</translation>
    </message>
    <message>
        <source>On-time handling</source>
        <translation>按期处置率</translation>
    </message>
    <message>
        <source>Rework rate</source>
        <translation>返工率</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>超期数</translation>
    </message>
    <message>
        <source>No map picture.</source>
        <translation>无地图图片。</translation>
    </message>
    <message>
        <source>Cells shaded by open cases: 1, 2–3, 4–6, 7 and more.</source>
        <translation>网格按未结案件数着色：1、2–3、4–6、7 及以上。</translation>
    </message>
    <message>
        <source>催办 (urge)</source>
        <translation>催办</translation>
    </message>
    <message>
        <source>督办 (supervise)</source>
        <translation>督办</translation>
    </message>
    <message>
        <source>挂牌督办 (listed)</source>
        <translation>挂牌督办</translation>
    </message>
</context>
<context>
    <name>BriefingMap</name>
    <message>
        <source>Briefing map</source>
        <translation>简报地图</translation>
    </message>
    <message>
        <source>Web page (*.html)</source>
        <translation>网页文件 (*.html)</translation>
    </message>
    <message>
        <source>Briefing map written to {path}</source>
        <translation>简报地图已保存到 {path}</translation>
    </message>
</context>
<context>
    <name>CampaignExport</name>
    <message>
        <source>Campaign</source>
        <translation>专项行动</translation>
    </message>
    <message>
        <source>Scope</source>
        <translation>范围</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>时段</translation>
    </message>
    <message>
        <source>figures up to</source>
        <translation>数据截至</translation>
    </message>
    <message>
        <source>closed, figures frozen</source>
        <translation>已结束，数据已定格</translation>
    </message>
    <message>
        <source>Exported</source>
        <translation>导出时间</translation>
    </message>
    <message>
        <source>area drawn on the map ({cells} cells)</source>
        <translation>地图绘制区域（{cells} 个网格）</translation>
    </message>
    <message>
        <source>Targets</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>目标</translation>
    </message>
    <message>
        <source>Goal</source>
        <translation>目标值</translation>
    </message>
    <message>
        <source>Now</source>
        <translation>当前</translation>
    </message>
    <message>
        <source>Met</source>
        <translation>达成</translation>
    </message>
    <message>
        <source>By</source>
        <translation>截止</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>Cases tagged</source>
        <translation>纳入案件</translation>
    </message>
    <message>
        <source>Open focus cases</source>
        <translation>未结重点案件</translation>
    </message>
    <message>
        <source>Cells patrolled today (covered, cells, share)</source>
        <translation>今日巡查覆盖网格（已覆盖、网格数、比例）</translation>
    </message>
    <message>
        <source>Daily trend</source>
        <translation>逐日趋势</translation>
    </message>
    <message>
        <source>Day</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>案卷</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Street</source>
        <translation>街道</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>部门</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>处置时限</translation>
    </message>
    <message>
        <source>Supervision</source>
        <translation>督办级别</translation>
    </message>
    <message>
        <source>Slowest</source>
        <translation>滞后单位</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <source>Grade</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>On-time rate</source>
        <translation>按期率</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <source>Supervision orders</source>
        <translation>督办单</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Issued</source>
        <translation>下发时间</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>应复时间</translation>
    </message>
    <message>
        <source>Answered</source>
        <translation>答复时间</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>关闭时间</translation>
    </message>
    <message>
        <source>After-action summary</source>
        <translation>行动总结</translation>
    </message>
    <message>
        <source>Referred</source>
        <translation>派遣</translation>
    </message>
    <message>
        <source>As lead</source>
        <translation>主办</translation>
    </message>
    <message>
        <source>Assisting</source>
        <translation>协办</translation>
    </message>
    <message>
        <source>Handled</source>
        <translation>处置完成</translation>
    </message>
    <message>
        <source>In the operation</source>
        <translation>参加部门</translation>
    </message>
    <message>
        <source>Cases found</source>
        <translation>发现案件</translation>
    </message>
    <message>
        <source>Found by patrols</source>
        <translation>巡查发现</translation>
    </message>
    <message>
        <source>Cases handled</source>
        <translation>处置案件</translation>
    </message>
    <message>
        <source>Cases referred</source>
        <translation>派遣案件</translation>
    </message>
    <message>
        <source>Still open</source>
        <translation>未结案件</translation>
    </message>
    <message>
        <source>On-time closure rate ≥</source>
        <translation>按期结案率 ≥</translation>
    </message>
    <message>
        <source>Open focus cases ≤</source>
        <translation>未结重点案件 ≤</translation>
    </message>
    <message>
        <source>Cells patrolled daily ≥</source>
        <translation>网格日巡查覆盖率 ≥</translation>
    </message>
    <message>
        <source>Export campaign to Excel</source>
        <translation>导出专项行动 Excel</translation>
    </message>
    <message>
        <source>Excel (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Exporting {name}…</source>
        <translation>正在导出 {name}…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Export cancelled.</source>
        <translation>已取消导出。</translation>
    </message>
    <message>
        <source>Campaign exported to {path}</source>
        <translation>专项行动已导出到 {path}</translation>
    </message>
</context>
<context>
    <name>QueueExport</name>
    <message>
        <source>Scope</source>
        <translation>范围</translation>
    </message>
    <message>
        <source>Queue as of</source>
        <translation>队列时点</translation>
    </message>
    <message>
        <source>Exported</source>
        <translation>导出时间</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>案卷号</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Urgent</source>
        <translation>紧急</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>部门</translation>
    </message>
    <message>
        <source>Cell</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Reported</source>
        <translation>上报</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>处置时限</translation>
    </message>
    <message>
        <source>Dispatched</source>
        <translation>派遣</translation>
    </message>
    <message>
        <source>Handled</source>
        <translation>处置完成</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>结案</translation>
    </message>
    <message>
        <source>Supervision</source>
        <translation>督办级别</translation>
    </message>
    <message>
        <source>All cases</source>
        <translation>全部案件</translation>
    </message>
    <message>
        <source>search “{text}”</source>
        <translation>搜索“{text}”</translation>
    </message>
    <message>
        <source>Export queue to Excel</source>
        <translation>导出队列到 Excel</translation>
    </message>
    <message>
        <source>Excel (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Case queue</source>
        <translation>案件队列</translation>
    </message>
    <message>
        <source>Exporting {scope}…</source>
        <translation>正在导出 {scope}…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Export cancelled.</source>
        <translation>已取消导出。</translation>
    </message>
    <message>
        <source>{rows} cases exported to {path}</source>
        <translation>已导出 {rows} 件案件到 {path}</translation>
    </message>
</context>
<context>
    <name>ShiftReportRunner</name>
    <message>
        <source>Shift hand-over report</source>
        <translation>交接班报告</translation>
    </message>
    <message>
        <source>Daily report</source>
        <translation>日报</translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation>PDF 文件 (*.pdf)</translation>
    </message>
    <message>
        <source>Reading the figures…</source>
        <translation>正在读取数据…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Writing the PDF…</source>
        <translation>正在生成 PDF…</translation>
    </message>
    <message>
        <source>Report cancelled.</source>
        <translation>已取消报告。</translation>
    </message>
    <message>
        <source>Report written to {path}</source>
        <translation>报告已保存到 {path}</translation>
    </message>
</context>
<context>
    <name>WallView</name>
    <message>
        <source>On-time closure rate, of target</source>
        <translation>按期结案率 目标完成度</translation>
    </message>
    <message>
        <source>Open focus cases, of target</source>
        <translation>未结重点案件 目标完成度</translation>
    </message>
    <message>
        <source>Cells patrolled daily, of target</source>
        <translation>网格日巡查覆盖 目标完成度</translation>
    </message>
    <message>
        <source>Newest urgent cases</source>
        <translation>最新紧急案件</translation>
    </message>
    <message>
        <source>No urgent case.</source>
        <translation>暂无紧急案件。</translation>
    </message>
    <message>
        <source>Running campaigns</source>
        <translation>进行中的专项行动</translation>
    </message>
    <message>
        <source>No campaign running.</source>
        <translation>暂无进行中的专项行动。</translation>
    </message>
    <message>
        <source>City Command Console</source>
        <translation>城市管理统一指挥台</translation>
    </message>
    <message>
        <source>Reported today</source>
        <translation>今日上报</translation>
    </message>
    <message>
        <source>Closed today</source>
        <translation>今日结案</translation>
    </message>
    <message>
        <source>On-time closure</source>
        <translation>按期结案率</translation>
    </message>
    <message>
        <source>Open cases</source>
        <translation>未结案件</translation>
    </message>
    <message>
        <source>Overdue now</source>
        <translation>当前超期</translation>
    </message>
    <message>
        <source>Patrols on duty</source>
        <translation>在岗监督员</translation>
    </message>
    <message>
        <source>Off post</source>
        <translation>脱岗</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>Departments: best and worst</source>
        <translation>部门排名：前五与后五</translation>
    </message>
    <message>
        <source>Streets: best and worst</source>
        <translation>街道排名：前五与后五</translation>
    </message>
    <message>
        <source>Composite score, {start} – {end}</source>
        <translation>综合得分，{start} – {end}</translation>
    </message>
</context>
</TS>
