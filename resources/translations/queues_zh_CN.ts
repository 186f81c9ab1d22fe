<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>ActionDialog</name>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Each case&apos;s department by category</source>
        <translation>各案卷按类别默认部门</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>处置部门</translation>
    </message>
    <message>
        <source>Assisting</source>
        <translation>协办部门</translation>
    </message>
    <message>
        <source>Computing the deadline…</source>
        <translation>正在计算处置时限…</translation>
    </message>
    <message>
        <source>Extend to</source>
        <translation>延期至</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>处置时限</translation>
    </message>
    <message>
        <source>Current deadline</source>
        <translation>当前时限</translation>
    </message>
    <message>
        <source>Patrol officer</source>
        <translation>监督员</translation>
    </message>
    <message>
        <source>Distance</source>
        <translation>距离</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Check by</source>
        <translation>核查监督员</translation>
    </message>
    <message>
        <source>Verify by</source>
        <translation>核实监督员</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Why (required)</source>
        <translation>原因（必填）</translation>
    </message>
    <message>
        <source>Note (required)</source>
        <translation>备注（必填）</translation>
    </message>
    <message>
        <source>Note (optional)</source>
        <translation>备注（选填）</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Enter or Ctrl+Enter</source>
        <translation>回车或 Ctrl+回车</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>By the category&apos;s time limit ({limit} {unit}, counted in the work calendar): {deadline}</source>
        <translation>按类别时限（{limit} {unit}，按工作日历计）：{deadline}</translation>
    </message>
    <message>
        <source>Each case gets its own category&apos;s time limit, counted in the work calendar.</source>
        <translation>各案卷按各自类别的时限计算（按工作日历计）。</translation>
    </message>
    <message>
        <source>{metres} m</source>
        <translation>{metres} 米</translation>
    </message>
    <message>
        <source>no position</source>
        <translation>无定位</translation>
    </message>
    <message>
        <source>on duty</source>
        <translation>在岗</translation>
    </message>
    <message>
        <source>off duty or silent</source>
        <translation>不在岗或无信号</translation>
    </message>
    <message>
        <source>{state}, this grid</source>
        <translation>{state}，本网格</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>正在保存…</translation>
    </message>
</context>
<context>
    <name>ActionRunner</name>
    <message>
        <source>{number} · {category} · {status}
{address}</source>
        <translation>{number} · {category} · {status}
{address}</translation>
    </message>
    <message>
        <source>{action} · case {number}</source>
        <translation>{action} · 案卷 {number}</translation>
    </message>
    <message>
        <source>{action} · {n} cases</source>
        <translation>{action} · {n} 件案卷</translation>
    </message>
    <message>
        <source>Case {number}: {action} done.</source>
        <translation>案卷 {number}：“{action}”已完成。</translation>
    </message>
    <message>
        <source>{action}: {n} cases done.</source>
        <translation>“{action}”：已完成 {n} 件。</translation>
    </message>
    <message>
        <source>{done} of {total} cases done. Not done:
{refused}</source>
        <translation>{total} 件中已完成 {done} 件。未完成：
{refused}</translation>
    </message>
</context>
<context>
    <name>Actions</name>
    <message>
        <source>Part taken up</source>
        <translation>部门签收</translation>
    </message>
    <message>
        <source>Part replied</source>
        <translation>部门反馈</translation>
    </message>
    <message>
        <source>Part returned as not ours</source>
        <translation>部门回退（非本单位）</translation>
    </message>
    <message>
        <source>Part extension requested</source>
        <translation>部门申请延期</translation>
    </message>
    <message>
        <source>Part extension approved</source>
        <translation>部门延期批准</translation>
    </message>
    <message>
        <source>Part extension denied</source>
        <translation>部门延期驳回</translation>
    </message>
    <message>
        <source>Part sent back for rework</source>
        <translation>部门返工</translation>
    </message>
    <message>
        <source>Dispute ruled</source>
        <translation>执法调处裁定</translation>
    </message>
    <message>
        <source>Rule on disputes</source>
        <translation>执法调处裁定</translation>
    </message>
