import base64
import json
from datetime import UTC, datetime

import pytest

from parking_payment.adapters.anpr import (
    AnprError,
    alarm_info_plate_ack,
    parse_alarm_info_plate,
    parse_isapi,
)
from parking_payment.domain.plates import PlateColor

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64 + b"\xff\xd9"


def alarm_info_plate(license_: str = "京A12345", color: int = 1) -> dict:
    return {
        "AlarmInfoPlate": {
            "channel": 0,
            "deviceName": "IVS",
            "ipaddr": "192.168.1.88",
            "serialno": "e8a3d7f1-0c2b4a19",
            "result": {
                "PlateResult": {
                    "license": license_,
                    "colorType": color,
                    "confidence": 98,
                    "direction": 0,
                    "triggerType": 8,
                    "timeStamp": {"Timeval": {"sec": 1764723600, "usec": 250000}},
                    "imageFile": base64.b64encode(JPEG).decode(),
                    "imageFileLen": len(JPEG),
                }
            },
        }
    }


def test_alarm_info_plate():
    read = parse_alarm_info_plate(json.dumps(alarm_info_plate(), ensure_ascii=False).encode())
    assert (read.source, read.camera, read.plate, read.color) == (
        "alarm_info_plate",
        "e8a3d7f1-0c2b4a19",
        "京A12345",
        PlateColor.blue,
    )
    assert read.confidence == 98
    assert read.at == datetime(2025, 12, 3, 1, 0, 0, 250000, tzinfo=UTC)
    assert read.images[0].data == JPEG


def test_alarm_info_plate_green_and_no_plate():
    assert parse_alarm_info_plate(alarm_info_plate("粤BD12345", 5)).color is PlateColor.green
    read = parse_alarm_info_plate(alarm_info_plate("_无_", 0))
    assert (read.plate, read.color, read.raw_plate) == (None, None, "_无_")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"not json", "malformed"),
        (b'{"AlarmInfoPlate": {}}', "malformed"),
        (
            json.dumps(
                {"AlarmInfoPlate": {"serialno": "x", "result": {"PlateResult": {}}}}
            ).encode(),
            "bad_timestamp",
        ),
    ],
)
def test_alarm_info_plate_garbage(body, reason):
    with pytest.raises(AnprError) as err:
        parse_alarm_info_plate(body)
    assert err.value.reason == reason


def test_ack_tells_the_camera_not_to_open_by_itself():
    assert alarm_info_plate_ack()["Response_AlarmInfoPlate"]["info"] == "no"


ISAPI_XML = """<?xml version="1.0" encoding="UTF-8"?>
<EventNotificationAlert version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">
<ipAddress>192.168.1.64</ipAddress>
<portNo>80</portNo>
<protocol>HTTP</protocol>
<macAddress>44:19:b6:12:34:56</macAddress>
<channelID>1</channelID>
<dateTime>2026-12-03T09:00:00+08:00</dateTime>
<activePostCount>1</activePostCount>
<eventType>ANPR</eventType>
<eventState>active</eventState>
<eventDescription>ANPR</eventDescription>
<ANPR>
<country>3</country>
<licensePlate>{plate}</licensePlate>
<line>1</line>
<direction>forward</direction>
<confidenceLevel>97</confidenceLevel>
<plateType>92TypeCivil</plateType>
<plateColor>{color}</plateColor>
<vehicleType>vehicle</vehicleType>
<pictureInfoList>
<pictureInfo><fileName>licensePlatePicture.jpg</fileName><type>licensePlatePicture</type></pictureInfo>
<pictureInfo><fileName>detectionPicture.jpg</fileName><type>detectionPicture</type></pictureInfo>
</pictureInfoList>
</ANPR>
<UUID>6f1c2a0e-1111-2222-3333-444455556666</UUID>
<picNum>2</picNum>
</EventNotificationAlert>
"""


