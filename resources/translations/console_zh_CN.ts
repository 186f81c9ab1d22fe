<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>Actions</name>
    <message>
        <source>Report</source>
        <translation>上报</translation>
    </message>
    <message>
        <source>Send for verification</source>
        <translation>派出核实</translation>
    </message>
    <message>
        <source>Verified: true</source>
        <translation>核实属实</translation>
    </message>
    <message>
        <source>Verified: not true</source>
        <translation>核实不属实</translation>
    </message>
    <message>
        <source>Register</source>
        <translation>立案</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>不予立案</translation>
    </message>
    <message>
        <source>Dispatch</source>
        <translation>派遣</translation>
    </message>
    <message>
        <source>Return to dispatcher</source>
        <translation>回退</translation>
    </message>
    <message>
        <source>Request extension</source>
        <translation>申请延期</translation>
    </message>
    <message>
        <source>Approve extension</source>
        <translation>批准延期</translation>
    </message>
    <message>
        <source>Deny extension</source>
        <translation>驳回延期</translation>
    </message>
    <message>
        <source>Mark handled</source>
        <translation>处置完成</translation>
    </message>
    <message>
        <source>Request check</source>
        <translation>核查</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>结案</translation>
    </message>
    <message>
        <source>Send back for rework</source>
        <translation>返工</translation>
    </message>
    <message>
        <source>Reopen for rework</source>
        <translation>回访不满意重新办理</translation>
    </message>
    <message>
        <source>Park</source>
        <translation>挂账</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>恢复办理</translation>
    </message>
    <message>
        <source>Cancel case</source>
        <translation>作废</translation>
    </message>
    <message>
        <source>Add note</source>
        <translation>添加备注</translation>
    </message>
    <message>
        <source>Acknowledge alerts</source>
        <translation>确认告警</translation>
    </message>
    <message>
        <source>Escalate alerts</source>
        <translation>升级告警</translation>
    </message>
    <message>
        <source>Edit the roster and catalogues</source>
        <translation>编辑排班与基础数据</translation>
    </message>
    <message>
        <source>Edit campaigns</source>
        <translation>编辑专项整治</translation>
    </message>
    <message>
        <source>Change shared settings</source>
        <translation>修改共享设置</translation>
    </message>
    <message>
        <source>Manage users</source>
        <translation>管理用户</translation>
    </message>
    <message>
        <source>Change one&apos;s own password</source>
        <translation>修改本人密码</translation>
    </message>
    <message>
        <source>Take hotline calls and call citizens back</source>
        <translation>热线来电与回访</translation>
    </message>
    <message>
        <source>See callers&apos; phone numbers in full</source>
        <translation>查看来电人完整号码</translation>
    </message>
</context>
<context>
    <name>AdminMenu</name>
    <message>
        <source>Import and export &amp;people…</source>
        <translation>人员导入导出(&amp;P)…</translation>
    </message>
    <message>
        <source>Ca&amp;tegories and time limits…</source>
        <translation>部件/事件分类与时限(&amp;T)…</translation>
    </message>
    <message>
        <source>Work &amp;calendar…</source>
        <translation>工作日历(&amp;C)…</translation>
    </message>
    <message>
        <source>Alert t&amp;hresholds…</source>
        <translation>告警阈值(&amp;H)…</translation>
    </message>
    <message>
        <source>&amp;Base map of the centre…</source>
        <translation>中心底图(&amp;B)…</translation>
    </message>
    <message>
        <source>First-start &amp;setup…</source>
        <translation>初始设置向导(&amp;S)…</translation>
    </message>
    <message>
        <source>Street-&amp;front units (门前三包)…</source>
        <translation>门前三包责任单位(&amp;F)…</translation>
    </message>
</context>
<context>
    <name>AfterActionView</name>
    <message>
        <source>Department</source>
        <translation>部门</translation>
    </message>
    <message>
        <source>Referred</source>
        <translation>派遣</translation>
    </message>
    <message>
        <source>Lead / assisting</source>
        <translation>主办 / 协办</translation>
    </message>
    <message>
        <source>Handled</source>
        <translation>处置完成</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <source>Cases found %1 (by patrols %2) · handled %3 · referred %4 · still open %5</source>
        <translation>发现案件 %1 件（巡查发现 %2 件）· 处置 %3 件 · 派遣 %4 件 · 未结 %5 件</translation>
    </message>
    <message>
        <source>%1 (not in the operation)</source>
        <translation>%1（非参加部门）</translation>
    </message>
</context>
<context>
    <name>BaseMapDialog</name>
    <message>
        <source>Base map of the centre</source>
        <translation>中心底图</translation>
    </message>
    <message>
        <source>e.g. 市测绘院</source>
        <translation>例如：市测绘院</translation>
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
        <source>Every seat&apos;s map draws these tiles: an intranet tile server, or 天地图 with the centre&apos;s key. {s} in the address stands for each subdomain in turn. Empty: the grid and boundaries alone, with no network request. A seat on another network may name tiles of its own in its map (Base map… in the map&apos;s menu).</source>
        <translation>每个席位的地图都绘制这些瓦片：内网瓦片服务，或使用本中心密钥的天地图。地址中的 {s} 依次代表各个子域名。留空则只绘制网格和边界，不发出任何网络请求。处在其他网络中的席位可在其地图中另设本席位的瓦片（地图菜单中的“底图…”）。</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Saved; every seat&apos;s map redraws with it.</source>
        <translation>已保存，各席位的地图随之重绘。</translation>
    </message>
    <message>
        <source>Nothing changed.</source>
        <translation>没有修改。</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
</context>
<context>
    <name>BaseMapPage</name>
    <message>
        <source>Base map</source>
        <translation>底图</translation>
    </message>
    <message>
        <source>The tile address every seat&apos;s map draws (an intranet server, 天地图 with a key); empty: the grid alone, with no network request.</source>
        <translation>各席位地图绘制的瓦片地址（内网瓦片服务或天地图）；留空则只绘制网格，不发出网络请求。</translation>
    </message>
    <message>
        <source>Tile address</source>
        <translation>瓦片地址</translation>
    </message>
    <message>
        <source>The address must start with http://, https:// or file:// and contain {z}, {x} and {y}.</source>
        <translation>地址须以 http://、https:// 或 file:// 开头，并包含 {z}、{x} 和 {y}。</translation>
    </message>