</context>
<context>
    <name>AnswerDialog</name>
    <message>
        <source>Answer the order</source>
        <translation>答复督办</translation>
    </message>
    <message>
        <source>What the department is doing</source>
        <translation>部门正在采取的措施</translation>
    </message>
    <message>
        <source>Reply</source>
        <translation>答复</translation>
    </message>
    <message>
        <source>Done by</source>
        <translation>承诺完成时间</translation>
    </message>
</context>
<context>
    <name>CallbackButton</name>
    <message>
        <source>Call-backs ({n} overdue)</source>
        <translation>回访（{n} 件超时）</translation>
    </message>
    <message>
        <source>Call-backs</source>
        <translation>回访</translation>
    </message>
    <message>
        <source>Closed cases from citizens to call back (回访)</source>
        <translation>市民来源的已结案案卷，待回访</translation>
    </message>
</context>
<context>
    <name>CallbackDialog</name>
    <message>
        <source>Call-backs (回访)</source>
        <translation>回访</translation>
    </message>
</context>
<context>
    <name>CallbackPage</name>
    <message>
        <source>Case</source>
        <translation>案卷</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>回访时限</translation>
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
        <translation>处置部门</translation>
    </message>
    <message>
        <source>Caller</source>
        <translation>来电人</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>回访结果</translation>
    </message>
    <message>
        <source>Open case</source>
        <translation>打开案卷</translation>
    </message>
    <message>
        <source>The citizen&apos;s answer</source>
        <translation>市民评价</translation>
    </message>
    <message>
        <source>What the citizen said</source>
        <translation>市民意见</translation>
    </message>
    <message>
        <source>Ask the duty leader to reopen it for rework</source>
        <translation>提请带班领导同意重新办理（返工）</translation>
    </message>
    <message>
        <source>Record answer</source>
        <translation>登记回访结果</translation>
    </message>
    <message>
        <source>Rework: the leader&apos;s decision</source>
        <translation>返工：带班领导审批</translation>
    </message>
    <message>
        <source>Reason (recorded on the case)</source>
        <translation>理由（记入案卷）</translation>
    </message>
    <message>
        <source>Consent and reopen</source>
        <translation>同意并重新办理</translation>
    </message>
    <message>
        <source>Decline</source>
        <translation>不同意</translation>
    </message>
    <message>
        <source>{n} to call back, {overdue} overdue; {waiting} waiting for the leader&apos;s decision</source>
        <translation>待回访 {n} 件，超时 {overdue} 件；待领导审批返工 {waiting} 件</translation>
    </message>
    <message>
        <source>Overdue: the citizen should have been called by now</source>
        <translation>已超时：应已回访该市民</translation>
    </message>
    <message>
        <source>to call</source>
        <translation>待回访</translation>
    </message>
    <message>
        <source>No call-back selected.</source>
        <translation>未选择回访。</translation>
    </message>
    <message>
        <source>Case {number} · {category} · {address}
Closed {closed}, call back by {due}</source>
        <translation>案卷 {number} · {category} · {address}
{closed} 结案，{due} 前回访</translation>
    </message>
    <message>
        <source>Call-back of case {number} recorded.</source>
        <translation>案卷 {number} 的回访结果已登记。</translation>
    </message>
    <message>
        <source>Case {number} reopened for rework.</source>
        <translation>案卷 {number} 已重新办理（返工）。</translation>
    </message>
    <message>
        <source>Rework of case {number} declined.</source>
        <translation>案卷 {number} 的返工申请未获同意。</translation>
    </message>
</context>
<context>
    <name>Callbacks</name>
    <message>
        <source>Satisfied</source>
        <extracomment>The call-back list follows these changes (a closure queues one; an answer takes it away). Of the case changes only these add or take away a call-back: any other re-reading the list would be one more statement per seat for every change in the city.</extracomment>
        <translation>满意</translation>
    </message>
    <message>
        <source>Basically satisfied</source>
        <translation>基本满意</translation>
    </message>
    <message>
        <source>Not satisfied</source>
        <translation>不满意</translation>
    </message>
    <message>
        <source>Unreachable</source>
        <translation>无法联系</translation>
    </message>
    <message>
        <source>rework asked, waiting for the leader</source>
        <translation>已提请返工，待领导审批</translation>
    </message>
    <message>
        <source>reopened for rework</source>
        <translation>已重新办理</translation>
    </message>
    <message>
        <source>rework declined</source>
        <translation>返工未获同意</translation>
    </message>
