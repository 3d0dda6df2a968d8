"""Consultation (6.5.1 b): topics for discussion with moderation, and polls.

Polls take one vote per eligible person and are verifiable and auditable without showing
who voted what:

- the list of who has voted (for "one each") and the ballots are kept apart; a ballot
  carries no voter, only a receipt, 128 random bits handed to the voter and to nobody else;
- ballots form a hash chain (each entry's hash covers the previous one's), so removing,
  changing or reordering one breaks every hash after it; the head is published at closing;
- at closing the ballots (receipt, choices) are published with the head: anyone recounts
  the result and checks the chain, and a voter finds their receipt with their choices.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gov_affairs.domain.text import Refusal

GENESIS = "0" * 64


class Poll(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    question: str = Field(min_length=1, max_length=300)
    options: list[str] = Field(min_length=2, max_length=20)
    multiple: bool = False
    max_choices: int | None = Field(default=None, ge=1)
    opens_at: datetime
    closes_at: datetime

    @model_validator(mode="after")
    def _sane(self) -> Poll:
        if self.closes_at <= self.opens_at:
            raise ValueError("a poll closes after it opens")
        if len(set(self.options)) != len(self.options):
            raise ValueError("options must differ")
        if self.max_choices is not None and not self.multiple:
            raise ValueError("max_choices is for a multiple-choice poll")
        return self


@dataclass(frozen=True)
class BallotEntry:
    seq: int
    receipt: str
    choices: tuple[int, ...]
    prev: str
    hash: str


class PollError(Refusal):
    """A refusal of a poll or a topic step; ``code`` is stable (``poll.<reason>``)."""


def _hash(seq: int, receipt: str, choices: Sequence[int], prev: str) -> str:
    body = json.dumps([seq, receipt, list(choices), prev], separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


def cast(
    poll: Poll,
    ledger: list[BallotEntry],
    voted: set[str],
    *,
    voter: str,
    eligible: bool,
    choices: list[int],
    at: datetime,
) -> BallotEntry:
    """Add one ballot; ``voted`` holds who voted (never stored with the ballot)."""
    if not poll.opens_at <= at < poll.closes_at:
        raise PollError("poll.closed", "The poll is not open", zh="投票未开始或已结束")
    if not eligible:
        raise PollError(
            "poll.not_eligible",
            "You are not among those this poll asks",
            zh="您不是本社区的居民，不能参加这次投票",
        )
    if voter in voted:
        raise PollError(
            "poll.already_voted",
            "You have already voted in this poll",
            zh="您已经投过票了，每人只能投一次",
        )
    picked = sorted(set(choices))
    if (
        not picked
        or any(c < 0 or c >= len(poll.options) for c in picked)
        or len(picked) != len(choices)
    ):
        raise PollError(
            "poll.bad_choice",
            "Choose among the options, each once",
            zh="请在选项中选择，每项只能选一次",
        )
    limit = (poll.max_choices or len(poll.options)) if poll.multiple else 1
    if len(picked) > limit:
        raise PollError("poll.too_many_choices", f"Choose at most {limit}", zh=f"最多选择{limit}项")
    prev = ledger[-1].hash if ledger else GENESIS
    seq = len(ledger) + 1
    receipt = secrets.token_hex(16)
    entry = BallotEntry(seq, receipt, tuple(picked), prev, _hash(seq, receipt, picked, prev))
    ledger.append(entry)
    voted.add(voter)
    return entry


def verify_chain(entries: Sequence[BallotEntry]) -> bool:
    prev = GENESIS
    for i, e in enumerate(entries, start=1):
        if e.seq != i or e.prev != prev or e.hash != _hash(e.seq, e.receipt, e.choices, e.prev):
            return False
        prev = e.hash
    return True


def head(entries: Sequence[BallotEntry]) -> str:
    return entries[-1].hash if entries else GENESIS


@dataclass(frozen=True)
class PollResult:
    counts: tuple[int, ...]
    ballots: int
    head: str


def result(poll: Poll, entries: Sequence[BallotEntry]) -> PollResult:
    if not verify_chain(entries):
        raise PollError(
            "poll.chain_broken",
            "The ballots do not verify; the result is withheld",
            zh="选票校验未通过，结果暂不公布",
        )
    counts = Counter(c for e in entries for c in e.choices)
    return PollResult(
        tuple(counts.get(i, 0) for i in range(len(poll.options))), len(entries), head(entries)
    )


def find_receipt(entries: Iterable[BallotEntry], receipt: str) -> BallotEntry | None:
    return next((e for e in entries if secrets.compare_digest(e.receipt, receipt)), None)


# --- discussion topics -------------------------------------------------------------------

Visibility = Literal["visible", "pending", "hidden"]


class Comment(BaseModel):
    author: str
    text: str = Field(min_length=1, max_length=2000)
    at: datetime
    status: Visibility = "visible"
    moderation_note: str | None = None


def screen(text: str, blocked: Iterable[str]) -> Visibility:
    """A comment with a blocked word waits for a moderator; others show at once."""
    folded = re.sub(r"\s+", "", text).lower()
    return "pending" if any(w and w.lower() in folded for w in blocked) else "visible"


def moderate(comment: Comment, decision: Literal["show", "hide"], note: str) -> Comment:
    """A moderator shows or hides a comment; hiding says why (the author reads it)."""
    if decision == "hide" and not note.strip():
        raise PollError(
            "topic.reason_required",
            "Say why the comment is hidden",
            zh="隐藏意见须说明理由，发表者会看到",
        )
    c = comment.model_copy()
    c.status = "visible" if decision == "show" else "hidden"
    c.moderation_note = note or None
    return c