def multipart(xml: str) -> tuple[str, bytes]:
    boundary = "boundary7e2f"
    parts = [
        (
            b'Content-Disposition: form-data; name="anpr.xml"; filename="anpr.xml"\r\n'
            b"Content-Type: application/xml\r\n\r\n" + xml.encode()
        ),
        (
            b'Content-Disposition: form-data; name="licensePlatePicture.jpg"; '
            b'filename="licensePlatePicture.jpg"\r\nContent-Type: image/jpeg\r\n\r\n' + JPEG
        ),
        (
            b'Content-Disposition: form-data; name="detectionPicture.jpg"; '
            b'filename="detectionPicture.jpg"\r\nContent-Type: image/jpeg\r\n\r\n' + JPEG
        ),
    ]
    body = b"".join(f"--{boundary}\r\n".encode() + p + b"\r\n" for p in parts)
    return f"multipart/form-data; boundary={boundary}", body + f"--{boundary}--\r\n".encode()


def test_isapi_multipart_with_pictures():
    ctype, body = multipart(ISAPI_XML.format(plate="京A12345", color="blue"))
    read = parse_isapi(ctype, body)
    assert (read.source, read.camera, read.plate, read.color, read.direction) == (
        "isapi",
        "44:19:b6:12:34:56",
        "京A12345",
        PlateColor.blue,
        "forward",
    )
    assert read.at == datetime(2026, 12, 3, 1, 0, tzinfo=UTC)
    assert read.confidence == 97
    assert [i.name for i in read.images] == ["licensePlatePicture.jpg", "detectionPicture.jpg"]
    assert read.images[0].data == JPEG


def test_isapi_bare_xml_green_and_no_plate():
    read = parse_isapi(
        "application/xml", ISAPI_XML.format(plate="粤BD12345", color="green").encode()
    )
    assert (read.plate, read.color) == ("粤BD12345", PlateColor.green)
    read = parse_isapi(
        "application/xml", ISAPI_XML.format(plate="无车牌", color="unknown").encode()
    )
    assert (read.plate, read.color) == (None, None)


def test_isapi_json():
    data = {
        "ipAddress": "192.168.1.64",
        "macAddress": "44:19:b6:12:34:56",
        "dateTime": "2026-12-03T09:00:00+08:00",
        "eventType": "ANPR",
        "ANPR": {"licensePlate": "苏E1234学", "plateColor": "yellow", "confidenceLevel": 90},
    }
    read = parse_isapi("application/json", json.dumps(data, ensure_ascii=False).encode())
    assert (read.plate, read.color) == ("苏E1234学", PlateColor.yellow)


@pytest.mark.parametrize(
    ("ctype", "body", "reason"),
    [
        (
            "application/xml",
            b"<EventNotificationAlert><eventType>VMD</eventType></EventNotificationAlert>",
            "not_anpr",
        ),
        ("application/xml", b"<not xml", "malformed"),
        (
            "application/xml",
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
            b"<EventNotificationAlert><eventType>&b;</eventType></EventNotificationAlert>",
            "malformed",
        ),
        (
            "multipart/form-data; boundary=x",
            b"--x\r\nContent-Type: image/jpeg\r\n\r\nabc\r\n--x--\r\n",
            "malformed",
        ),
        (
            "application/xml",
            ISAPI_XML.format(plate="京A12345", color="blue").replace("+08:00", "").encode(),
            "bad_timestamp",
        ),
    ],
)
def test_isapi_garbage(ctype, body, reason):
    with pytest.raises(AnprError) as err:
        parse_isapi(ctype, body)
    assert err.value.reason == reason


def test_a_read_longer_than_any_plate_is_refused():
    """The passage events carry a plate of at most 16 characters (issue 18 item 3): a
    longer read is refused at the camera's push, not dead-lettered further on."""
    assert parse_alarm_info_plate(alarm_info_plate("粤BD12345")).plate == "粤BD12345"
    with pytest.raises(AnprError) as refused:
        parse_alarm_info_plate(alarm_info_plate("京A" + "1" * 15))
    assert refused.value.reason == "plate_too_long"