</context>
<context>
    <name>CallerHistoryBox</name>
    <message>
        <source>Case</source>
        <extracomment>Typing pauses this long before the number is looked up (a lookup per key is wasted work).</extracomment>
        <translation>案卷</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Reported</source>
        <translation>上报时间</translation>
    </message>
    <message>
        <source>Calls</source>
        <translation>来电次数</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>问题描述</translation>
    </message>
    <message>
        <source>Open case</source>
        <translation>打开案卷</translation>
    </message>
    <message>
        <source>Link this call to the case</source>
        <translation>记入该案卷</translation>
    </message>
    <message>
        <source>Record the call on the selected open case (a repeat call) instead of filing a new one</source>
        <translation>将本次来电作为重复来电记入所选未办结案卷，不新建案卷</translation>
    </message>
    <message>
        <source>This number called {calls} time(s) before, last on {last}; {open} case(s) still open</source>
        <translation>该号码此前来电 {calls} 次，最近一次 {last}；尚有 {open} 件未办结</translation>
    </message>
</context>
<context>
    <name>CaseQueueModel</name>
    <message>
        <source>{status} · extension asked</source>
        <translation>{status} · 延期待批</translation>
    </message>
    <message>
        <source>Cell {cell}
{address}</source>
        <translation>网格 {cell}
{address}</translation>
    </message>
    <message>
        <source>{stage}: limit {due}</source>
        <translation>{stage}：时限 {due}</translation>
    </message>
    <message>
        <source>Deadline {deadline}</source>
        <translation>处置时限 {deadline}</translation>
    </message>
    <message>
        <source>Extension to {deadline} asked</source>
        <translation>申请延期至 {deadline}</translation>
    </message>
    <message>
        <source>Urgent case</source>
        <translation>紧急案卷</translation>
    </message>
    <message>
        <source>Open supervision order: {level}</source>
        <translation>督办中：{level}</translation>
    </message>
</context>
<context>
    <name>CategoryPicker</name>
    <message>
        <source>Type a code or a name, e.g. 20102 or 垃圾</source>
        <translation>输入编码或名称，如 20102 或 垃圾</translation>
    </message>
</context>
<context>
    <name>Countdown</name>
    <message>
        <source>{days} d {hours} h</source>
        <translation>{days}天{hours}时</translation>
    </message>
    <message>
        <source>{hours} h {minutes} min</source>
        <translation>{hours}时{minutes}分</translation>
    </message>
    <message>
        <source>{minutes} min</source>
        <translation>{minutes}分</translation>
    </message>
    <message>
        <source>{time} left</source>
        <translation>剩余 {time}</translation>
    </message>
    <message>
        <source>Overdue {time}</source>
        <translation>超期 {time}</translation>
    </message>
    <message>
        <source>Handled on time</source>
        <translation>按期处置</translation>
    </message>
    <message>
        <source>Handled late</source>
        <translation>超期处置</translation>
    </message>
    <message>
        <source>Parked</source>
        <translation>已挂账</translation>
    </message>
</context>
<context>
    <name>DepartmentOrders</name>
    <message>
        <source>{name} is already under {level}.</source>
        <translation>{name} 已在{level}中。</translation>
    </message>
    <message>
        <source>{level} raised on {name}, answer due {due}.</source>
        <translation>已对 {name} 下达{level}，应于 {due} 前答复。</translation>
    </message>
