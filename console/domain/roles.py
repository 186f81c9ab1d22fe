"""Who may act: the roles of the command centre and the field."""
from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    DISPATCHER = "dispatcher"   # 值班员/派遣员: intake, registration, dispatch, closure
    LEADER = "leader"           # 带班领导/值班长: everything a dispatcher does, plus approvals and 督办
    DEPARTMENT = "department"   # 专业部门: handles what is dispatched to it
    PATROL = "patrol"           # 监督员: reports and checks from the field
    ADMIN = "admin"             # 系统管理员: configuration; may also act as a leader
    VIEWER = "viewer"           # 大屏/督查: reads everything, changes nothing
    SYSTEM = "system"           # field intake and other machine writers (reports only)


ALL_ROLES: frozenset[Role] = frozenset(Role)
#: Roles a user account may hold; SYSTEM is for machines, an actor made in code, never a seat.
USER_ROLES: frozenset[Role] = ALL_ROLES - {Role.SYSTEM}
