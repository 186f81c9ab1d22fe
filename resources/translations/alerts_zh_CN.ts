<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AckDialog</name>
    <message>
        <source>Acknowledge alerts</source>
        <translation>确认告警</translation>
    </message>
    <message>
        <source>you</source>
        <translation>您</translation>
    </message>
    <message>
        <source>Acknowledge this alert as {user}.</source>
        <translation>以 {user} 的身份确认这条告警。</translation>
    </message>
    <message>
        <source>Acknowledge {count} alerts as {user}.</source>
        <translation>以 {user} 的身份确认 {count} 条告警。</translation>
    </message>
    <message>
        <source>Note for colleagues (optional):</source>
        <translation>给同事的备注（可选）：</translation>
    </message>
    <message>
        <source>e.g. phoned the department, officer on his way</source>
        <translation>例如：已电话通知责任部门，监督员正在赶往现场</translation>
    </message>
    <message>
        <source>Acknowledge</source>
        <translation>确认</translation>
    </message>
</context>
<context>
    <name>AlertHeader</name>
    <message>
        <source>All {n}</source>
        <translation>全部 {n}</translation>
    </message>
    <message>
        <source>{n} critical alert(s) not acknowledged</source>
        <translation>{n} 条严重告警未确认</translation>
    </message>
    <message>
        <source>{unack} need a human · {total} open</source>
        <translation>{unack} 条待处理 · 共 {total} 条</translation>
    </message>
    <message>
        <source> · standing for {n} cases and officers</source>
        <translation> · 涉及 {n} 件案卷和队员</translation>
    </message>
    <message>
        <source>No open alerts: the rules are watching</source>
        <translation>暂无告警，规则监测中</translation>
    </message>
    <message>
        <source>Alert sound off — click to switch it on</source>
        <translation>告警声音已关闭，点击开启</translation>
    </message>
    <message>
        <source>Alert sound on — click to mute</source>
        <translation>告警声音已开启，点击静音</translation>
    </message>
</context>
<context>
    <name>AlertKinds</name>
    <message>
        <source>Urgent case</source>
        <translation>急件</translation>
    </message>
    <message>
        <source>Near deadline</source>
        <translation>临期</translation>
    </message>
    <message>
        <source>Overdue</source>
        <translation>超期</translation>
    </message>
    <message>
        <source>Overdue cases</source>
        <translation>超期汇总</translation>
    </message>
    <message>
        <source>Cases near deadline</source>
        <translation>临期汇总</translation>
    </message>
    <message>
        <source>Patrols offline</source>
        <translation>集体离线</translation>
    </message>
    <message>
        <source>Centre stage near its limit</source>
        <translation>中心环节临近时限</translation>
    </message>
    <message>
        <source>Centre stage over its limit</source>
        <translation>中心环节超时</translation>
    </message>
    <message>
        <source>Off post</source>
        <translation>脱岗</translation>
    </message>
    <message>
        <source>Idle</source>
        <translation>窝岗</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>Left early</source>
        <translation>提前退岗</translation>
    </message>
    <message>
        <source>Hotspot</source>
        <translation>高发</translation>
    </message>
    <message>
        <source>Recurrences</source>
        <translation>回潮汇总</translation>
    </message>
    <message>
        <source>Recurrence</source>
        <translation>回潮</translation>
    </message>
    <message>
        <source>Department backlog</source>
        <translation>部门积压</translation>
    </message>
    <message>
        <source>Impossible jump</source>
        <translation>定位跳变</translation>
    </message>
    <message>
        <source>Supervision order</source>
        <translation>督办</translation>
    </message>
    <message>
        <source>Supervision order on the department</source>
        <translation>部门督办</translation>
    </message>
    <message>
        <source>Street-front unit offending again</source>
        <translation>门前三包回潮</translation>
    </message>
    <message>
        <source>Call-backs overdue</source>
        <translation>回访超期</translation>
    </message>