</context>
<context>
    <name>DetailPane</name>
    <message>
        <source>No case selected</source>
        <translation>未选择案卷</translation>
    </message>
    <message>
        <source>Show on map</source>
        <translation>在地图上显示</translation>
    </message>
    <message>
        <source>Centre the map on this case (M)</source>
        <translation>地图定位到此案卷（M）</translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>办理过程</translation>
    </message>
    <message>
        <source>Select a case in the queue. ↑/↓ move, the letters on the buttons act (R register, D dispatch, K check, C close…), Ctrl+N takes a hotline call.</source>
        <translation>在队列中选择案卷：↑/↓ 切换，按钮上的字母即快捷键（R 立案、D 派遣、K 核查、C 结案…），Ctrl+N 热线受理。</translation>
    </message>
    <message>
        <source>{n} cases selected</source>
        <translation>已选择 {n} 件案卷</translation>
    </message>
    <message>
        <source>Bulk dispatch (D) and bulk close (C) act on every selected case that allows it; the others are named with the reason.</source>
        <translation>批量派遣（D）和批量结案（C）办理所选的每件可办理案卷；不能办理的会列出原因。</translation>
    </message>
    <message>
        <source>Case {number}</source>
        <translation>案卷 {number}</translation>
    </message>
    <message>
        <source>Urgent</source>
        <translation>紧急</translation>
    </message>
    <message>
        <source>Extension to {deadline} awaits approval</source>
        <translation>申请延期至 {deadline}，待审批</translation>
    </message>
    <message>
        <source>A joint case: act on the department&apos;s part under Departments below.</source>
        <translation>联合处置案卷：请在下方“联合处置部门”中办理本部门的部分。</translation>
    </message>
    <message>
        <source>Your role can take no action on this case in its current state.</source>
        <translation>案卷当前状态下，您的角色没有可办理的操作。</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>limit {limit}</source>
        <translation>时限 {limit}</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Cell {cell}
{region}</source>
        <translation>网格 {cell}
{region}</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>Coordinates</source>
        <translation>坐标</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>问题描述</translation>
    </message>
    <message>
        <source>Photo check</source>
        <translation>照片核验</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Reported</source>
        <translation>上报时间</translation>
    </message>
    <message>
        <source>Reference</source>
        <translation>外部编号</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>处置部门</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>处置时限</translation>
    </message>
    <message>
        <source>registered</source>
        <translation>立案</translation>
    </message>
    <message>
        <source>dispatched</source>
        <translation>派遣</translation>
    </message>
    <message>
        <source>handled</source>
        <translation>处置</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>结案</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>办理进度</translation>
    </message>
    <message>
        <source>Checked by</source>
        <translation>核查监督员</translation>
    </message>
    <message>
        <source>rework</source>
        <translation>返工</translation>
    </message>
    <message>
        <source>extensions</source>
        <translation>延期</translation>
    </message>
    <message>
        <source>returns</source>
        <translation>回退</translation>
    </message>
    <message>
        <source>Counts</source>
        <translation>次数</translation>
    </message>
    <message>
        <source>Campaigns</source>
        <translation>专项整治</translation>
    </message>
    <message>
        <source>Duplicate of</source>
        <translation>重复于</translation>
    </message>
    <message>
        <source>Duplicate reports</source>
        <translation>重复上报</translation>
    </message>
    <message>
        <source>Field check: handled</source>
        <translation>城管通核查：已处置</translation>
    </message>
    <message>
        <source>Field check: not handled</source>
        <translation>城管通核查：未处置</translation>
    </message>
    <message>
        <source>Field check</source>
        <translation>城管通核查</translation>
    </message>
    <message>
        <source>Reported photo</source>
        <translation>上报照片</translation>
    </message>
    <message>
        <source>Photo</source>
        <translation>照片</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>加载中…</translation>
    </message>
    <message>
        <source>Photo not found</source>
        <translation>照片不存在</translation>
    </message>
    <message>
        <source>deadline {deadline}</source>
        <translation>时限 {deadline}</translation>
    </message>
    <message>
        <source> ({n} photos)</source>
        <translation>（{n} 张照片）</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>Case {number} is already finished; the report cannot be merged into it. Save it as a new case instead.</source>
        <translation>案卷 {number} 已办结，不能合并到该案卷，请另行新建案卷。</translation>
    </message>
    <message>
        <source>Choose the case category.</source>
        <translation>请选择案件类别。</translation>
    </message>
    <message>
        <source>Describe the problem the caller reports.</source>
        <translation>请填写来电人反映的问题。</translation>
    </message>
    <message>
        <source>Give the caller&apos;s phone number, so the case can be followed up.</source>
        <translation>请填写来电人电话，以便回访。</translation>
    </message>
    <message>
        <source>Case {number} is a joint case: each department acts on its own part.</source>
        <translation>案卷 {number} 为联合处置案卷：各部门只能办理本部门承担的部分。</translation>
    </message>
    <message>
        <source>That part of case {number} belongs to another department; act on your own.</source>
        <translation>案卷 {number} 的该部分属于其他部门，请办理本部门的部分。</translation>
    </message>
    <message>
        <source>“{action}” is not possible on a part that is {state}.</source>
        <translation>部门部分处于“{state}”状态，不能执行“{action}”。</translation>
    </message>
    <message>
        <source>Write the department&apos;s reply.</source>
        <translation>请填写部门反馈意见。</translation>
    </message>
    <message>
        <source>A department is named twice: the lead cannot also assist, nor assist twice.</source>
        <translation>部门重复：主办部门不能同时协办，协办部门也不能重复选择。</translation>
    </message>
    <message>
        <source>The duty leader ruled that this department owns the case; it cannot be returned as not its own again.</source>
        <translation>带班领导已裁定本部门为责任单位，不能再以非本单位职责回退。</translation>
    </message>
    <message>
        <source>Case {number} was ruled to belong to {department}; dispatch it there.</source>
        <translation>案卷 {number} 已裁定由 {department} 负责，请派往该部门。</translation>
    </message>
    <message>
        <source>Case {number} is not a dispute (not returned often enough, or finished).</source>
        <translation>案卷 {number} 不是权属争议（回退次数未超过设定值，或已办结）。</translation>
    </message>
    <message>
        <source>Case {number} has been ruled on already; a ruling stands.</source>
        <translation>案卷 {number} 已经裁定，裁定不可更改。</translation>
    </message>
    <message>
        <source>“{outcome}” is not a call-back outcome.</source>
        <translation>“{outcome}”不是有效的回访结果。</translation>
    </message>
    <message>
        <source>Only a citizen who is not satisfied can have the case reopened for rework.</source>
        <translation>只有市民不满意时才能提请重新办理。</translation>
    </message>
    <message>
        <source>The call-back of case {number} has already been recorded.</source>
        <translation>案卷 {number} 的回访结果已登记过。</translation>
    </message>
    <message>
        <source>No rework was asked for case {number}, or it has already been decided.</source>
        <translation>案卷 {number} 没有待审批的返工申请，或已审批。</translation>
    </message>
