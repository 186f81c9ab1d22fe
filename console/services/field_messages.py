"""The console's Chinese sentences for the refusals an officer's phone can meet (城管通).

console/common/messages.py words refusals for the console through Qt's translations; the field
app sits below the Qt side and answers in Chinese only, so the sentences it needs are kept here
in the console's words. tests/test_field_messages.py renders every code the phone's services can
raise through both and requires the same sentence: change one, the test names the other.
"""
from __future__ import annotations

from typing import Any

from console.domain.errors import DomainError

SENTENCES: dict[str, str] = {
    "action_not_allowed_in_state": "案卷当前为“{status}”状态，不能执行“{action}”。",
    "bad_coordinates": "坐标（{lon}, {lat}）无效。",
    "cell_retired": "单元网格 {code} 已在网格导入时停用，请选择当前网格中的单元网格。",
    "verification_required": "该来源的上报须先经现场核实才能立案：请先派监督员核实。",
    "bad_phone": "“{phone}”不是有效的电话号码。",
    "deadline_in_past": "截止时间 {deadline} 已过，请选择更晚的时间。",
    "deadline_required": "“{action}”须设定处置时限。",
    "department_required": "请选择负责处置的专业部门。",
    "idempotency_key_reused": "幂等键 {key} 已用于另一项不同的提交，请为新的提交生成新的键。",
    "duplicate_report": "该上报（编号 {external_id}）已经收到，不再重复受理。",
    "extension_already_requested": "该案卷已申请延期，正在等待审批。",
    "extension_not_later": "延期后的截止时间必须晚于当前截止时间（{deadline}）。",
    "extension_not_requested": "该案卷没有待审批的延期申请。",
    "location_outside_city": "位置（{lon}, {lat}）不在本市任何单元网格内。",
    "location_required": "请提供位置：在地图上选点或填写单元网格编码。",
    "not_a_list": "{field}必须是列表。",
    "not_found": "{what} {key} 不存在（可能已被删除）。",
    "not_text": "{field}必须是文字。",
    "note_required": "请先填写备注内容。",
    "patrol_required": "请选择负责核查的监督员。",
    "reason_required": "“{action}”须填写理由。",
    "role_not_allowed": "“{role}”角色无权执行“{action}”。",
    "stale_version": "案卷 {number} 已被他人修改，请刷新后重试。",
    "text_bad_character": "{field}中含有无法保存的字符（{character}），请删除后重试。",
    "text_too_long": "{field}过长，最多 {limit} 个字符。",
    "too_many_items": "{field}过多，最多 {limit} 个。",
    "unknown_action": "未知的操作“{action}”。",
    "unknown_category": "不存在编码为 {code} 的有效案件类别。",
    "unknown_cell": "不存在编码为 {code} 的单元网格。",
    "unknown_source": "未知的案件来源“{source}”。",
    "unknown_user": "不存在用户名为“{username}”的有效用户。",
    "user_inactive": "账户“{username}”已停用，请重新登录。",
}
#: The console's "operation not completed" sentence, for a code the phone does not know.
UNKNOWN = "操作未能完成（原因代码：{code}）。"

# Parameters that are codes are named in the sentence, as the console names them.
NAMES: dict[str, dict[str, str]] = {
    "action": {"report": "上报", "register": "立案", "reject": "不予立案", "dispatch": "派遣",
               "return": "回退", "request_extension": "申请延期",
               "approve_extension": "批准延期", "deny_extension": "驳回延期",
               "mark_handled": "处置完成", "request_check": "核查", "close": "结案",
               "rework": "返工", "park": "挂账", "resume": "恢复办理", "cancel": "作废",
               "add_note": "添加备注"},
    "status": {"reported": "已上报", "registered": "已立案", "rejected": "不予立案",
               "dispatched": "已派遣", "handled": "处置完成", "checking": "核查中",
               "closed": "已结案", "parked": "挂账", "cancelled": "已作废"},
    "role": {"dispatcher": "值班员", "leader": "带班领导", "department": "专业部门",
             "patrol": "监督员", "admin": "系统管理员", "viewer": "只读观察员", "system": "系统"},
    "field": {"description": "问题描述", "address": "地址", "reporter_name": "来电人姓名",
              "reporter_phone": "电话号码", "external_id": "上报编号", "photo": "照片引用",
              "photos": "照片", "note": "备注", "reason": "理由", "category_code": "类别代码",
              "cell_code": "网格编码", "device_id": "设备编号"},
    "what": {"case": "案卷", "department": "部门", "patrol": "监督员", "user": "用户",
             "device": "终端设备", "category": "案件类别", "cell": "单元网格"},
}


class _Params(dict):
    def __missing__(self, key: str) -> str:
        return "…"


def sentence(exc: DomainError) -> str:
    """The refusal as the console words it in Chinese."""
    values: dict[str, Any] = _Params({k: NAMES[k].get(str(v), str(v)) if k in NAMES else v
                                      for k, v in exc.params.items()})
    values.setdefault("code", exc.code)
    template = SENTENCES.get(exc.code)
    if template is None:
        return UNKNOWN.format(code=exc.code)
    return template.format_map(values)
