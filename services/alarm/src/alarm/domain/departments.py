"""Departments an incident is routed to (multi-department linkage, 6.1.1 c), and the
roles that answer for one (pure)."""

from __future__ import annotations

from typing import Literal

Department = Literal["fire", "police", "traffic", "justice", "weather", "civil_affairs", "health"]
DispatchStatus = Literal["routed", "acknowledged", "responding", "done", "declined"]
# who answers for a department, when the community's roster names them
OFFICER_ROLES = frozenset({"gov_officer", "police"})