</context>
<context>
    <name>FilterBar</name>
    <message>
        <source>Code or name, e.g. 201 or 井盖</source>
        <translation>编码或名称，如 201 或 井盖</translation>
    </message>
    <message>
        <source>Cell code</source>
        <translation>网格编码</translation>
    </message>
    <message>
        <source>Clear filters</source>
        <translation>清除筛选</translation>
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
        <source>District</source>
        <translation>区</translation>
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
        <source>Cell</source>
        <translation>网格</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>部门</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Urgency</source>
        <translation>紧急程度</translation>
    </message>
    <message>
        <source>Campaign</source>
        <translation>专项</translation>
    </message>
    <message>
        <source>All districts</source>
        <translation>全部区</translation>
    </message>
    <message>
        <source>All departments</source>
        <translation>全部部门</translation>
    </message>
    <message>
        <source>All sources</source>
        <translation>全部来源</translation>
    </message>
    <message>
        <source>Urgent or not</source>
        <translation>不限</translation>
    </message>
    <message>
        <source>Urgent only</source>
        <translation>仅紧急</translation>
    </message>
    <message>
        <source>Not urgent</source>
        <translation>非紧急</translation>
    </message>
    <message>
        <source>All campaigns</source>
        <translation>全部专项</translation>
    </message>
    <message>
        <source>No campaign running</source>
        <translation>暂无专项整治</translation>
    </message>
    <message>
        <source>All statuses</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <source>All streets</source>
        <translation>全部街道</translation>
    </message>
    <message>
        <source>All communities</source>
        <translation>全部社区</translation>
    </message>
    <message>
        <source>category {value}</source>
        <translation>类别 {value}</translation>
    </message>
    <message>
        <source>cell {code}</source>
        <translation>网格 {code}</translation>
    </message>
