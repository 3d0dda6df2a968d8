"""Childcare: enrolment, check-in/out by guardians, fever, not picked up, notes, video grants
signed and verifiable with the public key alone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import jwt
import pytest

from care.adapters.signing import CareSigner, TokenError
from care.domain.childcare import (
    AlertKind,
    BehaviourNote,
    Child,
    ChildcareError,
    Day,
    Guardian,
    NoteKind,
    Nursery,
    NurseryClass,
    behaviour,
    check_in,
    check_out,
    enrol,
    grant_video,
    overdue,
    temperature,
)

NURSERY = Nursery("n-1", "幸福里社区托育园", time(7, 30), time(17, 30))
KLASS = NurseryClass("k-1", "n-1", "小一班", capacity=2, camera_ids=frozenset({"cam-1", "cam-2"}))
CHILD = Child(
    "c-1", "李小宝", date(2023, 6, 1), "k-1",
    {
        "u-mum": Guardian("u-mum", "母亲", can_authorise=True),
        "u-gran": Guardian("u-gran", "祖母"),
        "u-aunt": Guardian("u-aunt", "姨妈", can_pick_up=False),
    },
)  # fmt: skip


def sh(h: int, m: int = 0, day: int = 3) -> datetime:
    """A Shanghai wall-clock time on 2026-12-<day>, as UTC."""
    return datetime(2026, 12, day, h, m, tzinfo=NURSERY.tz).astimezone(UTC)


def day() -> Day:
    return Day("c-1", date(2026, 12, 3))


def test_enrolment_needs_room_and_a_guardian():
    new = Child(
        "c-2",
        "王小米",
        date(2023, 1, 1),
        None,
        {"u-x": Guardian("u-x", "父亲", can_authorise=True)},
    )
    assert enrol(new, KLASS, enrolled=1).class_id == "k-1"
    with pytest.raises(ChildcareError) as info:
        enrol(new, KLASS, enrolled=2)
    assert info.value.code == "care.childcare_class_full" and info.value.zh == "小一班已满员。"
    orphan = Child("c-3", "张小一", date(2023, 1, 1), None, {})
    with pytest.raises(ChildcareError):
        enrol(orphan, KLASS, enrolled=0)


def test_a_normal_day():
    d, alerts = check_in(day(), CHILD, NURSERY, "u-mum", sh(8, 5), 36.6)
    assert d.present and alerts == []
    d, alerts = temperature(d, "c-1", sh(11), 36.9)
    assert alerts == []
    d = check_out(d, CHILD, "u-gran", sh(17, 10))
    assert not d.present and d.checked_out_by == "u-gran"
    assert overdue(d, NURSERY, sh(18, 30))[1] == []


def test_fever_at_the_door_keeps_the_child_home_and_tells_once():
    d, alerts = check_in(day(), CHILD, NURSERY, "u-mum", sh(8), 37.8)
    assert not d.present and d.refused_at == sh(8)
    assert [(a.kind, a.value, a.note) for a in alerts] == [(AlertKind.FEVER, 37.8, "at_door")]


def test_fever_during_the_day_tells_once():
    d, _ = check_in(day(), CHILD, NURSERY, "u-mum", sh(8), 36.5)
    d, first = temperature(d, "c-1", sh(13), 37.6)
    d, second = temperature(d, "c-1", sh(14), 38.1)
    assert [a.kind for a in first] == [AlertKind.FEVER] and second == []


def test_who_may_drop_off_and_pick_up():
    with pytest.raises(ChildcareError) as info:
        check_in(day(), CHILD, NURSERY, "u-stranger", sh(8), 36.5)
    assert info.value.code == "care.childcare_not_guardian"
    d, _ = check_in(day(), CHILD, NURSERY, "u-aunt", sh(8), 36.5)  # the aunt may drop off
    with pytest.raises(ChildcareError) as info:
        check_out(d, CHILD, "u-aunt", sh(17))  # but not pick up
    assert info.value.code == "care.childcare_not_pickup"
    with pytest.raises(ChildcareError) as info:
        check_in(d, CHILD, NURSERY, "u-mum", sh(9), 36.5)
    assert info.value.code == "care.childcare_already_in"
    with pytest.raises(ChildcareError) as info:
        check_out(day(), CHILD, "u-mum", sh(17))
    assert info.value.code == "care.childcare_not_in"


def test_opening_hours_at_the_door():
    check_in(day(), CHILD, NURSERY, "u-mum", sh(7, 0), 36.5)  # 30 min early is fine
    with pytest.raises(ChildcareError) as info:
        check_in(day(), CHILD, NURSERY, "u-mum", sh(6, 50), 36.5)
    assert info.value.zh == "幸福里社区托育园开放时间为07:30–17:30。"


def test_not_picked_up_by_closing_alerts_once_after_the_grace():
    d, _ = check_in(day(), CHILD, NURSERY, "u-mum", sh(8), 36.5)
    assert overdue(d, NURSERY, sh(17, 40))[1] == []  # within 15 minutes' grace
    d, alerts = overdue(d, NURSERY, sh(17, 46))
    assert [a.kind for a in alerts] == [AlertKind.NOT_PICKED_UP]
    assert overdue(d, NURSERY, sh(18, 30))[1] == []


def test_incidents_tell_the_guardians_other_notes_do_not():
    assert behaviour(BehaviourNote("c-1", sh(10), NoteKind.MEAL, "午饭吃完了", "u-teacher")) == []
    alerts = behaviour(
        BehaviourNote("c-1", sh(10), NoteKind.INCIDENT, "玩滑梯时擦伤膝盖，已消毒", "u-t")
    )
    assert [(a.kind, a.note) for a in alerts] == [(AlertKind.INCIDENT, "玩滑梯时擦伤膝盖，已消毒")]
    with pytest.raises(ChildcareError):
        behaviour(BehaviourNote("c-1", sh(10), NoteKind.MOOD, "  ", "u-t"))


def video(**kw):
    base = dict(
        grant_id="vg-1", child=CHILD, klass=KLASS, nursery=NURSERY, actor="u-mum",
        grantee="u-gran", camera_id="cam-1", start=sh(9), end=sh(11), now=sh(8),
    )  # fmt: skip
    return grant_video(**(base | kw))


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"actor": "u-gran"}, "care.video_not_authoriser"),
        ({"grantee": "u-neighbour"}, "care.video_grantee"),
        ({"camera_id": "cam-other-class"}, "care.video_camera"),
        ({"end": sh(23)}, "care.video_window"),  # past closing and longer than 12 h
        ({"start": sh(6), "end": sh(9)}, "care.video_window"),  # before opening
        ({"start": sh(9, day=5), "end": sh(11)}, "care.video_window"),
    ],
)
def test_video_grants_follow_the_rules(kw, code):
    with pytest.raises(ChildcareError) as info:
        video(**kw)
    assert info.value.code == code and info.value.zh


def test_a_video_grant_is_signed_time_boxed_and_per_camera():
    signer = CareSigner.generate()
    g = video()
    token = signer.sign_video_grant(g)
    claims = signer.verify_video_grant(token, "cam-1", sh(10))
    assert (claims["sub"], claims["jti"], claims["cam"]) == ("u-gran", "vg-1", "cam-1")
    assert (
        "c-1" not in token
        and "李小宝" not in jwt.decode(token, options={"verify_signature": False}).values()
    )
    with pytest.raises(TokenError) as info:
        signer.verify_video_grant(token, "cam-2", sh(10))
    assert info.value.code == "care.token_invalid"
    with pytest.raises(TokenError) as info:
        signer.verify_video_grant(token, "cam-1", sh(11, 1))
    assert info.value.code == "care.token_expired" and info.value.zh == "视频授权已过期。"
    with pytest.raises(TokenError) as info:
        signer.verify_video_grant(token, "cam-1", sh(8, 50))
    assert info.value.code == "care.token_not_yet_valid"


def test_the_video_gateway_verifies_with_the_public_key_alone():
    signer = CareSigner.generate()
    token = signer.sign_video_grant(video())
    jwk = jwt.PyJWK(signer.jwks()["keys"][0])
    claims = jwt.decode(
        token, jwk.key, algorithms=["EdDSA"], audience="camera:cam-1",
        options={"verify_exp": False, "verify_nbf": False},
    )  # fmt: skip
    assert claims["iss"] == "smart-community-care"
    assert jwt.get_unverified_header(token)["kid"] == signer.kid
    other = CareSigner.generate()
    with pytest.raises(TokenError):
        other.verify_video_grant(token, "cam-1", sh(10))


def test_a_tampered_or_foreign_token_is_refused():
    signer = CareSigner.generate()
    token = signer.sign_video_grant(video())
    head, body, sig = token.split(".")
    forged = jwt.encode({"sub": "u-x"}, "a-shared-secret-of-thirty-two-bytes!", algorithm="HS256")
    for bad in (f"{head}.{body}x.{sig}", forged, "not-a-token"):
        with pytest.raises(TokenError):
            signer.verify_video_grant(bad, "cam-1", sh(10))


def test_checkin_qr_is_short_lived_and_not_a_video_grant():
    signer = CareSigner.generate()
    qr = signer.sign_checkin_qr("u-mum", "c-1", "n-1", sh(8))
    c = signer.verify_checkin_qr(qr, "n-1", sh(8, 1))
    assert (c.guardian_id, c.child_id) == ("u-mum", "c-1") and c.jti
    with pytest.raises(TokenError) as info:
        signer.verify_checkin_qr(qr, "n-1", sh(8, 3))
    assert info.value.code == "care.token_expired" and info.value.zh == "接送码已过期。"
    with pytest.raises(TokenError):
        signer.verify_checkin_qr(qr, "n-other", sh(8, 1))
    with pytest.raises(TokenError):
        signer.verify_video_grant(qr, "cam-1", sh(8, 1))
    assert signer.sign_checkin_qr("u-mum", "c-1", "n-1", sh(8)) != qr  # a fresh jti each time


def test_a_signer_loads_its_key_from_pem():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    a, b = CareSigner.from_pem(pem), CareSigner.from_pem(pem.decode())
    assert a.kid == b.kid
    assert b.verify_video_grant(a.sign_video_grant(video()), "cam-1", sh(10))["jti"] == "vg-1"
