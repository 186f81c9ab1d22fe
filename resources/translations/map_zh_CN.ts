<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>Map</name>
    <message>
        <source>Base map</source>
        <translation>底图</translation>
    </message>
    <message>
        <source>Unit grid cells</source>
        <translation>单元网格</translation>
    </message>
    <message>
        <source>District boundaries</source>
        <translation>区界</translation>
    </message>
    <message>
        <source>Street boundaries</source>
        <translation>街道边界</translation>
    </message>
    <message>
        <source>Community boundaries</source>
        <translation>社区边界</translation>
    </message>
    <message>
        <source>Open cases</source>
        <translation>未结案件</translation>
    </message>
    <message>
        <source>Patrol officers</source>
        <translation>监督员</translation>
    </message>
    <message>
        <source>Patrol trails (15 min)</source>
        <translation>巡查轨迹（15分钟）</translation>
    </message>
    <message>
        <source>Reports heat map</source>
        <translation>上报热力图</translation>
    </message>
    <message>
        <source>Street-front units offending again</source>
        <translation>门前三包回潮单位</translation>
    </message>
    <message>
        <source>Overdue cases</source>
        <translation>超期案件</translation>
    </message>
    <message>
        <source>Work grid (responsibility)</source>
        <translation>责任网格</translation>
    </message>
    <message>
        <source>Campaign area</source>
        <translation>专项整治区域</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>已超期</translation>
    </message>
    <message>
        <source>Near deadline</source>
        <translation>临近时限</translation>
    </message>
    <message>
        <source>Being handled</source>
        <translation>处置中</translation>
    </message>
    <message>
        <source>Awaiting registration or dispatch</source>
        <translation>待立案/待派遣</translation>
    </message>
    <message>
        <source>Awaiting check</source>
        <translation>待核查</translation>
    </message>
    <message>
        <source>Parked</source>
        <translation>挂账</translation>
    </message>
    <message>
        <source>Moving</source>
        <translation>巡查中</translation>
    </message>
    <message>
        <source>On duty</source>
        <translation>在岗</translation>
    </message>
    <message>
        <source>Idle</source>
        <translation>疑似窝岗</translation>
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
        <source>Off shift</source>
        <translation>非当班</translation>
    </message>
    <message>
        <source>Left early</source>
        <translation>提前退岗</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今天</translation>
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
        <source>Last 90 days</source>
        <translation>近90天</translation>
    </message>
    <message>
        <source>Urgent</source>
        <translation>紧急</translation>
    </message>
    <message>
        <source>Deadline {time}</source>
        <translation>时限 {time}</translation>
    </message>
    <message>
        <source>Work grid</source>
        <translation>责任网格</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Last position</source>
        <translation>最近定位</translation>
    </message>
    <message>
        <source>Battery</source>
        <translation>电量</translation>
    </message>
    <message>
        <source>Walked today</source>
        <translation>今日巡查里程</translation>
    </message>
    <message>
        <source>Loading the track…</source>
        <translation>正在读取轨迹…</translation>
    </message>
    <message>
        <source>just now</source>
        <translation>刚刚</translation>
    </message>
    <message>
        <source>{n} s ago</source>
        <translation>{n} 秒前</translation>
    </message>
    <message>
        <source>{n} min ago</source>
        <translation>{n} 分钟前</translation>
    </message>
    <message>
        <source>{n} h ago</source>
        <translation>{n} 小时前</translation>
    </message>
    <message>
        <source>{d} m</source>
        <translation>{d} 米</translation>
    </message>
    <message>
        <source>{d} km</source>
        <translation>{d} 公里</translation>
    </message>
    <message>
        <source>Marker colours</source>
        <translation>标注颜色说明</translation>
    </message>
    <message>
        <source>Supervision order open: level {level}</source>
        <translation>督办中：{level}</translation>
    </message>
    <message>
        <source>Supervision rings</source>
        <translation>督办外圈</translation>
    </message>
    <message>
        <source>Case markers</source>
        <translation>案件标注</translation>
    </message>
    <message>
        <source>Patrol markers</source>
        <translation>监督员标注</translation>
    </message>
    <message>
        <source>Outside campaign areas</source>
        <translation>不在专项整治区域</translation>
    </message>
    <message>
        <source>In no work grid</source>
        <translation>未划入责任网格</translation>
    </message>
    <message>
        <source>Neighbouring work grids differ in colour</source>
        <translation>相邻责任网格以不同颜色区分</translation>
    </message>
    <message>
        <source>Open cases of: {names}</source>
        <translation>统计：{names} 的未结案件</translation>
    </message>
    <message>
        <source>No campaign is running</source>
        <translation>当前没有进行中的专项整治</translation>
    </message>
    <message>
        <source>A work grid</source>
        <translation>责任网格</translation>
    </message>
    <message>
        <source>Cells: {measure}</source>
        <translation>网格着色：{measure}</translation>
    </message>