</context>
<context>
    <name>JointDispatchBox</name>
    <message>
        <source>Tick the departments that assist (协办); the one chosen above leads (主办).</source>
        <translation>勾选协办部门；上面选择的部门为主办部门。</translation>
    </message>
    <message>
        <source>Precedent: case {number} ({distance} m away) was ruled to {department} on {date}: {reason}</source>
        <translation>先例：案卷 {number}（相距 {distance} 米）于 {date} 裁定由 {department} 负责：{reason}</translation>
    </message>
</context>
<context>
    <name>JointParts</name>
    <message>
        <source>Lead</source>
        <translation>主办</translation>
    </message>
    <message>
        <source>Assisting</source>
        <translation>协办</translation>
    </message>
    <message>
        <source>Dispatched</source>
        <translation>已派遣</translation>
    </message>
    <message>
        <source>Handling</source>
        <translation>处置中</translation>
    </message>
    <message>
        <source>Handled</source>
        <translation>已处置</translation>
    </message>
    <message>
        <source>Replied</source>
        <translation>已反馈</translation>
    </message>
    <message>
        <source>Returned: not ours</source>
        <translation>已回退（非本单位）</translation>
    </message>
    <message>
        <source>Withdrawn</source>
        <translation>已撤回</translation>
    </message>
    <message>
        <source>Take up</source>
        <translation>签收</translation>
    </message>
    <message>
        <source>Reply</source>
        <translation>反馈意见</translation>
    </message>
    <message>
        <source>Return: not ours</source>
        <translation>回退（非本单位）</translation>
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
        <source>Send back for rework</source>
        <translation>返工</translation>
    </message>
    <message>
        <source>Departments (joint case)</source>
        <translation>联合处置部门</translation>
    </message>
    <message>
        <source>extension to {deadline} asked</source>
        <translation>申请延期至 {deadline}</translation>
    </message>
    <message>
        <source>returns</source>
        <translation>回退</translation>
    </message>
    <message>
        <source>rework</source>
        <translation>返工</translation>
    </message>
    <message>
        <source>extensions</source>
        <translation>延期</translation>
    </message>
    <message>
        <source>deadline {deadline}</source>
        <translation>时限 {deadline}</translation>
    </message>