</context>
<context>
    <name>AlertTexts</name>
    <message>
        <source>{m} min</source>
        <translation>{m} 分钟</translation>
    </message>
    <message>
        <source>{h} h {m:02d} min</source>
        <translation>{h} 小时 {m:02d} 分</translation>
    </message>
    <message>
        <source>{d} d {h} h</source>
        <translation>{d} 天 {h} 小时</translation>
    </message>
    <message>
        <source>Case {number}</source>
        <translation>案卷 {number}</translation>
    </message>
    <message>
        <source>Cell {cell}</source>
        <translation>网格 {cell}</translation>
    </message>
    <message>
        <source>Device {device}</source>
        <translation>设备 {device}</translation>
    </message>
    <message>
        <source>{n} of {on_shift} officers on shift</source>
        <translation>在岗 {on_shift} 人中 {n} 人</translation>
    </message>
    <message>
        <source>{n} citizens to call back</source>
        <translation>{n} 位市民待回访</translation>
    </message>
    <message>
        <source>No department</source>
        <translation>未派部门</translation>
    </message>
    <message>
        <source>{name} · {n} cases</source>
        <translation>{name} · {n} 件</translation>
    </message>
    <message>
        <source>Reported at {time}, waiting {wait}</source>
        <translation>{time} 上报，已等待 {wait}</translation>
    </message>
    <message>
        <source>Due at {time}</source>
        <translation>将于 {time} 到期</translation>
    </message>
    <message>
        <source>Deadline {time}, overdue by {late}</source>
        <translation>期限 {time}，已超期 {late}</translation>
    </message>
    <message>
        <source>{stage} due at {time}</source>
        <translation>{stage}时限 {time}</translation>
    </message>
    <message>
        <source>{stage} due {time}, over by {late}</source>
        <translation>{stage}时限 {time}，已超 {late}</translation>
    </message>
    <message>
        <source>Outside the work grid for {duration}</source>
        <translation>离开责任网格已 {duration}</translation>
    </message>
    <message>
        <source>At one spot since {time}</source>
        <translation>自 {time} 起停留原地</translation>
    </message>
    <message>
        <source>No position since {time}</source>
        <translation>{time} 起无定位</translation>
    </message>
    <message>
        <source>No position since the shift began at {time}</source>
        <translation>自 {time} 上岗以来无定位</translation>
    </message>
    <message>
        <source>Last position {time}, shift ends {end}</source>
        <translation>最后定位 {time}，下岗时间 {end}</translation>
    </message>
    <message>
        <source>{count} cases within {hours} h</source>
        <translation>{hours} 小时内 {count} 起</translation>
    </message>
    <message>
        <source>Case {number} here was closed {time}</source>
        <translation>此网格同类案卷 {number} 已于 {time} 结案</translation>
    </message>
    <message>
        <source>Oldest overdue by {late} (deadline {time})</source>
        <translation>最久已超期 {late}（时限 {time}）</translation>
    </message>
    <message>
        <source>The first due at {time}</source>
        <translation>最早 {time} 到期</translation>
    </message>
    <message>
        <source>Back again after closing; the oldest reported {time}</source>
        <translation>结案后再现；最早 {time} 上报</translation>
    </message>
    <message>
        <source>No position has ever arrived from the field: intake or network</source>
        <translation>外场从未收到任何定位：接入服务或网络故障</translation>
    </message>
    <message>
        <source>No positions arriving from the field at all (newest {time}): intake or network</source>
        <translation>外场定位全部中断（最新 {time}）：接入服务或网络故障</translation>
    </message>
    <message>
        <source>{n} others still report: those phones or their area</source>
        <translation>其他 {n} 人仍在上报：查这些终端或所在区域</translation>
    </message>
    <message>
        <source>Oldest due {time}, late by {late}</source>
        <translation>最早 {time} 到期，已超时 {late}</translation>
    </message>
    <message>
        <source>{open} open, {overdue} overdue</source>
        <translation>在办 {open} 件，超期 {overdue} 件</translation>
    </message>
    <message>
        <source>{level}: {reason} · answer due {time}</source>
        <translation>{level}：{reason} · {time} 前答复</translation>
    </message>
    <message>
        <source>Reported from two places {kmh} km/h apart at {time}: two phones with one id, or a false fix</source>
        <translation>{time} 两地上报，折合 {kmh} km/h，疑一号多机或误定位</translation>
    </message>
    <message>
        <source>{code} {name}: {count} offences within {days} days</source>
        <translation>{code} {name}：{days} 天内违规 {count} 次</translation>
    </message>
    <message>
        <source>{code} {name} · silent {since}</source>
        <translation>{code} {name} · 已静默 {since}</translation>
    </message>
    <message>
        <source>overdue by {late}</source>
        <translation>已超期 {late}</translation>
    </message>
    <message>
        <source>due {time}</source>
        <translation>{time} 到期</translation>
    </message>
    <message>
        <source>after {number}</source>
        <translation>前案 {number}</translation>
    </message>
    <message>
        <source>call-back late by {late}</source>
        <translation>回访已超时 {late}</translation>
    </message>
    <message>
        <source>someone</source>
        <translation>某人</translation>
    </message>
    <message>
        <source>Acknowledged by {name} at {time}</source>
        <translation>{name} 于 {time} 确认</translation>
    </message>
    <message>
        <source>: “{note}”</source>
        <translation>：“{note}”</translation>
    </message>
    <message>
        <source>Not acknowledged</source>
        <translation>未确认</translation>
    </message>
    <message>
        <source>automatically</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>escalated to level {level} ({by}, {time})</source>
        <translation>已升级至 {level} 级（{by}，{time}）</translation>
    </message>