</context>
<context>
    <name>MapToolBar</name>
    <message>
        <source>Cell code, case number or patrol name (Ctrl+G)</source>
        <translation>网格编码、案卷号或监督员姓名（Ctrl+G）</translation>
    </message>
    <message>
        <source>Shading</source>
        <translation>着色</translation>
    </message>
    <message>
        <source>Heat</source>
        <translation>热力</translation>
    </message>
    <message>
        <source>Night</source>
        <translation>夜间</translation>
    </message>
    <message>
        <source>Night reports only: reported 19:00–06:00, or in the hours of their category</source>
        <translation>仅显示夜间上报：19:00–06:00 或该类别设定时段内上报的问题</translation>
    </message>
    <message>
        <source>Ruler</source>
        <translation>测距</translation>
    </message>
    <message>
        <source>Click points on the map; double-click or Esc ends</source>
        <translation>在地图上依次单击各点，双击或按 Esc 结束</translation>
    </message>
    <message>
        <source>Whole city</source>
        <translation>全市</translation>
    </message>
    <message>
        <source>Show the whole city</source>
        <translation>显示全市范围</translation>
    </message>
    <message>
        <source>Base map…</source>
        <translation>底图…</translation>
    </message>
    <message>
        <source>The tile server of this seat&apos;s base map</source>
        <translation>本席位底图的瓦片服务地址</translation>
    </message>
</context>
<context>
    <name>MapWidget</name>
    <message>
        <source>Loading the map…</source>
        <translation>正在加载地图…</translation>
    </message>
    <message>
        <source>The map could not be built: {error}</source>
        <translation>地图生成失败：{error}</translation>
    </message>
    <message>
        <source>Report a case here</source>
        <translation>在此上报案件</translation>
    </message>
    <message>
        <source>Measure distance from here</source>
        <translation>从此处开始测距</translation>
    </message>
    <message>
        <source>Copy coordinates</source>
        <translation>复制坐标</translation>
    </message>
    <message>
        <source>Click the corners of the area; double-click or Enter closes it, Esc gives up.</source>
        <translation>单击区域的各个顶点；双击或回车闭合，Esc 放弃。</translation>
    </message>
    <message>
        <source>Distance: {distance}</source>
        <translation>距离：{distance}</translation>
    </message>
    <message>
        <source>Not on the map: {what}</source>
        <translation>地图上没有：{what}</translation>
    </message>
    <message>
        <source>Nothing found for “{text}”.</source>
        <translation>未找到“{text}”。</translation>
    </message>
    <message>
        <source>Cell</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>案件</translation>
    </message>
    <message>
        <source>Patrol</source>
        <translation>监督员</translation>
    </message>
    <message>
        <source>Street</source>
        <translation>街道</translation>
    </message>
    <message>
        <source>Community</source>
        <translation>社区</translation>
    </message>
    <message>
        <source>{name} has no recent position.</source>
        <translation>{name} 近期没有定位。</translation>
    </message>
</context>
<context>
    <name>TilesDialog</name>
    <message>
        <source>Base map</source>
        <translation>底图</translation>
    </message>
    <message>
        <source>These tiles are for this seat only. Leave the address empty to draw the centre&apos;s base map (Administration → Base map of the centre), or nothing but the grid if the centre has none. {s} in the address stands for each of the subdomains in turn.</source>
        <translation>这里的瓦片只用于本席位。地址留空则绘制中心底图（管理 → 中心底图）；中心未设底图时只绘制网格。地址中的 {s} 依次代表各个子域名。</translation>
    </message>
    <message>
        <source>Tile address</source>
        <translation>瓦片地址</translation>
    </message>
    <message>
        <source>Subdomains</source>
        <translation>子域名</translation>
    </message>
    <message>
        <source>Attribution</source>
        <translation>版权说明</translation>
    </message>
    <message>
        <source>The address must start with http://, https:// or file:// and contain {z}, {x} and {y}.</source>
        <translation>地址须以 http://、https:// 或 file:// 开头，并包含 {z}、{x} 和 {y}。</translation>
    </message>
</context>
</TS>