</context>
<context>
    <name>NewCaseForm</name>
    <message>
        <source>Hotline intake · new case</source>
        <translation>热线受理 · 新建案卷</translation>
    </message>
    <message>
        <source>Name (may stay empty)</source>
        <translation>姓名（可不填）</translation>
    </message>
    <message>
        <source>e.g. 13812345678 or 0571-87654321</source>
        <translation>如 13812345678 或 0571-87654321</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <source>Caller</source>
        <translation>来电人</translation>
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
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Pick on map</source>
        <translation>地图选点</translation>
    </message>
    <message>
        <source>Then click the place on the map</source>
        <translation>然后在地图上点击位置</translation>
    </message>
    <message>
        <source>Cell code, Enter</source>
        <translation>网格编码，回车确认</translation>
    </message>
    <message>
        <source>Address as the caller says it</source>
        <translation>来电人所说的地址</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>查找</translation>
    </message>
    <message>
        <source>Look the address up among earlier reports and communities</source>
        <translation>在以往上报和社区名称中查找该地址</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>No location yet</source>
        <translation>尚未定位</translation>
    </message>
    <message>
        <source>What the caller reports</source>
        <translation>来电人反映的问题</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>问题描述</translation>
    </message>
    <message>
        <source>Case</source>
        <translation>案卷</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Distance</source>
        <translation>距离</translation>
    </message>
    <message>
        <source>Reported</source>
        <translation>上报时间</translation>
    </message>
    <message>
        <source>Merge as duplicate</source>
        <translation>合并为重复</translation>
    </message>
    <message>
        <source>Record the call on the selected case instead of a new one</source>
        <translation>将本次来电记录到所选案卷，不新建案卷</translation>
    </message>
    <message>
        <source>Save new case</source>
        <translation>保存新案卷</translation>
    </message>
    <message>
        <source>Ctrl+Enter</source>
        <translation>Ctrl+回车</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Cell {cell} · {street} {community} · {lon}, {lat}</source>
        <translation>网格 {cell} · {street} {community} · {lon}, {lat}</translation>
    </message>
    <message>
        <source>No earlier report or community matches this address: pick the place on the map or give the cell.</source>
        <translation>没有以往上报或社区与该地址相符：请在地图上选点或填写网格编码。</translation>
    </message>
    <message>
        <source>{label} — cell {cell}, {community}</source>
        <translation>{label} — 网格 {cell}，{community}</translation>
    </message>
    <message>
        <source>{metres} m</source>
        <translation>{metres} 米</translation>
    </message>
    <message>
        <source>Possible duplicates: {n} open case(s) of this kind within 50 m in the last 24 hours</source>
        <translation>可能重复：24 小时内 50 米范围内有 {n} 件同类未办结案卷</translation>
    </message>
    <message>
        <source>Duplicate of case {number}</source>
        <translation>与案卷 {number} 重复</translation>
    </message>
    <message>
        <source>Repeat report by {caller} {phone}: {description}</source>
        <translation>{caller} {phone} 重复来电：{description}</translation>
    </message>
    <message>
        <source>a caller</source>
        <translation>来电人</translation>
    </message>
    <message>
        <source>Repeat call by {caller} {phone}: {description}</source>
        <translation>{caller} {phone} 再次来电：{description}</translation>
    </message>
    <message>
        <source>asks after the case</source>
        <translation>询问办理进展</translation>
    </message>
    <message>
        <source>The call was recorded on case {number} as a repeat call.</source>
        <translation>本次来电已作为重复来电记入案卷 {number}。</translation>
    </message>
    <message>
        <source>New case {number} saved.</source>
        <translation>新案卷 {number} 已保存。</translation>
    </message>
    <message>
        <source>The call was recorded on case {number} as a duplicate.</source>
        <translation>本次来电已作为重复上报记录到案卷 {number}。</translation>
    </message>
</context>
<context>
    <name>PartActionDialog</name>
    <message>
        <source>Reply</source>
        <translation>反馈意见</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Deadline</source>
        <translation>处置时限</translation>
    </message>
</context>
<context>
    <name>QueueActions</name>
    <message>
        <source>Hotline intake</source>
        <translation>热线受理</translation>
    </message>
    <message>
        <source>Show on map</source>
        <translation>在地图上显示</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>All cases</source>
        <translation>全部</translation>
    </message>
</context>
<context>
    <name>QueueColumns</name>
    <message>
        <source>Number</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Department</source>
        <translation>处置部门</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Time left</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <source>Reported</source>
        <translation>上报时间</translation>
    </message>
</context>
<context>
    <name>QueueDock</name>
    <message>
        <source>Case queues</source>
        <translation>案件队列</translation>
    </message>
    <message>
        <source>Search number, address, description, phone (Ctrl+F)</source>
        <translation>搜索编号、地址、描述、电话（Ctrl+F）</translation>
    </message>
    <message>
        <source>Filters</source>
        <translation>筛选</translation>
    </message>
    <message>
        <source>Excel…</source>
        <translation>导出 Excel…</translation>
    </message>
    <message>
        <source>Export this view (tab, filter, order) to Excel</source>
        <translation>将当前视图（标签页、筛选、排序）导出到 Excel</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>All cases</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>Search number, address, description (Ctrl+F)</source>
        <translation>搜索编号、地址、描述（Ctrl+F）</translation>
    </message>
    <message>
        <source>Callers&apos; phone numbers are not searched, and words with digits are looked for in case numbers and addresses only: the numbers in descriptions stay private.</source>
        <translation>不搜索来电人电话；含数字的词只在案卷编号和地址中查找，问题描述中的号码不公开。</translation>
    </message>
    <message>
        <source>Reading the queue…</source>
        <translation>正在读取队列…</translation>
    </message>
    <message>
        <source>No cases here.</source>
        <translation>此队列暂无案卷。</translation>
    </message>
    <message>
        <source>Filtered: {what}</source>
        <translation>筛选：{what}</translation>
    </message>
    <message>
        <source>{stage} {count}</source>
        <translation>{stage} {count}</translation>
    </message>