</context>
<context>
    <name>CalendarDialog</name>
    <message>
        <source>Work calendar</source>
        <translation>工作日历</translation>
    </message>
    <message>
        <source>Year:</source>
        <translation>年份：</translation>
    </message>
    <message>
        <source>&amp;Seed the national schedule</source>
        <translation>导入国家节假日安排(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Import a dated list…</source>
        <translation>导入日期清单(&amp;I)…</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Weekday</source>
        <translation>星期</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Public holiday</source>
        <translation>法定节假日</translation>
    </message>
    <message>
        <source>Make-up workday (调休)</source>
        <translation>调休上班日</translation>
    </message>
    <message>
        <source>&amp;Add</source>
        <translation>添加(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Remove selected</source>
        <translation>移除所选(&amp;R)</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Mon</source>
        <translation>周一</translation>
    </message>
    <message>
        <source>Tue</source>
        <translation>周二</translation>
    </message>
    <message>
        <source>Wed</source>
        <translation>周三</translation>
    </message>
    <message>
        <source>Thu</source>
        <translation>周四</translation>
    </message>
    <message>
        <source>Fri</source>
        <translation>周五</translation>
    </message>
    <message>
        <source>Sat</source>
        <translation>周六</translation>
    </message>
    <message>
        <source>Sun</source>
        <translation>周日</translation>
    </message>
    <message>
        <source>Make-up workday</source>
        <translation>调休上班</translation>
    </message>
    <message>
        <source>National schedule</source>
        <translation>国家安排</translation>
    </message>
    <message>
        <source>This centre</source>
        <translation>本中心</translation>
    </message>
    <message>
        <source>{year}: {hol} holidays, {work} make-up workdays.</source>
        <translation>{year} 年：节假日 {hol} 天，调休上班 {work} 天。</translation>
    </message>
    <message>
        <source>{n} national days were taken out by this centre.</source>
        <translation>本中心取消了 {n} 天国家安排。</translation>
    </message>
    <message>
        <source>{year} has no holidays in the calendar: its deadlines count public holidays as workdays.</source>
        <translation>日历中没有 {year} 年的节假日：该年的期限会把法定节假日算作工作日。</translation>
    </message>
    <message>
        <source>The installed national schedule ends with {last}; enter this year&apos;s days or import them as a list.</source>
        <translation>已安装的国家节假日安排只到 {last} 年；请逐日录入本年的安排，或导入日期清单。</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <source>{day} saved.</source>
        <translation>{day} 已保存。</translation>
    </message>
    <message>
        <source>{n} days are ordinary days again.</source>
        <translation>{n} 天已恢复为普通日。</translation>
    </message>
    <message>
        <source>National schedule {first}–{last}: {hol} holidays and {work} make-up workdays; {local} local changes kept.</source>
        <translation>国家节假日安排 {first}–{last} 年：节假日 {hol} 天，调休上班 {work} 天；保留本中心的调整 {local} 处。</translation>
    </message>
    <message>
        <source>Import a dated list</source>
        <translation>导入日期清单</translation>
    </message>
    <message>
        <source>Dated list (*.csv *.txt);;All files (*)</source>
        <translation>日期清单 (*.csv *.txt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Line {row}: {why}</source>
        <translation>第 {row} 行：{why}</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message>
        <source>Imported: {hol} holidays and {work} make-up workdays.</source>
        <translation>已导入：节假日 {hol} 天，调休上班 {work} 天。</translation>
    </message>
</context>
<context>
    <name>CalendarPage</name>
    <message>
        <source>Work calendar</source>
        <translation>工作日历</translation>
    </message>
    <message>
        <source>Deadlines count working time: seed the public holidays and make-up workdays (法定节假日, 调休) from the State Council&apos;s schedule, then adjust local days.</source>
        <translation>办理期限按工作时间计算：先从国务院公布的安排导入法定节假日和调休上班日，再调整本地的特殊日期。</translation>
    </message>
    <message>
        <source>Seed the national schedule</source>
        <translation>导入国家节假日安排</translation>
    </message>
    <message>
        <source>Work calendar…</source>
        <translation>工作日历…</translation>
    </message>
    <message>
        <source>The calendar has no holidays for {years}.</source>
        <translation>工作日历中没有 {years} 年的节假日。</translation>
    </message>
    <message>
        <source>The calendar has the holidays deadlines need now.</source>
        <translation>工作日历已具备当前期限所需的节假日。</translation>
    </message>
    <message>
        <source>Seeded {first}–{last}.</source>
        <translation>已导入 {first}–{last} 年的安排。</translation>
    </message>
</context>
<context>
    <name>CampaignDock</name>
    <message>
        <source>Campaigns</source>
        <extracomment>Feed changes come in bursts (a simulator writes every second): re-read at most this often.</extracomment>
        <translation>专项行动</translation>
    </message>
    <message>
        <source>New…</source>
        <translation>新建…</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <source>Close campaign</source>
        <translation>结束专项行动</translation>
    </message>
    <message>
        <source>Supervise department…</source>
        <translation>督办部门…</translation>
    </message>
    <message>
        <source>Raise a supervision order (督办) on the department selected under Slowest</source>
        <translation>对“滞后单位”中选中的部门下达督办</translation>
    </message>
    <message>
        <source>Excel…</source>
        <translation>导出 Excel…</translation>
    </message>
    <message>
        <source>Export the campaign&apos;s figures to Excel</source>
        <translation>将专项行动的数据导出为 Excel</translation>
    </message>
    <message>
        <source>Campaign</source>
        <translation>专项行动</translation>
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
        <translation>期限</translation>
    </message>
    <message>
        <source>Supervision</source>
        <translation>督办</translation>
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
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <source>Issued</source>
        <translation>下发</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>应复</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Open focus cases</source>
        <translation>未结重点案件</translation>
    </message>
    <message>
        <source>Slowest</source>
        <translation>滞后单位</translation>
    </message>
    <message>
        <source>Supervision orders</source>
        <translation>督办单</translation>
    </message>
    <message>
        <source>After-action summary</source>
        <translation>行动总结</translation>
    </message>
    <message>
        <source>This campaign has no targets: it is followed through its cases, its slowest units and its supervision orders below.</source>
        <translation>本行动未设目标：请看下方的案件、落后单位和督办单。</translation>
    </message>
    <message>
        <source> Edit it to set targets.</source>
        <translation>编辑行动即可设定目标。</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>已结束</translation>
    </message>
    <message>
        <source>No campaign yet.</source>
        <translation>尚无专项行动。</translation>
    </message>
    <message>
        <source>%1 – %2 · %3 cases tagged, %4 open · patrol coverage today %5 of %6 cells%7</source>
        <translation>%1 – %2 · 纳入案件 %3 件，未结 %4 件 · 今日巡查覆盖 %6 个网格中的 %5 个%7</translation>
    </message>
    <message>
        <source> · closed, figures frozen</source>
        <translation> · 已结束，数据已定格</translation>
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
        <source>✔ met</source>
        <translation>✔ 达成</translation>
    </message>
    <message>
        <source>✘ not met</source>
        <translation>✘ 未达成</translation>
    </message>
    <message>
        <source>(the department)</source>
        <translation>（部门）</translation>
    </message>
    <message>
        <source>answered</source>
        <translation>已答复</translation>
    </message>
    <message>
        <source>open</source>
        <translation>待答复</translation>
    </message>
    <message>
        <source>Close the campaign? Its figures are kept as they stand now.</source>
        <translation>结束该专项行动？其数据将按当前状态定格保存。</translation>
    </message>
</context>
<context>
    <name>CampaignEditor</name>
    <message>
        <source>Campaign</source>
        <translation>专项行动</translation>
    </message>
    <message>
        <source>Draw on map…</source>
        <translation>在地图上绘制…</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>no target</source>
        <translation>不设目标</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Starts</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Ends</source>
        <translation>结束</translation>
    </message>
    <message>
        <source>Area (streets / communities)</source>
        <translation>范围（街道/社区）</translation>
    </message>
    <message>
        <source>Area drawn on the map</source>
        <translation>地图绘制范围</translation>
    </message>
    <message>
        <source>Focus categories (none: all)</source>
        <translation>重点类别（不选即全部）</translation>
    </message>
    <message>
        <source>On-time closure rate ≥ (0: no target)</source>
        <translation>按期结案率 ≥（0 为不设）</translation>
    </message>
    <message>
        <source>Open focus cases ≤</source>
        <translation>未结重点案件 ≤</translation>
    </message>
    <message>
        <source>…by</source>
        <translation>…截止日期</translation>
    </message>
    <message>
        <source>Cells patrolled daily ≥ (0: no target)</source>
        <translation>网格日巡查覆盖率 ≥（0 为不设）</translation>
    </message>
    <message>
        <source>Responsible departments</source>
        <translation>责任部门</translation>
    </message>
    <message>
        <source>{n} corners</source>
        <translation>{n} 个顶点</translation>
    </message>
    <message>
        <source>drawn</source>
        <translation>已绘制</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Drawing on the map: click the corners, double-click to close, Esc to give up…</source>
        <translation>正在地图上绘制：单击添加顶点，双击闭合，Esc 放弃…</translation>
    </message>
</context>
<context>
    <name>CategoriesDialog</name>
    <message>
        <source>Categories</source>
        <translation>部件/事件分类</translation>
    </message>
    <message>
        <source>work hours</source>
        <translation>工作时</translation>
    </message>
    <message>
        <source>work days</source>
        <translation>工作日</translation>
    </message>
    <message>
        <source>hours (round the clock)</source>
        <translation>自然时</translation>
    </message>
    <message>
        <source>hours</source>
        <translation>自然时</translation>
    </message>
    <message>
        <source>Components (部件)</source>
        <translation>部件</translation>
    </message>
    <message>
        <source>Events (事件)</source>
        <translation>事件</translation>
    </message>
    <message>
        <source>Find by code or name</source>
        <translation>按编码或名称查找</translation>
    </message>
    <message>
        <source>Show retired</source>
        <translation>显示已停用</translation>
    </message>
    <message>
        <source>Code · name</source>
        <translation>编码 · 名称</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>责任部门</translation>
    </message>
    <message>
        <source>Time limit</source>
        <translation>处置时限</translation>
    </message>
    <message>
        <source>Urgent</source>
        <translation>急件</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Cases</source>
        <translation>案卷数</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>e.g. 夜间经济</source>
        <translation>例如：夜间经济</translation>
    </message>
    <message>
        <source>Urgent (急件)</source>
        <translation>急件</translation>
    </message>
    <message>
        <source>New class (大类)</source>
        <translation>新大类名称</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Default department</source>
        <translation>默认责任部门</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Undo changes</source>
        <translation>撤销修改(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Retire</source>
        <translation>停用(&amp;R)</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>新增</translation>
    </message>
    <message>
        <source>A third level (细类) under this class…</source>
        <translation>在此小类下新增细类…</translation>
    </message>
    <message>
        <source>A local class (小类) in this 大类…</source>
        <translation>在此大类下新增本地小类…</translation>
    </message>
    <message>
        <source>A new local 大类 with its first class…</source>
        <translation>新增本地大类及其第一个小类…</translation>
    </message>
    <message>
        <source>Local codes are longer than the national five digits, so a later national list can never take one. Classes are retired, never deleted: cases that name one keep it.</source>
        <translation>本地分类的编码长于国家标准的五位编码，今后的国家目录不会与之冲突。分类只能停用、不能删除：已用该分类的案卷保持不变。</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>in use</source>
        <translation>在用</translation>
    </message>
    <message>
        <source>retired</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source>local</source>
        <translation>本地</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>Choose a class in the tree.</source>
        <translation>请在左侧树中选择一个分类。</translation>
    </message>
    <message>
        <source>A 大类: add a local class to it, or choose one of its classes.</source>
        <translation>这是一个大类：可在其下新增本地小类，或选择其中的小类。</translation>
    </message>
    <message>
        <source>细类 under {parent}</source>
        <translation>{parent} 下的细类</translation>
    </message>
    <message>
        <source>小类 of {major} {name}</source>
        <translation>{major} {name} 下的小类</translation>
    </message>
    <message>
        <source>retired: not offered for new cases</source>
        <translation>已停用：新案卷不再可选</translation>
    </message>
    <message>
        <source>&amp;Reinstate</source>
        <translation>恢复启用(&amp;R)</translation>
    </message>
    <message>
        <source>New 细类 under {code}</source>
        <translation>在 {code} 下新增细类</translation>
    </message>
    <message>
        <source>New local class in {major} {name}</source>
        <translation>在 {major} {name} 下新增本地小类</translation>
    </message>
    <message>
        <source>New local 大类 of {kind}</source>
        <translation>新增{kind}本地大类</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <source>{code} saved; every seat&apos;s pickers follow.</source>
        <translation>{code} 已保存，各席位的分类选项随之更新。</translation>
    </message>
</context>
<context>
    <name>CategoriesPage</name>
    <message>
        <source>Categories</source>
        <translation>案件分类</translation>
    </message>
    <message>
        <source>Categories start from the national standard with default departments and limits; add 细类 and local classes, or retire some, now or later under Administration.</source>
        <translation>分类以国家标准为起点（含默认部门和时限）；细类、本地分类和停用可现在或以后在“管理”菜单中处理。</translation>
    </message>
    <message>
        <source>Categories and time limits…</source>
        <translation>部件/事件分类与时限…</translation>
    </message>
    <message>
        <source>{n} categories of the national defaults are in place.</source>
        <translation>已载入国家标准分类 {n} 个。</translation>
    </message>
    <message>
        <source>No categories yet.</source>
        <translation>尚无分类。</translation>
    </message>
</context>
<context>
    <name>CentrePage</name>
    <message>
        <source>The centre</source>
        <translation>指挥中心</translation>
    </message>
    <message>
        <source>The name every seat shows in its title, the region the centre serves, and where the map opens (longitude, latitude in degrees, WGS 84).</source>
        <translation>各席位标题栏显示的名称、中心管辖的区域，以及地图打开时的中心点（经度、纬度，单位为度，WGS 84）。</translation>
    </message>
    <message>
        <source>e.g. 某某区城市管理指挥中心</source>
        <translation>例如：某某区城市管理指挥中心</translation>
    </message>
    <message>
        <source>e.g. 浙江省杭州市西湖区</source>
        <translation>例如：浙江省杭州市西湖区</translation>
    </message>
    <message>
        <source>Centre name</source>
        <translation>中心名称</translation>
    </message>
    <message>
        <source>Region</source>
        <translation>管辖区域</translation>
    </message>
    <message>
        <source>Map centre (lon, lat)</source>
        <translation>地图中心（经度, 纬度）</translation>
    </message>
    <message>
        <source>Write the map centre as longitude, latitude in degrees, e.g. 120.130, 30.259.</source>
        <translation>请按“经度, 纬度”（单位为度）填写地图中心，例如 120.130, 30.259。</translation>
    </message>
</context>
<context>
    <name>CentreStages</name>
    <message>
        <source>Sending for verification</source>
        <translation>受理→核实派出</translation>
    </message>
    <message>
        <source>Verification answer</source>
        <translation>核实应答</translation>
    </message>
    <message>
        <source>Registration</source>
        <translation>立案</translation>
    </message>
    <message>
        <source>Dispatch</source>
        <translation>派遣</translation>
    </message>
    <message>
        <source>Check answer</source>
        <translation>核查应答</translation>
    </message>
</context>
<context>
    <name>CommandLine</name>
    <message>
        <source>Written: {path} ({count} units)</source>
        <translation>已写出：{path}（{count} 个门前三包单位）</translation>
    </message>
    <message>
        <source>Units: {added} added, {changed} changed, {unchanged} unchanged (dry run: nothing written)</source>
        <translation>门前三包单位：新增 {added}，修改 {changed}，未变 {unchanged}（试运行：未写入）</translation>
    </message>
    <message>
        <source>Units: {added} added, {changed} changed, {unchanged} unchanged (written)</source>
        <translation>门前三包单位：新增 {added}，修改 {changed}，未变 {unchanged}（已写入）</translation>
    </message>
    <message>
        <source>Units: {unchanged} unchanged (nothing to write)</source>
        <translation>门前三包单位：未变 {unchanged}（无需写入）</translation>
    </message>
    <message>
        <source>{where} “{value}”: {why}</source>
        <translation>{where}“{value}”：{why}</translation>
    </message>
    <message>
        <source>{where}: {why}</source>
        <translation>{where}：{why}</translation>
    </message>
    <message>
        <source>Refused: {why}</source>
        <translation>已拒绝：{why}</translation>
    </message>
    <message>
        <source>Cannot write {path}: {why}</source>
        <translation>无法写入 {path}：{why}</translation>
    </message>
</context>
<context>
    <name>ConsoleStatusBar</name>
    <message>
        <source>Feed: connecting…</source>
        <translation>实时数据：连接中…</translation>
    </message>
    <message>
        <source>checking</source>
        <translation>检查中</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>unreachable</source>
        <translation>无法连接</translation>
    </message>
    <message>
        <source>Database this seat reads and writes</source>
        <translation>本席位读写的数据库</translation>
    </message>
    <message>
        <source>No daily backup yet</source>
        <translation>尚无每日备份</translation>
    </message>
    <message>
        <source>Last backup failed at {time}: {error}</source>
        <translation>上次备份失败（{time}）：{error}</translation>
    </message>
    <message>
        <source>Last backup: {time} · {file} ({size} MB)</source>
        <translation>上次备份：{time} · {file}（{size} MB）</translation>
    </message>
    <message>
        <source>{name} ({role})</source>
        <translation>{name}（{role}）</translation>
    </message>
    <message>
        <source>Demo · {user} · no password</source>
        <translation>演示 · {user} · 免密码</translation>
    </message>
    <message>
        <source>, </source>
        <translation>、</translation>
    </message>
    <message>
        <source>⚠ No {years} holidays in the work calendar</source>
        <translation>⚠ 工作日历缺少 {years} 年节假日安排</translation>
    </message>
    <message>
        <source>Until an administrator updates the work calendar (Administration → Work calendar: seed the national schedule or import the dates), deadlines in {years} treat public holidays as workdays and make-up workdays as days off.</source>
        <translation>在管理员更新工作日历（管理 → 工作日历：导入国家节假日安排或导入日期清单）之前，{years} 年的期限会把法定节假日算作工作日、把调休上班日算作休息日。</translation>
    </message>
    <message>
        <source>none yet</source>
        <translation>暂无</translation>
    </message>
    <message>
        <source>Live · seq {seq} · last change {time}</source>
        <translation>实时 · 序号 {seq} · 最后变更 {time}</translation>
    </message>
    <message>
        <source>Feed interrupted · retrying</source>
        <translation>实时数据中断 · 正在重试</translation>
    </message>
    <message>
        <source>{rate} changes/s</source>
        <translation>变更 {rate}/秒</translation>
    </message>
    <message>
        <source>Changes per second from all seats, the field and the simulator (last five seconds)</source>
        <translation>来自所有席位、外勤终端和模拟器的每秒变更数（最近五秒）</translation>
    </message>
    <message>
        <source>Listener: exited, restarting in {s} s</source>
        <translation>接收服务：已退出，{s} 秒后重启</translation>
    </message>
    <message>
        <source>Listener: starting…</source>
        <translation>接收服务：启动中…</translation>
    </message>
    <message>
        <source>Listener: stopped</source>
        <translation>接收服务：已停止</translation>
    </message>
    <message>
        <source>no fix yet</source>
        <translation>尚无定位</translation>
    </message>
    <message>
        <source>last fix {s} s ago</source>
        <translation>最近定位 {s} 秒前</translation>
    </message>
    <message>
        <source>Listener :{port} · {rate}/s · {last}</source>
        <translation>接收服务 :{port} · {rate}/秒 · {last}</translation>
    </message>
    <message>
        <source>Field listener (Traccar Client / OsmAnd) run by this seat: queue {depth}/{cap}, database {db}</source>
        <translation>本席位运行的外勤定位接收服务（Traccar Client / OsmAnd）：队列 {depth}/{cap}，数据库 {db}</translation>
    </message>
</context>
<context>
    <name>DemoBuild</name>
    <message>
        <source>Laying out the city and its unit grid</source>
        <translation>规划城市与单元网格</translation>
    </message>
    <message>
        <source>Unit grid cells</source>
        <translation>单元网格</translation>
    </message>
    <message>
        <source>Departments, users, patrol officers and devices</source>
        <translation>专业部门、用户、监督员与终端</translation>
    </message>
    <message>
        <source>Patrol officers and devices</source>
        <translation>监督员与终端</translation>
    </message>
    <message>
        <source>Case history</source>
        <translation>历史案卷</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
</context>
<context>
    <name>DevicesDialog</name>
    <message>
        <source>Field devices</source>
        <translation>外勤设备</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Officer</source>
        <translation>监督员</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Last fix</source>
        <translation>最近定位</translation>
    </message>
    <message>
        <source>Position</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Requests</source>
        <translation>请求数</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>最近出现</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <source>Registered devices</source>
        <translation>已登记设备</translation>
    </message>
    <message>
        <source>Unknown devices seen by the listener</source>
        <translation>接收服务见到的未登记设备</translation>
    </message>
    <message>
        <source>This seat runs no listener: unknown devices are listed by the centre&apos;s serve at /admin/unknown-devices.</source>
        <translation>本席位未运行接收服务：未登记设备由中心的 serve 在 /admin/unknown-devices 列出。</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source>suspect: {kmh} km/h at {time}</source>
        <translation>可疑：{time} 速度 {kmh} 公里/时</translation>
    </message>
    <message>
        <source>active</source>
        <translation>在用</translation>
    </message>
    <message>
        <source>Register for officer…</source>
        <translation>登记给监督员…</translation>
    </message>
    <message>
        <source>No unknown device has reported.</source>
        <translation>暂无未登记设备上报。</translation>
    </message>
    <message>
        <source>The listener does not answer: {error}</source>
        <translation>接收服务无响应：{error}</translation>
    </message>
    <message>
        <source>Register device</source>
        <translation>登记设备</translation>
    </message>
    <message>
        <source>Officer who carries {device}:</source>
        <translation>携带 {device} 的监督员：</translation>
    </message>
    <message>
        <source>Fi&amp;eld</source>
        <translation>外勤(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Devices…</source>
        <translation>设备(&amp;D)…</translation>
    </message>
</context>
<context>
    <name>DisputesDialog</name>
    <message>
        <source>Responsibility disputes (执法调处)</source>
        <translation>执法调处</translation>
    </message>
    <message>
        <source>Open disputes</source>
        <translation>待调处争议</translation>
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
        <source>Place</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Returns</source>
        <translation>回退次数</translation>
    </message>
    <message>
        <source>Returned by</source>
        <translation>回退单位</translation>
    </message>
    <message>
        <source>Why this department owns it (recorded, shown as a precedent)</source>
        <translation>裁定理由（记录在案，并作为先例提示）</translation>
    </message>
    <message>
        <source>&amp;Rule</source>
        <translation>裁定(&amp;R)</translation>
    </message>
    <message>
        <source>Owner</source>
        <translation>责任单位</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <source>Rulings</source>
        <translation>已裁定</translation>
    </message>
    <message>
        <source>Ruled by</source>
        <translation>裁定人</translation>
    </message>
    <message>
        <source>Ruled at</source>
        <translation>裁定时间</translation>
    </message>
    <message>
        <source>R&amp;efresh</source>
        <translation>刷新(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Export meeting agenda…</source>
        <translation>导出联席会议议题(&amp;E)…</translation>
    </message>
    <message>
        <source>The joint meeting&apos;s agenda (联席会议): open disputes and rulings, as an Excel workbook</source>
        <translation>联席会议议题：待调处争议与已裁定事项，导出为 Excel 工作簿</translation>
    </message>
    <message>
        <source>A case returned as not-ours more than {n} times is a dispute. The duty leader&apos;s ruling binds: the case is dispatched to the owner, which cannot return it again; the dispatcher sees the ruling for cases of the same category within the set distance.</source>
        <translation>案卷被回退（非本单位职责）超过 {n} 次即成为权属争议。带班领导的裁定具有约束力：案卷派往裁定的责任单位，该单位不得再次回退；派遣员派遣同类别、设定距离内的案卷时可看到该裁定。</translation>
    </message>
    <message>
        <source>Export meeting agenda</source>
        <translation>导出联席会议议题</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Exported</source>
        <translation>导出时间</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Community</source>
        <translation>社区</translation>
    </message>
    <message>
        <source>Joint meeting agenda: responsibility disputes</source>
        <translation>联席会议议题：执法权属争议</translation>
    </message>
    <message>
        <source>Agenda written to {path}</source>
        <translation>议题已导出到 {path}</translation>
    </message>
    <message>
        <source>Responsibility &amp;disputes…</source>
        <translation>执法调处(&amp;D)…</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>Case {number} was changed by someone else while you had it open. Reload it and try again.</source>
        <translation>案卷 {number} 已被他人修改，请刷新后重试。</translation>
    </message>
    <message>
        <source>“{action}” is not possible while the case is “{status}”.</source>
        <translation>案卷当前为“{status}”状态，不能执行“{action}”。</translation>
    </message>
    <message>
        <source>The role “{role}” may not perform “{action}”.</source>
        <translation>“{role}”角色无权执行“{action}”。</translation>
    </message>
    <message>
        <source>“{action}” needs a reason.</source>
        <translation>“{action}”须填写理由。</translation>
    </message>
    <message>
        <source>Write the note first.</source>
        <translation>请先填写备注内容。</translation>
    </message>
    <message>
        <source>Choose the department that is to handle the case.</source>
        <translation>请选择负责处置的专业部门。</translation>
    </message>
    <message>
        <source>“{action}” needs a deadline.</source>
        <translation>“{action}”须设定处置时限。</translation>
    </message>
    <message>
        <source>The deadline {deadline} has already passed; choose a later time.</source>
        <translation>截止时间 {deadline} 已过，请选择更晚的时间。</translation>
    </message>
    <message>
        <source>Choose the patrol officer who is to check the result.</source>
        <translation>请选择负责核查的监督员。</translation>
    </message>
    <message>
        <source>Reports from this source are verified on site before registration: send it to a patrol officer for verification first.</source>
        <translation>该来源的上报须先经现场核实才能立案：请先派监督员核实。</translation>
    </message>
    <message>
        <source>An extension has already been requested for this case and awaits a decision.</source>
        <translation>该案卷已申请延期，正在等待审批。</translation>
    </message>
    <message>
        <source>The new deadline must be later than the current one ({deadline}).</source>
        <translation>延期后的截止时间必须晚于当前截止时间（{deadline}）。</translation>
    </message>
    <message>
        <source>No extension has been requested for this case.</source>
        <translation>该案卷没有待审批的延期申请。</translation>
    </message>
    <message>
        <source>Unknown action “{action}”.</source>
        <translation>未知的操作“{action}”。</translation>
    </message>
    <message>
        <source>There is no active case category with code {code}.</source>
        <translation>不存在编码为 {code} 的有效案件类别。</translation>
    </message>
    <message>
        <source>Unknown case source “{source}”.</source>
        <translation>未知的案件来源“{source}”。</translation>
    </message>
    <message>
        <source>“{phone}” is not a valid phone number.</source>
        <translation>“{phone}”不是有效的电话号码。</translation>
    </message>
    <message>
        <source>Give the location: a point on the map or a grid cell code.</source>
        <translation>请提供位置：在地图上选点或填写单元网格编码。</translation>
    </message>
    <message>
        <source>The point ({lon}, {lat}) lies outside every grid cell of the city.</source>
        <translation>位置（{lon}, {lat}）不在本市任何单元网格内。</translation>
    </message>
    <message>
        <source>There is no grid cell with code {code}.</source>
        <translation>不存在编码为 {code} 的单元网格。</translation>
    </message>
    <message>
        <source>The idempotency key {key} was already used for a different submission; a new submission needs a new key.</source>
        <translation>幂等键 {key} 已用于另一项不同的提交，请为新的提交生成新的键。</translation>
    </message>
    <message>
        <source>The grid cell {code} was retired by a grid import; choose a cell of the current grid.</source>
        <translation>单元网格 {code} 已在网格导入时停用，请选择当前网格中的单元网格。</translation>
    </message>
    <message>
        <source>The coordinates ({lon}, {lat}) are not valid.</source>
        <translation>坐标（{lon}, {lat}）无效。</translation>
    </message>
    <message>
        <source>The {field} is too long: at most {limit} characters.</source>
        <translation>{field}过长，最多 {limit} 个字符。</translation>
    </message>
    <message>
        <source>There is no active user named “{username}”.</source>
        <translation>不存在用户名为“{username}”的有效用户。</translation>
    </message>
    <message>
        <source>This database has no active user yet; an administrator must create one.</source>
        <translation>该数据库还没有可用的用户，请由系统管理员创建。</translation>
    </message>
    <message>
        <source>The account “{username}” is no longer active; sign in again.</source>
        <translation>账户“{username}”已停用，请重新登录。</translation>
    </message>
    <message>
        <source>The user name or the password is wrong.</source>
        <translation>用户名或密码错误。</translation>
    </message>
    <message>
        <source>Too many failed sign-ins: the account is locked for {minutes} more minutes.</source>
        <translation>登录失败次数过多：账户已锁定，{minutes} 分钟后可再试。</translation>
    </message>
    <message>
        <source>The current password is wrong.</source>
        <translation>当前密码错误。</translation>
    </message>
    <message>
        <source>The password must have at least {minimum} characters.</source>
        <translation>密码至少需要 {minimum} 个字符。</translation>
    </message>
    <message>
        <source>The password must not contain the user name.</source>
        <translation>密码不得包含用户名。</translation>
    </message>
    <message>
        <source>The two passwords are not the same.</source>
        <translation>两次输入的密码不一致。</translation>
    </message>
    <message>
        <source>Signing in without a password is possible only in the demo city.</source>
        <translation>只有演示城市可以不用密码登录。</translation>
    </message>
    <message>
        <source>This database already has an administrator; sign in instead.</source>
        <translation>该数据库已有管理员，请直接登录。</translation>
    </message>
    <message>
        <source>The user name “{username}” is taken.</source>
        <translation>用户名“{username}”已被占用。</translation>
    </message>
    <message>
        <source>Give a user name without spaces.</source>
        <translation>请填写不含空格的用户名。</translation>
    </message>
    <message>
        <source>“{role}” is not a role an account can hold.</source>
        <translation>“{role}”不是账户可以担任的角色。</translation>
    </message>
    <message>
        <source>This is the last active administrator; make another one first.</source>
        <translation>这是最后一个有效的管理员，请先设立另一名管理员。</translation>
    </message>
    <message>
        <source>The {what} {key} does not exist (it may have been deleted).</source>
        <translation>{what} {key} 不存在（可能已被删除）。</translation>
    </message>
    <message>
        <source>Device “{device}” is not registered or is disabled.</source>
        <translation>终端设备“{device}”未登记或已停用。</translation>
    </message>
    <message>
        <source>Battery level {battery} is outside 0–100.</source>
        <translation>电量 {battery} 超出 0–100 的范围。</translation>
    </message>
    <message>
        <source>This report (reference {external_id}) has already been received.</source>
        <translation>该上报（编号 {external_id}）已经收到，不再重复受理。</translation>
    </message>
    <message>
        <source>Class {code} “{name}” was changed at another seat since you opened it: your changes were not saved. Look at it again and make them anew.</source>
        <translation>类别 {code}“{name}”在您打开后已被其他席位修改：您的修改未保存。请重新查看后再修改。</translation>
    </message>
    <message>
        <source>“{name}” was changed at another seat since you opened it: your changes were not saved. Look at the unit again and make them anew.</source>
        <translation>“{name}”在您打开后已被其他席位修改：您的修改未保存。请重新查看该单位后再修改。</translation>
    </message>
    <message>
        <source>This form was already saved as case {number} (the answer to that save was lost); the changes made since were not saved. Open case {number} to change it.</source>
        <translation>此表单已保存为案件 {number}（当时未收到保存结果）；之后的修改未保存。请打开案件 {number} 修改。</translation>
    </message>
    <message>
        <source>The {field} contains a character that cannot be stored ({character}): remove it and try again.</source>
        <translation>{field}中含有无法保存的字符（{character}），请删除后重试。</translation>
    </message>
    <message>
        <source>The {field} must be text.</source>
        <translation>{field}必须是文字。</translation>
    </message>
    <message>
        <source>Fill in the {field}.</source>
        <translation>请填写{field}。</translation>
    </message>
    <message>
        <source>{shift} is not a shift: weekdays 0–6 (Monday is 0), start and end as HH:MM.</source>
        <translation>{shift}不是有效的班次：星期为 0–6（周一为 0），开始和结束时间为 HH:MM。</translation>
    </message>
    <message>
        <source>“{limit} {unit}” is not a time limit: more than 0 and at most {most}, in work hours, work days or hours.</source>
        <translation>“{limit} {unit}”不是有效的时限：须大于 0 且不超过 {most}，单位为工作小时、工作日或小时。</translation>
    </message>
    <message>
        <source>There is already a department named “{name}”.</source>
        <translation>已有名为“{name}”的部门。</translation>
    </message>
    <message>
        <source>The {field} must be a list.</source>
        <translation>{field}必须是列表。</translation>
    </message>
    <message>
        <source>Too many {field}: at most {limit}.</source>
        <translation>{field}过多，最多 {limit} 个。</translation>
    </message>
    <message>
        <source>The department “{name}” no longer receives cases; choose another one.</source>
        <translation>部门“{name}”已停用，不再接收案卷，请选择其他部门。</translation>
    </message>
    <message>
        <source>There is no shared setting “{key}”.</source>
        <translation>没有名为“{key}”的共享设置。</translation>
    </message>
    <message>
        <source>“{value}” is outside the range of “{key}”: from {low} to {high}.</source>
        <translation>“{value}”超出“{key}”的允许范围（{low} 至 {high}）。</translation>
    </message>
    <message>
        <source>“{url}” is not a tile address: it must start with http://, https:// or file:// and hold the z, x and y placeholders in braces.</source>
        <translation>“{url}”不是有效的瓦片地址：须以 http://、https:// 或 file:// 开头，并含有用花括号括起的 z、x、y 占位符。</translation>
    </message>
    <message>
        <source>Give the category a name.</source>
        <translation>请填写分类名称。</translation>
    </message>
    <message>
        <source>“{name}” is already the name of category {code} beside it; choose another.</source>
        <translation>同级的分类 {code} 已叫“{name}”，请换一个名称。</translation>
    </message>
    <message>
        <source>No free code is left for a local category here (99 at most per class).</source>
        <translation>此处已没有可用的本地分类编码（每类最多 99 个）。</translation>
    </message>
    <message>
        <source>“{kind}” is not a kind of category: component (部件) or event (事件).</source>
        <translation>“{kind}”不是分类的种类：应为部件或事件。</translation>
    </message>
    <message>
        <source>Category {code} is already a third-level class (细类); add beside it instead.</source>
        <translation>分类 {code} 已是第三级细类，不能再往下分；请在它的同级新增。</translation>
    </message>
    <message>
        <source>Category {code} {name} is retired; reinstate it first.</source>
        <translation>分类 {code} {name} 已停用，请先恢复启用。</translation>
    </message>
    <message>
        <source>Category {code} cannot come back while its class {parent} is retired; reinstate {parent} first.</source>
        <translation>上级分类 {parent} 已停用，分类 {code} 不能单独恢复；请先恢复 {parent}。</translation>
    </message>
    <message>
        <source>That value does not fit the setting “{key}”.</source>
        <translation>该值不适用于设置“{key}”。</translation>
    </message>
    <message>
        <source>Case {number} was dispatched to another department; only that department may act on it.</source>
        <translation>案卷 {number} 已派遣给其他部门，只有该部门可以办理。</translation>
    </message>
    <message>
        <source>The campaign “{name}” is closed; its figures are kept as they were.</source>
        <translation>专项行动“{name}”已结束，其数据按结束时定格。</translation>
    </message>
    <message>
        <source>Give the campaign a name.</source>
        <translation>请填写专项行动名称。</translation>
    </message>
    <message>
        <source>A campaign must end after it begins.</source>
        <translation>专项行动的结束时间须晚于开始时间。</translation>
    </message>
    <message>
        <source>“{kind}” is not a kind of campaign.</source>
        <translation>“{kind}”不是专项行动类型。</translation>
    </message>
    <message>
        <source>Choose the campaign&apos;s area: streets, communities or a drawn polygon.</source>
        <translation>请选择专项行动范围：街道、社区或绘制的区域。</translation>
    </message>
    <message>
        <source>The campaign target “{target}” does not hold a usable value.</source>
        <translation>专项行动目标“{target}”的取值无效。</translation>
    </message>
    <message>
        <source>The drawn area is not a valid polygon.</source>
        <translation>绘制的区域不是有效的多边形。</translation>
    </message>
    <message>
        <source>A supervision order is about one case or one department.</source>
        <translation>督办单须针对一个案卷或一个部门。</translation>
    </message>
    <message>
        <source>Supervision levels are 1 (催办), 2 (督办) and 3 (挂牌督办).</source>
        <translation>督办级别为 1（催办）、2（督办）、3（挂牌督办）。</translation>
    </message>
    <message>
        <source>A supervision order at level {level} is already open on this; raise it a step or close it first.</source>
        <translation>已有一张 {level} 级督办单未办结；请升级该督办单或先将其办结。</translation>
    </message>
    <message>
        <source>This supervision order is already closed.</source>
        <translation>该督办单已办结。</translation>
    </message>
    <message>
        <source>This supervision order is addressed to another department.</source>
        <translation>该督办单是发给其他部门的。</translation>
    </message>
    <message>
        <source>The promised time {promised} has already passed; choose a later time.</source>
        <translation>承诺时间 {promised} 已过，请选择更晚的时间。</translation>
    </message>
    <message>
        <source>The folder {path} does not exist, so no database can be created there.</source>
        <translation>文件夹 {path} 不存在，无法在此创建数据库。</translation>
    </message>
    <message>
        <source>The folder {path} is not writable, so no database can be created there.</source>
        <translation>没有文件夹 {path} 的写入权限，无法在此创建数据库。</translation>
    </message>
    <message>
        <source>{path} is a folder, not a database file.</source>
        <translation>{path} 是一个文件夹，不是数据库文件。</translation>
    </message>
    <message>
        <source>The database file {path} cannot be read and written; check its permissions.</source>
        <translation>无法读写数据库文件 {path}，请检查文件权限。</translation>
    </message>
    <message>
        <source>{path} is not a SQLite database. The file was left untouched.</source>
        <translation>{path} 不是 SQLite 数据库，文件未作任何改动。</translation>
    </message>
    <message>
        <source>The database file {path} is damaged ({detail}). The file was left untouched; restore it from a backup.</source>
        <translation>数据库文件 {path} 已损坏（{detail}）。文件未作任何改动，请从备份恢复。</translation>
    </message>
    <message>
        <source>The database {path} cannot be opened because its folder {folder} is not writable (the database keeps working files beside it). The file was left untouched; make the folder writable or move the file to a writable folder.</source>
        <translation>数据库 {path} 所在的文件夹 {folder} 不可写（数据库需要在文件旁保存工作文件），因此无法打开。文件未作任何改动；请将该文件夹设为可写，或把文件移到可写的文件夹。</translation>
    </message>
    <message>
        <source>The schema version recorded in the database {path} cannot be read ({detail}). The database was left untouched; ask an administrator to check it.</source>
        <translation>无法读取数据库 {path} 中记录的数据结构版本（{detail}）。数据库未作任何改动，请联系管理员检查。</translation>
    </message>
    <message>
        <source>The database {path} is locked by another program. Close that program and try again.</source>
        <translation>数据库 {path} 正被其他程序锁定，请关闭该程序后重试。</translation>
    </message>
    <message>
        <source>The database {path} was written by a newer version of the console (schema {revision}). Update this console.</source>
        <translation>数据库 {path} 由更新版本的指挥台写入（数据结构版本 {revision}），请升级本程序。</translation>
    </message>
    <message>
        <source>The database {url} already holds another application&apos;s tables. It was left untouched.</source>
        <translation>数据库 {url} 中已有其他应用的数据表，未作任何改动。</translation>
    </message>
    <message>
        <source>“{url}” is not a valid database address.</source>
        <translation>“{url}”不是有效的数据库地址。</translation>
    </message>
    <message>
        <source>The database driver for {url} is not installed ({detail}).</source>
        <translation>未安装连接 {url} 所需的数据库驱动（{detail}）。</translation>
    </message>
    <message>
        <source>The database {url} cannot be reached: {detail}</source>
        <translation>无法连接数据库 {url}：{detail}</translation>
    </message>
    <message>
        <source>Someone else is changing the same records and did not finish within {seconds} seconds. Nothing was saved; try again in a moment.</source>
        <translation>其他人正在修改相同的记录，{seconds} 秒内未完成。本次未保存任何内容，请稍后重试。</translation>
    </message>
    <message>
        <source>The database did not answer within {seconds} seconds, so the request was stopped. Nothing was saved; try again, or narrow the request.</source>
        <translation>数据库在 {seconds} 秒内没有响应，请求已停止。本次未保存任何内容，请重试或缩小查询范围。</translation>
    </message>
    <message>
        <source>The action was refused (reason code: {code}).</source>
        <translation>操作未能完成（原因代码：{code}）。</translation>
    </message>
    <message>
        <source>The database cannot be used (reason code: {code}).</source>
        <translation>无法使用该数据库（原因代码：{code}）。</translation>
    </message>
    <message>
        <source>Something unexpected went wrong and nothing was saved. What you entered is kept; the details are in the log.</source>
        <translation>发生意外错误，未保存任何内容。您输入的内容已保留，详细信息见日志。</translation>
    </message>
    <message>
        <source>The connection to the database was lost, so this may not have been saved. What you entered is kept: try again when the connection is back.</source>
        <translation>与数据库的连接已中断，本次内容可能未保存。您填写的内容已保留，连接恢复后请重试。</translation>
    </message>
    <message>
        <source>The database is held by another program (or a long write of another seat), so nothing was saved. What you entered is kept: try again in a moment.</source>
        <translation>数据库正被其他程序占用（或其他席位正在进行较长的写入），未保存任何内容。您输入的内容已保留，请稍后重试。</translation>
    </message>
    <message>
        <source>{path} is not an Excel workbook (.xlsx); save it as one and try again.</source>
        <translation>{path} 不是 Excel 工作簿（.xlsx），请另存为该格式后重试。</translation>
    </message>
    <message>
        <source>{path} is too large to import (the limit is {limit}).</source>
        <translation>{path} 过大，无法导入（上限为 {limit}）。</translation>
    </message>
    <message>
        <source>{path} cannot be read ({detail}).</source>
        <translation>无法读取 {path}（{detail}）。</translation>
    </message>
    <message>
        <source>The workbook has no sheet “{sheet}”; export a template to see the sheets.</source>
        <translation>工作簿中没有工作表“{sheet}”；请导出模板查看所需的工作表。</translation>
    </message>
    <message>
        <source>The sheet “{sheet}” has no column “{column}” in its first row.</source>
        <translation>工作表“{sheet}”的第一行中没有“{column}”列。</translation>
    </message>
    <message>
        <source>The sheet “{sheet}” has more than {limit} rows.</source>
        <translation>工作表“{sheet}”超过 {limit} 行。</translation>
    </message>
    <message>
        <source>The workbook has {count} problems; nothing was imported.</source>
        <translation>工作簿有 {count} 处问题，未导入任何内容。</translation>
    </message>
    <message>
        <source>This cell holds a formula; type the value itself.</source>
        <translation>此单元格含有公式，请直接填写数值。</translation>
    </message>
    <message>
        <source>Write yes or no (是 or 否).</source>
        <translation>请填写 yes 或 no（是或否）。</translation>
    </message>
    <message>
        <source>Write the weekdays as text of digits 0–6 (Monday is 0), e.g. 01234.</source>
        <translation>请以文本形式填写 0–6 的星期数字（星期一为 0），例如 01234。</translation>
    </message>
    <message>
        <source>Write the time as HH:MM, e.g. 08:30.</source>
        <translation>请按 HH:MM 格式填写时间，例如 08:30。</translation>
    </message>
    <message>
        <source>Write the date as YYYY-MM-DD.</source>
        <translation>请按 YYYY-MM-DD 格式填写日期。</translation>
    </message>
    <message>
        <source>Write holiday or workday (假 or 班).</source>
        <translation>请填写 holiday 或 workday（假或班）。</translation>
    </message>
    <message>
        <source>“{key}” is already in row {first_row}; each may appear once.</source>
        <translation>“{key}”已出现在第 {first_row} 行，每项只能出现一次。</translation>
    </message>
    <message>
        <source>There is no department named “{name}”, in the workbook or the console.</source>
        <translation>工作簿和系统中都没有名为“{name}”的部门。</translation>
    </message>
    <message>
        <source>There is no work grid with code {key}.</source>
        <translation>没有编号为 {key} 的责任网格。</translation>
    </message>
    <message>
        <source>There is no account “{username}”, in the workbook or the console.</source>
        <translation>工作簿和系统中都没有账号“{username}”。</translation>
    </message>
    <message>
        <source>There is no patrol officer with code {key}, in the workbook or the console.</source>
        <translation>工作簿和系统中都没有编号为 {key} 的巡查员。</translation>
    </message>
    <message>
        <source>Only a department&apos;s liaison belongs to a department; leave this empty.</source>
        <translation>只有专业部门联络员属于部门，此处请留空。</translation>
    </message>
    <message>
        <source>This shift overlaps the shift in row {other_row} of the same officer.</source>
        <translation>该班次与同一巡查员第 {other_row} 行的班次时间重叠。</translation>
    </message>
    <message>
        <source>Name the administrator who acts (--as); there is not exactly one.</source>
        <translation>系统管理员不止一位（或没有），请用 --as 指明由谁操作。</translation>
    </message>
    <message>
        <source>The list has {count} problems; the calendar was not changed.</source>
        <translation>列表有 {count} 处问题，工作日历未作更改。</translation>
    </message>
    <message>
        <source>This line cannot be read as CSV: a field is far too long or a quote is not closed.</source>
        <translation>这一行无法按 CSV 读取：某个字段过长，或引号没有闭合。</translation>
    </message>
    <message>
        <source>{path} is not a text (CSV) file.</source>
        <translation>{path} 不是文本（CSV）文件。</translation>
    </message>
    <message>
        <source>The installed holiday schedule has no {years} (it ends with {last}); update the chinesecalendar package, or import the dates as a list.</source>
        <translation>已安装的节假日安排中没有 {years} 年（最晚到 {last} 年）；请更新 chinesecalendar 软件包，或以日期列表导入。</translation>
    </message>
    <message>
        <source>The work calendar has no holidays for {years}: deadlines count them as workdays until an administrator updates the calendar.</source>
        <translation>工作日历中没有 {years} 年的节假日安排：在管理员更新日历之前，办理时限会把节假日算作工作日。</translation>
    </message>
    <message>
        <source>An application name has 1 to {limit} characters and no spaces.</source>
        <translation>应用名称须为 1 至 {limit} 个字符，且不含空格。</translation>
    </message>
    <message>
        <source>The application “{name}” already has an active key: revoke it first.</source>
        <translation>应用“{name}”已有有效密钥：请先吊销。</translation>
    </message>
    <message>
        <source>There is no Open311 application named “{name}”.</source>
        <translation>没有名为“{name}”的 Open311 应用。</translation>
    </message>
    <message>
        <source>Point {point} of the stretch is not a longitude and latitude in degrees.</source>
        <translation>责任路段第 {point} 个点不是以度为单位的经纬度。</translation>
    </message>
    <message>
        <source>A stretch needs at least two different points.</source>
        <translation>责任路段至少需要两个不同的点。</translation>
    </message>
    <message>
        <source>The area&apos;s outline crosses itself or encloses nothing.</source>
        <translation>责任区域的边界自相交或面积为零。</translation>
    </message>
    <message>
        <source>“{kind}” is not a kind of unit: shop or organisation.</source>
        <translation>“{kind}”不是单位类型：应为 shop（商户）或 organisation（单位）。</translation>
    </message>
    <message>
        <source>The unit&apos;s {field} is missing.</source>
        <translation>缺少该单位的 {field}。</translation>
    </message>
    <message>
        <source>Another unit already has the number {code}.</source>
        <translation>编号 {code} 已被其他单位使用。</translation>
    </message>
    <message>
        <source>{name} is no longer an active unit.</source>
        <translation>{name} 已停用。</translation>
    </message>
    <message>
        <source>“{kind}” is not a warning or a notice.</source>
        <translation>“{kind}”不是劝导或告知。</translation>
    </message>
    <message>
        <source>“{text}” is not a time window like 19:00-06:00.</source>
        <translation>“{text}”不是形如 19:00-06:00 的时段。</translation>
    </message>
</context>
<context>
    <name>FieldSessionsDialog</name>
    <message>
        <source>Field terminal sessions</source>
        <translation>外勤终端会话</translation>
    </message>
    <message>
        <source>Officer</source>
        <translation>监督员</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Signed in</source>
        <translation>登录时间</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>最近活动</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>有效至</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Show &amp;ended sessions</source>
        <translation>显示已结束的会话(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <source>ended {time} by {who}</source>
        <translation>已注销 {time}（{who}）</translation>
    </message>
    <message>
        <source>expired</source>
        <translation>已过期</translation>
    </message>
    <message>
        <source>signed in</source>
        <translation>在线</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>注销</translation>
    </message>
    <message>
        <source>Officers&apos; phones signed in to the field app. Signing one out ends its session at once: the phone asks for the password again.</source>
        <translation>已登录城管通的监督员手机。注销后该会话立即失效，手机需重新输入密码登录。</translation>
    </message>
    <message>
        <source>No phone is signed in to the field app.</source>
        <translation>没有手机登录城管通。</translation>
    </message>
    <message>
        <source>Sign out a phone</source>
        <translation>注销外勤终端</translation>
    </message>
    <message>
        <source>Sign out {officer} on {device}?</source>
        <translation>注销 {officer} 在 {device} 上的登录？</translation>
    </message>
    <message>
        <source>Field terminal &amp;sessions…</source>
        <translation>外勤终端会话(&amp;S)…</translation>
    </message>
</context>
<context>
    <name>Fields</name>
    <message>
        <source>description</source>
        <translation>问题描述</translation>
    </message>
    <message>
        <source>address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>caller&apos;s name</source>
        <translation>来电人姓名</translation>
    </message>
    <message>
        <source>phone number</source>
        <translation>电话号码</translation>
    </message>
    <message>
        <source>report reference</source>
        <translation>上报编号</translation>
    </message>
    <message>
        <source>photo reference</source>
        <translation>照片引用</translation>
    </message>
    <message>
        <source>photos</source>
        <translation>照片</translation>
    </message>
    <message>
        <source>note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <source>search text</source>
        <translation>搜索文字</translation>
    </message>
    <message>
        <source>category code</source>
        <translation>类别代码</translation>
    </message>
    <message>
        <source>grid cell code</source>
        <translation>网格编码</translation>
    </message>
    <message>
        <source>setting</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>user name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>password</source>
        <translation>密码</translation>
    </message>
    <message>
        <source>acknowledgement note</source>
        <translation>确认备注</translation>
    </message>
    <message>
        <source>device id</source>
        <translation>设备编号</translation>
    </message>
    <message>
        <source>patrol officer code</source>
        <translation>监督员编号</translation>
    </message>
    <message>
        <source>department name</source>
        <translation>部门名称</translation>
    </message>
    <message>
        <source>request number</source>
        <translation>诉求编号</translation>
    </message>
    <message>
        <source>shifts</source>
        <translation>班次</translation>
    </message>
    <message>
        <source>assisting departments</source>
        <translation>协办部门</translation>
    </message>
    <message>
        <source>campaign name</source>
        <translation>专项行动名称</translation>
    </message>
    <message>
        <source>category name</source>
        <translation>分类名称</translation>
    </message>
</context>
<context>
    <name>FirstAdministratorDialog</name>
    <message>
        <source>Administrator account · City Command Console</source>
        <translation>管理员账户 · 城市管理统一指挥台</translation>
    </message>
    <message>
        <source>This database has no administrator yet. Create the administrator&apos;s account: it signs in first and creates the other users.</source>
        <translation>该数据库还没有管理员。请先创建管理员账户：由管理员首先登录，再创建其他用户。</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>系统管理员</translation>
    </message>
    <message>
        <source>&amp;User name:</source>
        <translation>用户名(&amp;U)：</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>姓名(&amp;N)：</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>密码(&amp;P)：</translation>
    </message>
    <message>
        <source>&amp;Repeat password:</source>
        <translation>确认密码(&amp;R)：</translation>
    </message>
    <message>
        <source>Creating the account…</source>
        <translation>正在创建账户…</translation>
    </message>
</context>
<context>
    <name>FrontageDialog</name>
    <message>
        <source>Shop</source>
        <translation>商户</translation>
    </message>
    <message>
        <source>Organisation</source>
        <translation>单位</translation>
    </message>
    <message>
        <source>Street-front units (门前三包)</source>
        <translation>门前三包责任单位</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Responsible</source>
        <translation>责任人</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Letter signed</source>
        <translation>责任书签订</translation>
    </message>
    <message>
        <source>Offences</source>
        <translation>违规</translation>
    </message>
    <message>
        <source>Warnings</source>
        <translation>劝导告知</translation>
    </message>
    <message>
        <source>lon lat; lon lat; … — a ring repeating its first point is an area</source>
        <translation>经度 纬度; 经度 纬度; …（首尾相同的闭合环为区域）</translation>
    </message>
    <message>
        <source>Letter signed on</source>
        <translation>责任书签订日期</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>启用</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Responsible person</source>
        <translation>责任人</translation>
    </message>
    <message>
        <source>Stretch</source>
        <translation>责任路段</translation>
    </message>
    <message>
        <source>Or draw it on the map with the ruler: click the points, double-click to end; the line comes here.</source>
        <translation>也可用地图上的测距工具绘制：依次点击各点，双击结束，线路即填入此处。</translation>
    </message>
    <message>
        <source>When</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>What</source>
        <translation>事项</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>案卷</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>说明</translation>
    </message>
    <message>
        <source>&amp;New</source>
        <translation>新建(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>&amp;Warning…</source>
        <translation>劝导(&amp;W)…</translation>
    </message>
    <message>
        <source>N&amp;otice…</source>
        <translation>告知(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>导出(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Import…</source>
        <translation>导入(&amp;I)…</translation>
    </message>
    <message>
        <source>Warnings, notices and offences</source>
        <translation>劝导、告知与违规记录</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>劝导</translation>
    </message>
    <message>
        <source>Notice</source>
        <translation>告知</translation>
    </message>
    <message>
        <source>Offence</source>
        <translation>违规</translation>
    </message>
    <message>
        <source>Stretch taken from the map: {n} points.</source>
        <translation>已从地图取得责任路段：{n} 个点。</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>已保存。</translation>
    </message>
    <message>
        <source>What was said or given:</source>
        <translation>劝导或告知的内容：</translation>
    </message>
    <message>
        <source>Export units</source>
        <translation>导出责任单位</translation>
    </message>
    <message>
        <source>{n} units written.</source>
        <translation>已写出 {n} 个单位。</translation>
    </message>
    <message>
        <source>Import units</source>
        <translation>导入责任单位</translation>
    </message>
    <message>
        <source>{a} added, {c} changed, {u} unchanged.</source>
        <translation>新增 {a}，修改 {c}，未变 {u}。</translation>
    </message>
</context>
<context>
    <name>FrontagePanel</name>
    <message>
        <source>Street-front unit (门前三包)</source>
        <translation>门前三包责任单位</translation>
    </message>
    <message>
        <source>Confirmed: {code} {name}</source>
        <translation>已确认：{code} {name}</translation>
    </message>
    <message>
        <source>Confirm</source>
        <translation>确认</translation>
    </message>
    <message>
        <source>None of them</source>
        <translation>都不是</translation>
    </message>
    <message>
        <source>{code} {name} · {metres} m</source>
        <translation>{code} {name} · {metres} 米</translation>
    </message>
</context>
<context>
    <name>GridImportDialog</name>
    <message>
        <source>Import grid</source>
        <translation>导入网格</translation>
    </message>
    <message>
        <source>A Shapefile (.shp with .shx/.dbf/.prj/.cpg), GeoJSON, a zip, or a folder of one</source>
        <translation>Shapefile（.shp 及 .shx/.dbf/.prj/.cpg）、GeoJSON、zip 压缩包，或包含其一的文件夹</translation>
    </message>
    <message>
        <source>&amp;File…</source>
        <translation>文件(&amp;F)…</translation>
    </message>
    <message>
        <source>F&amp;older…</source>
        <translation>文件夹(&amp;O)…</translation>
    </message>
    <message>
        <source>Detect</source>
        <translation>自动识别</translation>
    </message>
    <message>
        <source>As the file states (else WGS 84)</source>
        <translation>按文件声明（无声明则为 WGS 84）</translation>
    </message>
    <message>
        <source>CGCS2000 geographic (EPSG:4490)</source>
        <translation>CGCS2000 地理坐标（EPSG:4490）</translation>
    </message>
    <message>
        <source>CGCS2000 Gauss–Krüger 3° (zone from the coordinates)</source>
        <translation>CGCS2000 高斯-克吕格 3° 带（按坐标判断带号）</translation>
    </message>
    <message>
        <source>Web Mercator (EPSG:3857)</source>
        <translation>Web 墨卡托（EPSG:3857）</translation>
    </message>
    <message>
        <source>GCJ-02 (Amap, Tencent)</source>
        <translation>GCJ-02（高德、腾讯）</translation>
    </message>
    <message>
        <source>BD-09 (Baidu)</source>
        <translation>BD-09（百度）</translation>
    </message>
    <message>
        <source>Or type an EPSG code, e.g. EPSG:4549</source>
        <translation>也可输入 EPSG 代码，例如 EPSG:4549</translation>
    </message>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <source>&amp;Repair crossing or unclosed outlines (with a warning)</source>
        <translation>修复自相交或未闭合的边界（给出警告）(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Skip invalid features and import the rest</source>
        <translation>跳过无效要素，导入其余要素(&amp;S)</translation>
    </message>
    <message>
        <source>Grid file:</source>
        <translation>网格文件：</translation>
    </message>
    <message>
        <source>Encoding:</source>
        <translation>编码：</translation>
    </message>
    <message>
        <source>Coordinates:</source>
        <translation>坐标系：</translation>
    </message>
    <message>
        <source>Code field:</source>
        <translation>编码字段：</translation>
    </message>
    <message>
        <source>Work grid:</source>
        <translation>责任网格：</translation>
    </message>
    <message>
        <source>Its name:</source>
        <translation>网格名称：</translation>
    </message>
    <message>
        <source>Officer(s):</source>
        <translation>监督员：</translation>
    </message>
    <message>
        <source>&amp;Work grids from a second file…</source>
        <translation>从另一文件导入责任网格(&amp;W)…</translation>
    </message>
    <message>
        <source>&amp;Check (dry run)</source>
        <translation>检查（试运行）(&amp;C)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Feature</source>
        <translation>要素</translation>
    </message>
    <message>
        <source>Cell code</source>
        <translation>单元网格编码</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Save &amp;report…</source>
        <translation>保存报告(&amp;R)…</translation>
    </message>
    <message>
        <source>&amp;Import</source>
        <translation>导入(&amp;I)</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Grid file</source>
        <translation>网格文件</translation>
    </message>
    <message>
        <source>Grid files (*.shp *.geojson *.json *.zip);;All files (*)</source>
        <translation>网格文件 (*.shp *.geojson *.json *.zip);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Folder of the grid file</source>
        <translation>网格文件所在文件夹</translation>
    </message>
    <message>
        <source>The options changed: check the file again.</source>
        <translation>选项已更改，请重新检查文件。</translation>
    </message>
    <message>
        <source>Choose the grid file first.</source>
        <translation>请先选择网格文件。</translation>
    </message>
    <message>
        <source>Reading the file…</source>
        <translation>正在读取文件…</translation>
    </message>
    <message>
        <source>Checking the cells…</source>
        <translation>正在检查单元网格…</translation>
    </message>
    <message>
        <source>Comparing with the stored grid…</source>
        <translation>正在与现有网格比对…</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>{features} features · &lt;b&gt;{added}&lt;/b&gt; added · &lt;b&gt;{changed}&lt;/b&gt; changed · {unchanged} unchanged · &lt;b&gt;{retired}&lt;/b&gt; retired ({cases} cases keep their cell) · {reactivated} back · &lt;b style=&apos;color:#e0413a&apos;&gt;{invalid}&lt;/b&gt; invalid · &lt;span style=&apos;color:#c07a00&apos;&gt;{warnings}&lt;/span&gt; with warnings</source>
        <translation>共 {features} 个要素 · 新增 &lt;b&gt;{added}&lt;/b&gt; · 变更 &lt;b&gt;{changed}&lt;/b&gt; · 不变 {unchanged} · 停用 &lt;b&gt;{retired}&lt;/b&gt;（{cases} 件案卷保留原网格）· 恢复 {reactivated} · 无效 &lt;b style=&apos;color:#e0413a&apos;&gt;{invalid}&lt;/b&gt; · 有警告 &lt;span style=&apos;color:#c07a00&apos;&gt;{warnings}&lt;/span&gt;</translation>
    </message>
    <message>
        <source>{name}: {format}, encoding {encoding}, {crs}</source>
        <translation>{name}：{format}，编码 {encoding}，{crs}</translation>
    </message>
    <message>
        <source>Work grids from “{field}”: &lt;b&gt;{created}&lt;/b&gt; created · &lt;b&gt;{changed}&lt;/b&gt; changed · &lt;b&gt;{emptied}&lt;/b&gt; emptied · {unchanged} unchanged · {cells} cells move · {officers} officers move</source>
        <translation>责任网格（取自“{field}”）：新建 &lt;b&gt;{created}&lt;/b&gt; · 变更 &lt;b&gt;{changed}&lt;/b&gt; · 清空 &lt;b&gt;{emptied}&lt;/b&gt; · 不变 {unchanged} · {cells} 个单元网格调整归属 · {officers} 名监督员调整网格</translation>
    </message>
    <message>
        <source>Save the report</source>
        <translation>保存报告</translation>
    </message>
    <message>
        <source>JSON (*.json)</source>
        <translation>JSON 文件 (*.json)</translation>
    </message>
    <message>
        <source>The report could not be saved: {error}</source>
        <translation>报告未能保存：{error}</translation>
    </message>
    <message>
        <source>Report saved to {path}</source>
        <translation>报告已保存到 {path}</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message>
        <source>Imported: {added} added, {changed} changed, {retired} retired, {back} back.</source>
        <translation>导入完成：新增 {added}，变更 {changed}，停用 {retired}，恢复 {back}。</translation>
    </message>
</context>
<context>
    <name>GridPage</name>
    <message>
        <source>The unit grid</source>
        <translation>单元网格</translation>
    </message>
    <message>
        <source>Import the grid from the GIS department&apos;s files (Shapefile or GeoJSON): a dry run shows every problem before anything is written.</source>
        <translation>从测绘/GIS 部门提供的文件（Shapefile 或 GeoJSON）导入网格：写入前先试导入，列出所有问题。</translation>
    </message>
    <message>
        <source>Import the grid…</source>
        <translation>导入网格…</translation>
    </message>
    <message>
        <source>This console has no grid import yet; use `city-console import grid` and come back.</source>
        <translation>本系统尚未安装网格导入界面；请先用 `city-console import grid` 命令导入，再回到此处。</translation>
    </message>
    <message>
        <source>The database holds {n} unit cells.</source>
        <translation>数据库中现有单元网格 {n} 个。</translation>
    </message>
</context>
<context>
    <name>GridPreview</name>
    <message>
        <source>No cells to show</source>
        <translation>没有可显示的单元网格</translation>
    </message>
</context>
<context>
    <name>GridProblems</name>
    <message>
        <source>The file holds no polygon with usable coordinates.</source>
        <translation>文件中没有坐标可用的多边形。</translation>
    </message>
    <message>
        <source>The coordinates fit {crs}, not the stated {stated}: read as {crs}.</source>
        <translation>坐标符合 {crs}，而非文件声明的 {stated}：已按 {crs} 读取。</translation>
    </message>
    <message>
        <source>The coordinates look like degrees, but {crs} is in metres: choose a geographic coordinate system (WGS 84 or CGCS2000).</source>
        <translation>坐标看起来是经纬度（度），但 {crs} 以米为单位：请选择地理坐标系（WGS 84 或 CGCS2000）。</translation>
    </message>
    <message>
        <source>The coordinates (around {x}, {y}) look like metres, but {crs} is in degrees: choose a projected coordinate system ({hint}).</source>
        <translation>坐标（约 {x}, {y}）看起来以米为单位，但 {crs} 以度为单位：请选择投影坐标系（{hint}）。</translation>
    </message>
    <message>
        <source>Latitude and longitude seem swapped (the middle of the grid is at x {x}, y {y}): fix the file&apos;s axis order.</source>
        <translation>经纬度似乎颠倒了（网格中心位于 x {x}, y {y}）：请修正文件的坐标轴顺序。</translation>
    </message>
    <message>
        <source>Some coordinates cannot be converted from {crs}: check the coordinate system.</source>
        <translation>部分坐标无法从 {crs} 转换：请检查坐标系。</translation>
    </message>
    <message>
        <source>The grid lies {km} km from the centre&apos;s region (grid at {grid}, centre at {centre}, read as {crs}): check the coordinate system.</source>
        <translation>网格距本中心辖区 {km} 公里（网格位于 {grid}，中心位于 {centre}，按 {crs} 读取）：请检查坐标系。</translation>
    </message>
    <message>
        <source>The feature has no cell code.</source>
        <translation>该要素没有单元网格编码。</translation>
    </message>
    <message>
        <source>The cell code “{code}” is not {lengths} digits.</source>
        <translation>单元网格编码“{code}”不是 {lengths} 位数字。</translation>
    </message>
    <message>
        <source>The attribute {field} contradicts the cell code&apos;s own prefix; the code&apos;s prefix is used.</source>
        <translation>属性 {field} 与单元网格编码的前缀不符，已采用编码前缀。</translation>
    </message>
    <message>
        <source>The feature has no geometry.</source>
        <translation>该要素没有几何图形。</translation>
    </message>
    <message>
        <source>The geometry is a {type}, not a polygon.</source>
        <translation>几何类型为 {type}，不是多边形。</translation>
    </message>
    <message>
        <source>The cell has {parts} separate parts; a cell must be one polygon.</source>
        <translation>该单元网格由 {parts} 个分离部分组成，单元网格必须是一个多边形。</translation>
    </message>
    <message>
        <source>The cell&apos;s {holes} hole(s) were left out.</source>
        <translation>已忽略该单元网格的 {holes} 个内洞。</translation>
    </message>
    <message>
        <source>The geometry has coordinates that are not numbers.</source>
        <translation>几何图形中有非数字的坐标。</translation>
    </message>
    <message>
        <source>The outline is not closed (its last point is not its first).</source>
        <translation>边界未闭合（终点与起点不同）。</translation>
    </message>
    <message>
        <source>The outline was not closed and has been closed.</source>
        <translation>边界未闭合，已自动闭合。</translation>
    </message>
    <message>
        <source>The outline encloses no area ({points} points).</source>
        <translation>边界未围出面积（{points} 个点）。</translation>
    </message>
    <message>
        <source>The outline crosses itself (at {reason}).</source>
        <translation>边界自相交（位于 {reason}）。</translation>
    </message>
    <message>
        <source>The outline is not a valid polygon ({reason}).</source>
        <translation>边界不是有效的多边形（{reason}）。</translation>
    </message>
    <message>
        <source>The outline was repaired; the largest piece, {kept_share} of the area, was kept.</source>
        <translation>边界已修复，保留了面积最大的部分（占 {kept_share}）。</translation>
    </message>
    <message>
        <source>The cell code {code} appears {count} times (first at feature {first}).</source>
        <translation>单元网格编码 {code} 出现了 {count} 次（首次出现于第 {first} 个要素）。</translation>
    </message>
    <message>
        <source>The cell overlaps cell {other} ({share} of the smaller one).</source>
        <translation>该单元网格与 {other} 重叠（占较小者的 {share}）。</translation>
    </message>
    <message>
        <source>The cell lies more than {tolerance_m} m from every other cell of its community {community}.</source>
        <translation>该单元网格距所属社区 {community} 的其他单元网格均超过 {tolerance_m} 米。</translation>
    </message>
    <message>
        <source>The attribute {field} cannot be stored ({why}).</source>
        <translation>属性 {field} 无法保存（{why}）。</translation>
    </message>
    <message>
        <source>The patrol officer {officer} is not in the database; the work grid is imported without that officer.</source>
        <translation>数据库中没有监督员 {officer}，该责任网格导入时不指定监督员。</translation>
    </message>
    <message>
        <source>The patrol officer {officer} is also named under work grid {other}, which keeps the officer.</source>
        <translation>监督员 {officer} 也列在责任网格 {other} 下，由该网格保留此监督员。</translation>
    </message>
    <message>
        <source>The file holds no work grid polygon with a code and usable coordinates.</source>
        <translation>文件中没有带编码且坐标可用的责任网格多边形。</translation>
    </message>
    <message>
        <source>The console has no unit grid yet: import the grid first, then its work grids.</source>
        <translation>系统中还没有单元网格，请先导入单元网格，再导入责任网格。</translation>
    </message>
    <message>
        <source>The feature has no work grid code.</source>
        <translation>该要素没有责任网格编码。</translation>
    </message>
    <message>
        <source>The cell lies in no work grid: it will belong to none.</source>
        <translation>该单元网格不在任何责任网格内，导入后将不属于任何责任网格。</translation>
    </message>
    <message>
        <source>The cell&apos;s middle lies in the work grids {grids}; it goes to {kept}, which covers more of it.</source>
        <translation>该单元网格的中心点同时落在责任网格 {grids} 内，归入覆盖其面积较多的 {kept}。</translation>
    </message>
    <message>
        <source>The work grid holds no cell (no cell&apos;s middle lies in it).</source>
        <translation>该责任网格不含任何单元网格（没有单元网格的中心点落在其中）。</translation>
    </message>
    <message>
        <source>The file has no attribute “{field}” (it has: {fields}).</source>
        <translation>文件中没有属性“{field}”（现有属性：{fields}）。</translation>
    </message>
    <message>
        <source>No attribute holds the cell codes: choose it (the file has: {fields}).</source>
        <translation>没有找到存放单元网格编码的属性，请指定（现有属性：{fields}）。</translation>
    </message>
    <message>
        <source>No attribute holds the work grid codes: choose it (the file has: {fields}).</source>
        <translation>没有属性字段存放责任网格编码，请选择（文件中的字段：{fields}）。</translation>
    </message>
    <message>
        <source>The grid has problems, so nothing was imported.</source>
        <translation>网格存在问题，未导入任何内容。</translation>
    </message>
    <message>
        <source>The file cannot be imported as it is, so nothing was imported.</source>
        <translation>该文件无法按现状导入，未导入任何内容。</translation>
    </message>
    <message>
        <source>The grid was changed by another seat after this check, so nothing was imported: run the check again.</source>
        <translation>检查之后网格已被其他席位修改，未导入任何内容：请重新检查。</translation>
    </message>
    <message>
        <source>There is no file {path}.</source>
        <translation>文件 {path} 不存在。</translation>
    </message>
    <message>
        <source>{name} cannot be read ({detail}): check that it exists and may be read.</source>
        <translation>无法读取 {name}（{detail}），请确认文件存在且有读取权限。</translation>
    </message>
    <message>
        <source>{name} is larger than {limit_gb} GB, too large for a grid file.</source>
        <translation>{name} 超过 {limit_gb} GB，作为网格文件过大。</translation>
    </message>
    <message>
        <source>“{encoding}” is not an encoding this program knows (e.g. UTF-8, GBK, GB18030).</source>
        <translation>“{encoding}”不是可识别的编码（例如 UTF-8、GBK、GB18030）。</translation>
    </message>
    <message>
        <source>{name} is not a grid file: choose a .shp, .geojson, .json or a .zip of one.</source>
        <translation>{name} 不是网格文件，请选择 .shp、.geojson、.json 文件或其 .zip 压缩包。</translation>
    </message>
    <message>
        <source>The folder {folder} must hold exactly one .shp, .geojson or .zip (it holds: {found}).</source>
        <translation>文件夹 {folder} 中必须恰好有一个 .shp、.geojson 或 .zip 文件（现有：{found}）。</translation>
    </message>
    <message>
        <source>{name} is not a zip file that can be read.</source>
        <translation>{name} 不是可读取的 zip 压缩包。</translation>
    </message>
    <message>
        <source>{name} unpacks to more than {limit_mb} MB; unpack it and choose the grid file itself.</source>
        <translation>{name} 解压后超过 {limit_mb} MB，请先解压，再直接选择其中的网格文件。</translation>
    </message>
    <message>
        <source>{member} in {name} cannot be unpacked (damaged, encrypted or packed with an unsupported method): unpack it with another tool and choose the file itself.</source>
        <translation>{name} 中的 {member} 无法解压（已损坏、已加密或使用了不支持的压缩方式），请用其他工具解压后直接选择该文件。</translation>
    </message>
    <message>
        <source>{name} must hold exactly one .shp or .geojson (it holds: {found}).</source>
        <translation>{name} 中必须恰好有一个 .shp 或 .geojson 文件（现有：{found}）。</translation>
    </message>
    <message>
        <source>The .dbf file beside {name} is missing; it holds the attributes (cell codes, names): copy it next to the .shp.</source>
        <translation>{name} 旁缺少 .dbf 文件（其中存放网格编码、名称等属性），请把它复制到 .shp 所在位置。</translation>
    </message>
    <message>
        <source>The attributes of {name} are not {encoding}: choose another encoding, or let it be detected.</source>
        <translation>{name} 的属性不是 {encoding} 编码，请选择其他编码，或改为自动识别。</translation>
    </message>
    <message>
        <source>The attributes of {name} are neither UTF-8 nor GBK/GB18030: choose their encoding.</source>
        <translation>{name} 的属性既不是 UTF-8 也不是 GBK/GB18030 编码，请指定其编码。</translation>
    </message>
    <message>
        <source>{name} is not a Shapefile that can be read (the .shp or .dbf is damaged or of another format).</source>
        <translation>{name} 不是可读取的 Shapefile（.shp 或 .dbf 已损坏或为其他格式）。</translation>
    </message>
    <message>
        <source>{name} holds shapes of type {type}, not polygons.</source>
        <translation>{name} 中的图形类型为 {type}，不是多边形。</translation>
    </message>
    <message>
        <source>{name} is damaged at feature {feature}.</source>
        <translation>{name} 在第 {feature} 个要素处已损坏。</translation>
    </message>
    <message>
        <source>{name} is not valid JSON (line {line}, column {column}).</source>
        <translation>{name} 不是有效的 JSON（第 {line} 行第 {column} 列）。</translation>
    </message>
    <message>
        <source>{name} is not a GeoJSON FeatureCollection.</source>
        <translation>{name} 不是 GeoJSON 要素集合（FeatureCollection）。</translation>
    </message>
    <message>
        <source>“{crs}” is not a known coordinate system (try WGS84, CGCS2000, EPSG:4490, EPSG:4513–4554, WebMercator, GCJ02, BD09 or GK3).</source>
        <translation>“{crs}”不是已知的坐标系（可用 WGS84、CGCS2000、EPSG:4490、EPSG:4513–4554、WebMercator、GCJ02、BD09 或 GK3）。</translation>
    </message>
    <message>
        <source>The .prj file describes no known coordinate system: choose the coordinate system.</source>
        <translation>.prj 文件描述的不是已知坐标系，请选择坐标系。</translation>
    </message>
    <message>
        <source>“{crs}” is not a map coordinate system (geographic or projected).</source>
        <translation>“{crs}”不是地图坐标系（地理坐标系或投影坐标系）。</translation>
    </message>
    <message>
        <source>Eastings around {easting} m name zone {zone}, which is not a CGCS2000 3° zone of China (25–45): check the coordinate system.</source>
        <translation>横坐标约 {easting} 米，对应第 {zone} 带，不是我国 CGCS2000 3° 分带（25–45），请检查坐标系。</translation>
    </message>
    <message>
        <source>The eastings carry no zone number and the centre&apos;s region is not set: choose the zone (EPSG:4534–4554).</source>
        <translation>横坐标不带带号，且未设置中心所在区域，请指定分带（EPSG:4534–4554）。</translation>
    </message>
    <message>
        <source>The folder for the report does not exist: {folder}</source>
        <translation>报告所在的文件夹不存在：{folder}</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>Problem {code}.</source>
        <translation>问题 {code}。</translation>
    </message>
</context>
<context>
    <name>GridReport</name>
    <message>
        <source>{source}: {format}, {features} features, encoding {encoding} ({note}), {crs}</source>
        <translation>{source}：{format}，{features} 个要素，编码 {encoding}（{note}），{crs}</translation>
    </message>
    <message>
        <source>Fields: {fields}</source>
        <translation>字段：{fields}</translation>
    </message>
    <message>
        <source>Feature {index} {code}: {problem}</source>
        <translation>要素 {index} {code}：{problem}</translation>
    </message>
    <message>
        <source>Would import: add {added}, change {changed}, keep {unchanged}, retire {retired} ({cases} cases keep them), bring back {back}; skip {invalid} invalid</source>
        <translation>预计导入：新增 {added}，变更 {changed}，不变 {unchanged}，停用 {retired}（{cases} 件案卷保留原网格），恢复 {back}；跳过无效要素 {invalid} 个</translation>
    </message>
    <message>
        <source>Imported: added {added}, changed {changed}, kept {unchanged}, retired {retired} ({cases} cases keep them), brought back {back}; skipped {invalid} invalid</source>
        <translation>已导入：新增 {added}，变更 {changed}，不变 {unchanged}，停用 {retired}（{cases} 件案卷保留原网格），恢复 {back}；跳过无效要素 {invalid} 个</translation>
    </message>
    <message>
        <source>Work grids would: create {created}, change {changed}, empty {emptied}, keep {unchanged}; move {cells} cells, {officers} officers</source>
        <translation>责任网格预计：新建 {created}，变更 {changed}，清空 {emptied}，不变 {unchanged}；{cells} 个单元网格调整归属，{officers} 名监督员</translation>
    </message>
    <message>
        <source>Work grids: created {created}, changed {changed}, emptied {emptied}, kept {unchanged}; moved {cells} cells, {officers} officers</source>
        <translation>责任网格已导入：新建 {created}，变更 {changed}，清空 {emptied}，不变 {unchanged}；{cells} 个单元网格调整归属，{officers} 名监督员</translation>
    </message>
    <message>
        <source>  created: {codes}</source>
        <translation>  新建：{codes}</translation>
    </message>
    <message>
        <source>  changed: {codes}</source>
        <translation>  变更：{codes}</translation>
    </message>
    <message>
        <source>  emptied: {codes}</source>
        <translation>  清空：{codes}</translation>
    </message>
    <message>
        <source>Cells: {cells}; in no work grid {none}, in two {two}</source>
        <translation>单元网格：{cells} 个；不在任何责任网格 {none} 个，同在两个责任网格 {two} 个</translation>
    </message>
    <message>
        <source>  cell {cell} in {grids} (kept in {kept})</source>
        <translation>  单元网格 {cell} 位于 {grids}（归入 {kept}）</translation>
    </message>
    <message>
        <source>  in no work grid: {codes}</source>
        <translation>  不在任何责任网格：{codes}</translation>
    </message>
    <message>
        <source>as chosen</source>
        <translation>按所选</translation>
    </message>
    <message>
        <source>UTF-8 (GeoJSON&apos;s own encoding)</source>
        <translation>UTF-8（GeoJSON 规定的编码）</translation>
    </message>
    <message>
        <source>not UTF-8: read as GB18030 (GBK)</source>
        <translation>不是 UTF-8：按 GB18030（GBK）读取</translation>
    </message>
    <message>
        <source>no .cpg: the attributes are valid UTF-8</source>
        <translation>无 .cpg：属性是有效的 UTF-8</translation>
    </message>
    <message>
        <source>no .cpg and not UTF-8: read as GB18030 (GBK)</source>
        <translation>无 .cpg 且不是 UTF-8：按 GB18030（GBK）读取</translation>
    </message>
    <message>
        <source>from the .cpg ({stated})</source>
        <translation>取自 .cpg（{stated}）</translation>
    </message>
</context>
<context>
    <name>KeyShownDialog</name>
    <message>
        <source>New Open311 key</source>
        <translation>新的 Open311 密钥</translation>
    </message>
    <message>
        <source>The key of the application “{name}”:</source>
        <translation>应用“{name}”的密钥：</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>复制(&amp;C)</translation>
    </message>
    <message>
        <source>This key will not be shown again: only a fingerprint of it is stored. Copy it now and give it to the application&apos;s developer over a safe channel. If it is lost, revoke it and issue a new one.</source>
        <translation>此密钥不会再次显示：系统只保存其指纹。请立即复制，并通过安全渠道交给应用开发方。如遗失，请吊销后重新签发。</translation>
    </message>
    <message>
        <source>Copied to the clipboard.</source>
        <translation>已复制到剪贴板。</translation>
    </message>
</context>
<context>
    <name>LockOverlay</name>
    <message>
        <source>&amp;User name:</source>
        <translation>用户名(&amp;U)：</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>密码(&amp;P)：</translation>
    </message>
    <message>
        <source>Shift change: another user…</source>
        <translation>交接班：换人登录…</translation>
    </message>
    <message>
        <source>&amp;Unlock</source>
        <translation>解锁(&amp;U)</translation>
    </message>
    <message>
        <source>Shift change</source>
        <translation>交接班</translation>
    </message>
    <message>
        <source>The window, its layout and any open work stay as they are. The next user signs in:</source>
        <translation>窗口、布局和未完成的工作都保持原样。请接班人员登录：</translation>
    </message>
    <message>
        <source>Seat locked</source>
        <translation>席位已锁定</translation>
    </message>
    <message>
        <source>Locked for {name} ({role}). Enter the password to go on; everything open stays as it was.</source>
        <translation>{name}（{role}）的席位已锁定。输入密码继续；打开的内容保持原样。</translation>
    </message>
    <message>
        <source>&amp;Sign in</source>
        <translation>接班登录(&amp;S)</translation>
    </message>
    <message>
        <source>Demo city: no password is needed.</source>
        <translation>演示城市：无需密码。</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在验证…</translation>
    </message>
    <message>
        <source>The password is wrong.</source>
        <translation>密码错误。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>&amp;Rankings</source>
        <translation>综合评价(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Campaigns</source>
        <translation>专项行动(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Wall display</source>
        <translation>大屏显示(&amp;W)</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Export the queue to Excel…</source>
        <translation>导出队列到 Excel(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Shift hand-over report (PDF)…</source>
        <translation>交接班报告 (PDF)(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Daily report (PDF)…</source>
        <translation>日报 (PDF)(&amp;D)…</translation>
    </message>
    <message>
        <source>&amp;Briefing map (HTML)…</source>
        <translation>简报地图 (HTML)(&amp;B)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Dark theme</source>
        <translation>深色主题(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Light theme</source>
        <translation>浅色主题(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Reset layout</source>
        <translation>重置布局(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Account</source>
        <translation>账户(&amp;A)</translation>
    </message>
    <message>
        <source>Change my &amp;password…</source>
        <translation>修改密码(&amp;P)…</translation>
    </message>
    <message>
        <source>&amp;Lock the seat</source>
        <translation>锁定席位(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Shift change (sign out)…</source>
        <translation>交接班（退出登录）(&amp;S)…</translation>
    </message>
    <message>
        <source>A&amp;dministration</source>
        <translation>管理(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Users…</source>
        <translation>用户管理(&amp;U)…</translation>
    </message>
    <message>
        <source>Import &amp;grid…</source>
        <translation>导入网格(&amp;G)…</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation>关于(&amp;A)</translation>
    </message>
    <message>
        <source>About</source>
        <translation>关于</translation>
    </message>
    <message>
        <source>&lt;b&gt;City Command Console&lt;/b&gt; {version}&lt;br&gt;&lt;br&gt;One screen for a city-management command centre: the unit grid, the case workflow, patrols and alerts.</source>
        <translation>&lt;b&gt;城市管理统一指挥台&lt;/b&gt; {version}&lt;br&gt;&lt;br&gt;城市管理指挥中心的一屏统揽：单元网格、案件流转、巡查力量与告警。</translation>
    </message>
    <message>
        <source>{city} · City Command Console</source>
        <translation>{city} · 城市管理统一指挥台</translation>
    </message>
    <message>
        <source>City Command Console</source>
        <translation>城市管理统一指挥台</translation>
    </message>
    <message>
        <source>{title} · Demo</source>
        <translation>{title} · 演示</translation>
    </message>
    <message>
        <source>This seat was away longer than changes are kept (changes {since}–{seq} are gone): queues, map and alerts were read again in full.</source>
        <translation>本席位离线时间超过变更保留期（变更 {since}–{seq} 已清除）：已重新完整读取队列、地图和告警。</translation>
    </message>
</context>
<context>
    <name>Open311KeysDialog</name>
    <message>
        <source>Open311 API keys</source>
        <translation>Open311 API 密钥</translation>
    </message>
    <message>
        <source>Applications that may file citizens&apos; reports through Open311 GeoReport v2 (/open311/v2/ on the centre&apos;s serve). Each has one key; its reports come in as source “public”, reported by open311:NAME.</source>
        <translation>可通过 Open311 GeoReport v2（中心 serve 的 /open311/v2/）提交市民上报的应用。每个应用一个密钥；其上报以来源“公众”进入，上报人为 open311:应用名。</translation>
    </message>
    <message>
        <source>Application</source>
        <translation>应用</translation>
    </message>
    <message>
        <source>Key begins</source>
        <translation>密钥开头</translation>
    </message>
    <message>
        <source>Issued by</source>
        <translation>签发人</translation>
    </message>
    <message>
        <source>Issued</source>
        <translation>签发时间</translation>
    </message>
    <message>
        <source>Last used</source>
        <translation>最近使用</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>上报数</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>&amp;Issue a key…</source>
        <translation>签发密钥(&amp;I)…</translation>
    </message>
    <message>
        <source>&amp;Revoke…</source>
        <translation>吊销(&amp;R)…</translation>
    </message>
    <message>
        <source>Re&amp;fresh</source>
        <translation>刷新(&amp;F)</translation>
    </message>
    <message>
        <source>active</source>
        <translation>有效</translation>
    </message>
    <message>
        <source>revoked {time}</source>
        <translation>已吊销 {time}</translation>
    </message>
    <message>
        <source>Issue an Open311 key</source>
        <translation>签发 Open311 密钥</translation>
    </message>
    <message>
        <source>Application name (letters, digits, - and _; no spaces):</source>
        <translation>应用名称（字母、数字、- 和 _，不含空格）：</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <source>Revoke the key</source>
        <translation>吊销密钥</translation>
    </message>
    <message>
        <source>Revoke the key of “{name}”? The application&apos;s reports are refused from now on; the reports it filed stay.</source>
        <translation>吊销“{name}”的密钥？此后该应用的上报将被拒绝；已提交的上报保留。</translation>
    </message>
    <message>
        <source>The key of “{name}” is revoked.</source>
        <translation>“{name}”的密钥已吊销。</translation>
    </message>
    <message>
        <source>Open311 API &amp;keys…</source>
        <translation>Open311 API 密钥(&amp;K)…</translation>
    </message>
</context>
<context>
    <name>OutageBanner</name>
    <message>
        <source>Database connection lost, reconnecting… (since {time})</source>
        <translation>数据库连接中断，正在重连…（自 {time}）</translation>
    </message>
</context>
<context>
    <name>PasswordDialog</name>
    <message>
        <source>Change my password</source>
        <translation>修改密码</translation>
    </message>
    <message>
        <source>&amp;Current password:</source>
        <translation>当前密码(&amp;C)：</translation>
    </message>
    <message>
        <source>Reset the password of {name}</source>
        <translation>重置 {name} 的密码</translation>
    </message>
    <message>
        <source>&amp;New password:</source>
        <translation>新密码(&amp;N)：</translation>
    </message>
    <message>
        <source>Re&amp;peat new password:</source>
        <translation>确认新密码(&amp;P)：</translation>
    </message>
</context>
<context>
    <name>PeopleDialog</name>
    <message>
        <source>Departments</source>
        <translation>部门</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>账号</translation>
    </message>
    <message>
        <source>Patrol officers</source>
        <translation>巡查员</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Shifts</source>
        <translation>班次</translation>
    </message>
    <message>
        <source>Reading the workbook…</source>
        <translation>正在读取工作簿…</translation>
    </message>
    <message>
        <source>Checking every row…</source>
        <translation>正在逐行检查…</translation>
    </message>
    <message>
        <source>Writing the changes…</source>
        <translation>正在写入更改…</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Writing the workbook…</source>
        <translation>正在写出工作簿…</translation>
    </message>
    <message>
        <source>Import and export people</source>
        <translation>人员导入导出</translation>
    </message>
    <message>
        <source>Export the workbook, edit it in Excel or WPS, then check it: nothing is written until the check finds no problem and you import it. Rows the workbook leaves out are kept; to retire one, set its “active” to no.</source>
        <translation>先导出工作簿，在 Excel 或 WPS 中编辑后再检查：检查无误并点击“导入”之前不会写入任何内容。工作簿中未列出的记录保持不变；要停用某条记录，请把它的“启用”改为“否”。</translation>
    </message>
    <message>
        <source>&amp;Export workbook…</source>
        <translation>导出工作簿(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Check a workbook…</source>
        <translation>检查工作簿(&amp;C)…</translation>
    </message>
    <message>
        <source>&amp;Import</source>
        <translation>导入(&amp;I)</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Sheet</source>
        <translation>工作表</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>新增</translation>
    </message>
    <message>
        <source>Changed</source>
        <translation>修改</translation>
    </message>
    <message>
        <source>Unchanged</source>
        <translation>未变</translation>
    </message>
    <message>
        <source>Row</source>
        <translation>行</translation>
    </message>
    <message>
        <source>Column</source>
        <translation>列</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>值</translation>
    </message>
    <message>
        <source>Why</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>New accounts without a password</source>
        <translation>尚无密码的新账号</translation>
    </message>
    <message>
        <source>They cannot sign in yet. Set a one-time password for each and hand it over; it is shown here once and stored nowhere else.</source>
        <translation>这些账号暂时无法登录。请为每个账号设置一次性密码并交给本人；密码只在此处显示一次，不会另行保存。</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>One-time password</source>
        <translation>一次性密码</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Export workbook</source>
        <translation>导出工作簿</translation>
    </message>
    <message>
        <source>Excel workbook (*.xlsx)</source>
        <translation>Excel 工作簿 (*.xlsx)</translation>
    </message>
    <message>
        <source>Check a workbook</source>
        <translation>检查工作簿</translation>
    </message>
    <message>
        <source>Cancelled: nothing was written.</source>
        <translation>已取消：未写入任何内容。</translation>
    </message>
    <message>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message>
        <source>{sheet} {n}</source>
        <translation>{sheet} {n} 行</translation>
    </message>
    <message>
        <source>Exported to {file}: {counts}.</source>
        <translation>已导出到 {file}：{counts}。</translation>
    </message>
    <message>
        <source>Imported: {n} records added or changed.</source>
        <translation>已导入：新增或修改 {n} 条记录。</translation>
    </message>
    <message>
        <source>The workbook is in order: {n} records will be added or changed. Press Import to write them.</source>
        <translation>工作簿检查无误：将新增或修改 {n} 条记录。点击“导入”写入。</translation>
    </message>
    <message>
        <source>The workbook matches the console: nothing to import.</source>
        <translation>工作簿与系统中的数据一致，无需导入。</translation>
    </message>
    <message>
        <source>Set one-time password</source>
        <translation>设置一次性密码</translation>
    </message>
    <message>
        <source>Set</source>
        <translation>已设置</translation>
    </message>
</context>
<context>
    <name>PeoplePage</name>
    <message>
        <source>Departments, people and devices</source>
        <translation>部门、人员与设备</translation>
    </message>
    <message>
        <source>Export the organisation workbook, fill in the departments, accounts, patrol officers, their phones and shifts, and import it; or type them in later.</source>
        <translation>导出组织人员工作簿，填写部门、账号、巡查员及其手机和班次后导入；也可以以后再逐条录入。</translation>
    </message>
    <message>
        <source>Import and export people…</source>
        <translation>人员导入导出…</translation>
    </message>
    <message>
        <source>Now: {deps} departments, {accounts} accounts.</source>
        <translation>现有：部门 {deps} 个，账号 {accounts} 个。</translation>
    </message>
</context>
<context>
    <name>PhotoViewer</name>
    <message>
        <source>‹ &amp;Previous</source>
        <translation>‹ 上一张(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Next ›</source>
        <translation>下一张(&amp;N) ›</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Photo {i} of {n}</source>
        <translation>照片 {i}/{n}</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>The photo cannot be read.</source>
        <translation>无法读取此照片。</translation>
    </message>
</context>
<context>
    <name>Roles</name>
    <message>
        <source>Dispatcher</source>
        <translation>值班员</translation>
    </message>
    <message>
        <source>Duty leader</source>
        <translation>带班领导</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>专业部门</translation>
    </message>
    <message>
        <source>Patrol officer</source>
        <translation>监督员</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>系统管理员</translation>
    </message>
    <message>
        <source>Viewer (read-only)</source>
        <translation>只读观察员</translation>
    </message>
    <message>
        <source>System</source>
        <translation>系统</translation>
    </message>
</context>
<context>
    <name>SetupWizard</name>
    <message>
        <source>First-start setup</source>
        <translation>初始设置向导</translation>
    </message>
    <message>
        <source>Continue later</source>
        <translation>稍后继续</translation>
    </message>
</context>
<context>
    <name>Severities</name>
    <message>
        <source>Info</source>
        <translation>提示</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>Critical</source>
        <translation>严重</translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>Sign in · City Command Console</source>
        <translation>登录 · 城市管理统一指挥台</translation>
    </message>
    <message>
        <source>Sign in with your user name and password.</source>
        <translation>请输入用户名和密码登录。</translation>
    </message>
    <message>
        <source>&amp;User name:</source>
        <translation>用户名(&amp;U)：</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>密码(&amp;P)：</translation>
    </message>
    <message>
        <source>Enter your user name and password.</source>
        <translation>请填写用户名和密码。</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在验证…</translation>
    </message>
</context>
<context>
    <name>Sources</name>
    <message>
        <source>Patrol officer</source>
        <translation>监督员上报</translation>
    </message>
    <message>
        <source>Hotline</source>
        <translation>热线</translation>
    </message>
    <message>
        <source>Video surveillance</source>
        <translation>视频监控</translation>
    </message>
    <message>
        <source>Leader&apos;s instruction</source>
        <translation>领导交办</translation>
    </message>
    <message>
        <source>Public report</source>
        <translation>公众举报</translation>
    </message>
    <message>
        <source>Sensor</source>
        <translation>物联感知</translation>
    </message>
</context>
<context>
    <name>Stages</name>
    <message>
        <source>To accept</source>
        <translation>待受理</translation>
    </message>
    <message>
        <source>To verify</source>
        <translation>待核实</translation>
    </message>
    <message>
        <source>To dispatch</source>
        <translation>待派遣</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>处置中</translation>
    </message>
    <message>
        <source>To check</source>
        <translation>待核查</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <source>Closed today</source>
        <translation>今日结案</translation>
    </message>
</context>
<context>
    <name>Startup</name>
    <message>
        <source>City Command Console</source>
        <translation>城市管理统一指挥台</translation>
    </message>
    <message>
        <source>Opening the database…</source>
        <translation>正在打开数据库…</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>正在登录…</translation>
    </message>
    <message>
        <source>Looking for the demo city…</source>
        <translation>正在查找演示城市…</translation>
    </message>
    <message>
        <source>Building the demo city: {stage}</source>
        <translation>正在生成演示城市：{stage}</translation>
    </message>
    <message>
        <source>Building the demo city…</source>
        <translation>正在生成演示城市…</translation>
    </message>
    <message>
        <source>Could not write the screenshot to {path}</source>
        <translation>无法将截图写入 {path}</translation>
    </message>
</context>
<context>
    <name>Statuses</name>
    <message>
        <source>Reported</source>
        <translation>已上报</translation>
    </message>
    <message>
        <source>Being verified</source>
        <translation>核实中</translation>
    </message>
    <message>
        <source>Verified</source>
        <translation>已核实</translation>
    </message>
    <message>
        <source>Registered</source>
        <translation>已立案</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>不予立案</translation>
    </message>
    <message>
        <source>Dispatched</source>
        <translation>已派遣</translation>
    </message>
    <message>
        <source>Handled</source>
        <translation>处置完成</translation>
    </message>
    <message>
        <source>Being checked</source>
        <translation>核查中</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>已结案</translation>
    </message>
    <message>
        <source>Parked</source>
        <translation>挂账</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已作废</translation>
    </message>
</context>
<context>
    <name>Supervision</name>
    <message>
        <source>催办 (reminder)</source>
        <translation>催办</translation>
    </message>
    <message>
        <source>督办 (supervision)</source>
        <translation>督办</translation>
    </message>
    <message>
        <source>挂牌督办 (listed supervision)</source>
        <translation>挂牌督办</translation>
    </message>
</context>
<context>
    <name>Things</name>
    <message>
        <source>case</source>
        <translation>案卷</translation>
    </message>
    <message>
        <source>department</source>
        <translation>部门</translation>
    </message>
    <message>
        <source>patrol officer</source>
        <translation>监督员</translation>
    </message>
    <message>
        <source>user</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>device</source>
        <translation>终端设备</translation>
    </message>
    <message>
        <source>alert</source>
        <translation>告警</translation>
    </message>
    <message>
        <source>category</source>
        <translation>案件类别</translation>
    </message>
    <message>
        <source>grid cell</source>
        <translation>单元网格</translation>
    </message>
    <message>
        <source>campaign</source>
        <translation>专项行动</translation>
    </message>
    <message>
        <source>supervision order</source>
        <translation>督办单</translation>
    </message>
    <message>
        <source>call-back</source>
        <translation>回访</translation>
    </message>
</context>
<context>
    <name>Thresholds</name>
    <message>
        <source>Cases</source>
        <translation>案卷</translation>
    </message>
    <message>
        <source>Near deadline at</source>
        <translation>临期提醒</translation>
    </message>
    <message>
        <source>of the limit</source>
        <translation>（占时限的比例）</translation>
    </message>
    <message>
        <source>Share of a case&apos;s time limit used after which it is near its deadline (0.8: at 80%).</source>
        <translation>案卷已用时间占处置时限的比例达到此值即为临期（0.8 即 80%）。</translation>
    </message>
    <message>
        <source>Hotspot</source>
        <translation>热点</translation>
    </message>
    <message>
        <source>cases</source>
        <translation>件</translation>
    </message>
    <message>
        <source>Cases of one minor category in one cell that make a hotspot.</source>
        <translation>同一网格内同一小类的案卷达到此数即为热点。</translation>
    </message>
    <message>
        <source>Hotspot window</source>
        <translation>热点时间窗</translation>
    </message>
    <message>
        <source>hours</source>
        <translation>小时</translation>
    </message>
    <message>
        <source>Hours within which those cases must be reported.</source>
        <translation>上述案卷须在此小时数内上报。</translation>
    </message>
    <message>
        <source>Recurrence (回潮)</source>
        <translation>回潮</translation>
    </message>
    <message>
        <source>days</source>
        <translation>天</translation>
    </message>
    <message>
        <source>Days after a closure in which the same problem in the same cell counts as recurring.</source>
        <translation>结案后此天数内同一网格再现同类问题即为回潮。</translation>
    </message>
    <message>
        <source>Department backlog</source>
        <translation>部门积压</translation>
    </message>
    <message>
        <source>open cases</source>
        <translation>件在办</translation>
    </message>
    <message>
        <source>More open dispatched cases than this: the department has a backlog.</source>
        <translation>已派遣未办结的案卷多于此数，即为部门积压。</translation>
    </message>
    <message>
        <source>…or overdue</source>
        <translation>…或超期</translation>
    </message>
    <message>
        <source>…or more overdue cases than this.</source>
        <translation>…或超期案卷多于此数。</translation>
    </message>
    <message>
        <source>Patrols</source>
        <translation>巡查</translation>
    </message>
    <message>
        <source>Off post (脱岗)</source>
        <translation>脱岗</translation>
    </message>
    <message>
        <source>minutes</source>
        <translation>分钟</translation>
    </message>
    <message>
        <source>Minutes outside its work grid during a shift before a patrol is off post.</source>
        <translation>在岗时段内离开责任网格超过此分钟数即为脱岗。</translation>
    </message>
    <message>
        <source>Idle radius</source>
        <translation>窝岗半径</translation>
    </message>
    <message>
        <source>metres</source>
        <translation>米</translation>
    </message>
    <message>
        <source>Radius within which a patrol counts as staying at one spot.</source>
        <translation>在此半径内活动即视为停留在一处。</translation>
    </message>
    <message>
        <source>Idle (窝岗)</source>
        <translation>窝岗</translation>
    </message>
    <message>
        <source>Minutes within that radius during a shift before a patrol is idle.</source>
        <translation>在岗时段内在上述半径内停留超过此分钟数即为窝岗。</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>Minutes without a position during a shift before a patrol is offline.</source>
        <translation>在岗时段内超过此分钟数没有位置即为离线。</translation>
    </message>
    <message>
        <source>Left early (提前退岗)</source>
        <translation>提前退岗</translation>
    </message>
    <message>
        <source>Last seen this many minutes before its shift ended: the patrol left early.</source>
        <translation>最后一次位置早于下班时间此分钟数以上，即为提前退岗。</translation>
    </message>
    <message>
        <source>Offline together</source>
        <translation>集中离线</translation>
    </message>
    <message>
        <source>patrols</source>
        <translation>名</translation>
    </message>
    <message>
        <source>At least this many offline patrols, with the share below, make one digest alert instead of one each.</source>
        <translation>离线巡查员达到此人数且满足下方比例时，合并为一条汇总告警，而不是每人一条。</translation>
    </message>
    <message>
        <source>…and at least</source>
        <translation>…且至少占</translation>
    </message>
    <message>
        <source>of those on shift</source>
        <translation>（在岗人数的比例）</translation>
    </message>
    <message>
        <source>…when they are at least this share of the officers on shift.</source>
        <translation>…且占在岗巡查员的比例不低于此值。</translation>
    </message>
    <message>
        <source>Falling silent at once</source>
        <translation>同时失联</translation>
    </message>
    <message>
        <source>…or when this many fall silent within the minutes below.</source>
        <translation>…或在下方分钟数内有这么多人失联。</translation>
    </message>
    <message>
        <source>…within</source>
        <translation>…时间窗</translation>
    </message>
    <message>
        <source>Minutes within which that many falling silent is one event.</source>
        <translation>在此分钟数内集中失联视为同一事件。</translation>
    </message>
    <message>
        <source>Escalation</source>
        <translation>升级</translation>
    </message>
    <message>
        <source>Escalate after</source>
        <translation>未确认升级</translation>
    </message>
    <message>
        <source>Minutes after which an unacknowledged warning alert is escalated.</source>
        <translation>警告级告警超过此分钟数未确认即自动升级。</translation>
    </message>
</context>
<context>
    <name>ThresholdsDialog</name>
    <message>
        <source>Alert thresholds</source>
        <translation>告警阈值</translation>
    </message>
    <message>
        <source>The alert engine of every seat uses these numbers; a change reaches every seat within seconds. Each field accepts only its range.</source>
        <translation>各席位的告警引擎都使用这些数值；修改后数秒内到达每个席位。每一项只接受其允许范围内的值。</translation>
    </message>
    <message>
        <source>&amp;Defaults</source>
        <translation>恢复默认值(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>保存(&amp;S)</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>From {low} to {high}; default {default}.</source>
        <translation>范围 {low} 至 {high}；默认 {default}。</translation>
    </message>
    <message>
        <source>Nothing changed.</source>
        <translation>没有修改。</translation>
    </message>
    <message>
        <source>{n} thresholds saved; every seat&apos;s alerts use them now.</source>
        <translation>已保存 {n} 项阈值，各席位的告警即刻采用。</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
</context>
<context>
    <name>UserForm</name>
    <message>
        <source>New user</source>
        <translation>新建用户</translation>
    </message>
    <message>
        <source>Edit user</source>
        <translation>编辑用户</translation>
    </message>
    <message>
        <source>&amp;User name:</source>
        <translation>用户名(&amp;U)：</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>姓名(&amp;N)：</translation>
    </message>
    <message>
        <source>&amp;Role:</source>
        <translation>角色(&amp;R)：</translation>
    </message>
    <message>
        <source>&amp;Department:</source>
        <translation>所属部门(&amp;D)：</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>密码(&amp;P)：</translation>
    </message>
    <message>
        <source>Repeat pass&amp;word:</source>
        <translation>确认密码(&amp;W)：</translation>
    </message>
</context>
<context>
    <name>UsersDialog</name>
    <message>
        <source>Users</source>
        <translation>用户管理</translation>
    </message>
    <message>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>部门</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>&amp;New…</source>
        <translation>新建(&amp;N)…</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>编辑(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Deactivate</source>
        <translation>停用(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Reset password…</source>
        <translation>重置密码(&amp;R)…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Deactivated</source>
        <translation>已停用</translation>
    </message>
    <message>
        <source>Locked until {time}</source>
        <translation>锁定至 {time}</translation>
    </message>
    <message>
        <source>No password</source>
        <translation>未设密码</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>有效</translation>
    </message>
    <message>
        <source>&amp;Activate</source>
        <translation>启用(&amp;A)</translation>
    </message>
</context>
<context>
    <name>WorkGridImportDialog</name>
    <message>
        <source>Import work grids</source>
        <translation>导入责任网格</translation>
    </message>
    <message>
        <source>Work-grid polygons: a Shapefile, GeoJSON, a zip, or a folder of one</source>
        <translation>责任网格多边形：Shapefile、GeoJSON、zip 压缩包，或包含其一的文件夹</translation>
    </message>
    <message>
        <source>&amp;File…</source>
        <translation>文件(&amp;F)…</translation>
    </message>
    <message>
        <source>&amp;Repair crossing outlines (with a warning)</source>
        <translation>修复自相交的边界（给出警告）(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Skip invalid work grids and import the rest</source>
        <translation>跳过无效的责任网格，导入其余网格(&amp;S)</translation>
    </message>
    <message>
        <source>Work-grid file:</source>
        <translation>责任网格文件：</translation>
    </message>
    <message>
        <source>Encoding:</source>
        <translation>编码：</translation>
    </message>
    <message>
        <source>Coordinates:</source>
        <translation>坐标系：</translation>
    </message>
    <message>
        <source>Code field:</source>
        <translation>编码字段：</translation>
    </message>
    <message>
        <source>Name field:</source>
        <translation>名称字段：</translation>
    </message>
    <message>
        <source>Officer field:</source>
        <translation>监督员字段：</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>编码</translation>
    </message>
    <message>
        <source>Work-grid file</source>
        <translation>责任网格文件</translation>
    </message>
    <message>
        <source>GIS files (*.shp *.geojson *.json *.zip);;All files (*)</source>
        <translation>GIS 文件 (*.shp *.geojson *.json *.zip);;所有文件 (*)</translation>
    </message>
    <message>
        <source>The options changed: check the file again.</source>
        <translation>选项已更改，请重新检查文件。</translation>
    </message>
    <message>
        <source>Choose the work-grid file first.</source>
        <translation>请先选择责任网格文件。</translation>
    </message>
    <message>
        <source>Reading the file…</source>
        <translation>正在读取文件…</translation>
    </message>
    <message>
        <source>Checking the work grids…</source>
        <translation>正在检查责任网格…</translation>
    </message>
    <message>
        <source>Placing the cells…</source>
        <translation>正在归属单元网格…</translation>
    </message>
    <message>
        <source>{name}: {format}, encoding {encoding}, {crs}</source>
        <translation>{name}：{format}，编码 {encoding}，{crs}</translation>
    </message>
    <message>
        <source>{features} work grids in the file · &lt;b&gt;{created}&lt;/b&gt; created · &lt;b&gt;{changed}&lt;/b&gt; changed · &lt;b&gt;{emptied}&lt;/b&gt; emptied · {unchanged} unchanged · &lt;b style=&apos;color:#e0413a&apos;&gt;{invalid}&lt;/b&gt; invalid</source>
        <translation>文件中共 {features} 个责任网格 · 新建 &lt;b&gt;{created}&lt;/b&gt; · 变更 &lt;b&gt;{changed}&lt;/b&gt; · 清空 &lt;b&gt;{emptied}&lt;/b&gt; · 不变 {unchanged} · 无效 &lt;b style=&apos;color:#e0413a&apos;&gt;{invalid}&lt;/b&gt;</translation>
    </message>
    <message>
        <source>{cells} cells: {moved} change work grid · &lt;span style=&apos;color:#c07a00&apos;&gt;{none}&lt;/span&gt; in no work grid · &lt;span style=&apos;color:#c07a00&apos;&gt;{two}&lt;/span&gt; in two · {officers} officers assigned</source>
        <translation>单元网格 {cells} 个：{moved} 个调整归属 · &lt;span style=&apos;color:#c07a00&apos;&gt;{none}&lt;/span&gt; 个不在任何责任网格 · &lt;span style=&apos;color:#c07a00&apos;&gt;{two}&lt;/span&gt; 个同时在两个网格 · 分配监督员 {officers} 名</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message>
        <source>Imported: {created} work grids created, {changed} changed, {emptied} emptied; {moved} cells changed work grid.</source>
        <translation>已导入：新建责任网格 {created} 个，变更 {changed} 个，清空 {emptied} 个；{moved} 个单元网格调整了归属。</translation>
    </message>
</context>
<context>
    <name>_FormDialog</name>
    <message>
        <source>Saving…</source>
        <extracomment>The roles an account may hold, in the order the form offers them.</extracomment>
        <translation>正在保存…</translation>
    </message>
</context>
<context>
    <name>widget</name>
    <message>
        <source>专项整治 (rectification)</source>
        <translation>专项整治</translation>
    </message>
    <message>
        <source>迎检准备 (inspection)</source>
        <translation>迎检准备</translation>
    </message>
    <message>
        <source>夜查 (night operation)</source>
        <translation>夜查</translation>
    </message>
    <message>
        <source>联合执法 (joint)</source>
        <translation>联合执法</translation>
    </message>
</context>
</TS>