</context>
<context>
    <name>AlertsDock</name>
    <message>
        <source>Alerts</source>
        <translation>告警</translation>
    </message>
    <message>
        <source>&amp;Acknowledge…</source>
        <translation>确认(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation>定位(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Escalate</source>
        <translation>升级(&amp;E)</translation>
    </message>
    <message>
        <source>Reading alerts…</source>
        <translation>正在读取告警…</translation>
    </message>
    <message>
        <source>Alerts read at {time}</source>
        <translation>告警读取于 {time}</translation>
    </message>
    <message>
        <source>Department alerts have nothing to show on the map or in the queues</source>
        <translation>部门告警无法在地图或队列中定位</translation>
    </message>
    <message>
        <source>Rules checked at {time} in {ms} ms</source>
        <translation>规则检查于 {time}，用时 {ms} 毫秒</translation>
    </message>
    <message>
        <source>Another seat is running the alert rules; its alerts appear here</source>
        <translation>告警规则由其他席位运行，其告警同样显示于此</translation>
    </message>
    <message>
        <source>The alert rules failed and will retry: {error}</source>
        <translation>告警规则运行失败，将自动重试：{error}</translation>
    </message>
</context>
<context>
    <name>DigestMembers</name>
    <message>
        <source>{kind}: {n} — click one to show it</source>
        <translation>{kind}：{n} 项 — 点击查看</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>{by} already acknowledged this alert at {at}.</source>
        <extracomment>Kinds whose alert stands for many cases or officers (services/alert_digests.py). The order kinds are listed in (filters, counts): the case workflow, then patrols, then areas.</extracomment>
        <translation>{by} 已于 {at} 确认此告警。</translation>
    </message>
    <message>
        <source>This alert cleared by itself at {at}; there is nothing left to escalate.</source>
        <translation>此告警已于 {at} 自动解除，无需升级。</translation>
    </message>
    <message>
        <source>This alert is already at the highest escalation level ({level}).</source>
        <translation>此告警已处于最高升级级别（{level} 级）。</translation>
    </message>
    <message>
        <source>Someone else escalated this alert a moment ago; look at it again.</source>
        <translation>他人刚刚升级了此告警，请重新查看。</translation>
    </message>
    <message>
        <source>The role “{role}” may not acknowledge or escalate alerts.</source>
        <translation>“{role}”角色无权确认或升级告警。</translation>
    </message>
    <message>
        <source>The note is too long: at most {limit} characters.</source>
        <translation>备注过长，最多 {limit} 个字符。</translation>
    </message>
</context>
<context>
    <name>KpiStripDock</name>
    <message>
        <source>Status and KPIs</source>
        <translation>状态与指标</translation>
    </message>
    <message>
        <source>Reported today</source>
        <translation>今日上报</translation>
    </message>
    <message>
        <source>Registered today</source>
        <translation>今日立案</translation>
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
        <source>Overdue now</source>
        <translation>当前超期</translation>
    </message>
    <message>
        <source>Open cases</source>
        <translation>在办案卷</translation>
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
        <source>Changes per second</source>
        <translation>每秒变更</translation>
    </message>
    <message>
        <source>peak {peak}</source>
        <translation>峰值 {peak}</translation>
    </message>
    <message>
        <source>nothing due</source>
        <translation>暂无应结案</translation>
    </message>
    <message>
        <source>of {n} on shift</source>
        <translation>当班 {n} 人</translation>
    </message>
    <message>
        <source>Sparkline: the last 24 hours, hour by hour</source>
        <translation>趋势线：最近 24 小时，逐小时</translation>
    </message>
    <message>
        <source>Sparkline: the last two minutes</source>
        <translation>趋势线：最近两分钟</translation>
    </message>
</context>
</TS>
