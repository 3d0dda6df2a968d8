"""One message template of gov-affairs: its code, and title and body in zh-CN and en with
``{placeholders}`` the notification service fills from the request's variables."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Template:
    code: str
    zh_title: str
    zh_body: str
    en_title: str
    en_body: str

    def placeholders(self) -> set[str]:
        found: set[str] = set()
        for part in (self.zh_title, self.zh_body, self.en_title, self.en_body):
            found |= set(re.findall(r"\{([a-z_]+)\}", part))
        return found