</context>
<context>
    <name>RaiseDialog</name>
    <message>
        <source>Supervise</source>
        <translation>督办</translation>
    </message>
    <message>
        <source>What is to be done, and why it is pressed</source>
        <translation>要办什么、为何督办</translation>
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
        <source>Answer due</source>
        <translation>答复期限</translation>
    </message>
</context>
<context>
    <name>Reasons</name>
    <message>
        <source>Not confirmed on site</source>
        <translation>现场核实不属实</translation>
    </message>
    <message>
        <source>Already gone when the officer arrived</source>
        <translation>监督员到场时问题已不存在</translation>
    </message>
    <message>
        <source>Duplicate report</source>
        <translation>重复上报</translation>
    </message>
    <message>
        <source>Not city management&apos;s responsibility</source>
        <translation>不属于城市管理范围</translation>
    </message>
    <message>
        <source>Not our department&apos;s responsibility</source>
        <translation>非本单位职责</translation>
    </message>
    <message>
        <source>Not fully handled</source>
        <translation>处置不到位</translation>
    </message>
    <message>
        <source>The problem has come back</source>
        <translation>问题反弹</translation>
    </message>
    <message>
        <source>Needs a coordinated solution</source>
        <translation>需统筹解决</translation>
    </message>
    <message>
        <source>Withdrawn by the reporter</source>
        <translation>上报人撤回</translation>
    </message>
    <message>
        <source>Entered by mistake</source>
        <translation>误录入</translation>
    </message>
</context>
<context>
    <name>SupervisionBox</name>
    <message>
        <source>Supervision orders</source>
        <translation>督办</translation>
    </message>
    <message>
        <source>Supervise…</source>
        <translation>督办…</translation>
    </message>
    <message>
        <source>Raise a supervision order on this case, or step its open order up</source>
        <translation>对本案下达督办，或将未关闭的督办升级</translation>
    </message>
    <message>
        <source>Answer…</source>
        <translation>答复…</translation>
    </message>
    <message>
        <source>Close order</source>
        <translation>关闭督办</translation>
    </message>
    <message>
        <source>Close this supervision order? It stops counting against the department.</source>
        <translation>关闭此督办？关闭后不再计入部门考核。</translation>
    </message>
    <message>
        <source>No supervision order on this case.</source>
        <translation>本案没有督办。</translation>
    </message>
    <message>
        <source>closed {time}</source>
        <translation>已于 {time} 关闭</translation>
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
        <source>automatic (past deadline)</source>
        <translation>系统自动（超期）</translation>
    </message>
    <message>
        <source>by {issuer}, {issued} · answer due {due}</source>
        <translation>{issuer} 于 {issued} 下达 · {due} 前答复</translation>
    </message>
    <message>
        <source>Reply: {reply} · done by {promised}</source>
        <translation>答复：{reply} · 承诺 {promised} 前完成</translation>
    </message>
    <message>
        <source>Step up…</source>
        <translation>升级督办…</translation>
    </message>
</context>
<context>
    <name>TimeUnits</name>
    <message>
        <source>work hours</source>
        <translation>工作时</translation>
    </message>
    <message>
        <source>work days</source>
        <translation>工作日</translation>
    </message>
    <message>
        <source>hours</source>
        <translation>小时</translation>
    </message>
</context>
</TS>
