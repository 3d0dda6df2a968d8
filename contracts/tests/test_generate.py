from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from sc_contracts import registry
from sc_contracts.asyncapi import HEADERS
from sc_contracts.catalogue import contracts_root
from sc_contracts.cli import main
from sc_contracts.generate import render

ROOT = contracts_root()


def test_committed_files_are_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "sc_contracts", "generate", "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "up to date" in result.stdout


def test_generation_is_deterministic() -> None:
    first, second = render(), render()
    assert first == second
    assert set(first) == (
        {f"jsonschema/{t}.json" for t in registry()}
        | {f"avro/{t}.avsc" for t in registry()}
        | {"asyncapi.yaml"}
    )
    for path, text in first.items():
        assert text.endswith("\n")
        if path.endswith((".json", ".avsc")):
            assert text == json.dumps(json.loads(text), indent=2, sort_keys=True) + "\n"


@pytest.fixture
def contracts_copy(tmp_path: Path) -> Path:
    root = tmp_path / "contracts"
    root.mkdir()
    shutil.copy(ROOT / "topics.yaml", root / "topics.yaml")
    shutil.copytree(ROOT / "generated", root / "generated")
    return root


def test_check_lists_stale_missing_and_unexpected_files_and_writes_nothing(
    contracts_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    generated = contracts_copy / "generated"
    stale = generated / "avro/community.alarm.raised.v1.avsc"
    stale.write_text("{}\n")
    (generated / "jsonschema/community.device.status_changed.v1.json").unlink()
    (generated / "jsonschema/community.old.thing_happened.v1.json").write_text("{}\n")
    assert main(["--root", str(contracts_copy), "generate", "--check"]) == 1
    out = capsys.readouterr().out
    assert "stale: " in out and "community.alarm.raised.v1.avsc" in out
    assert "missing: " in out and "community.device.status_changed.v1.json" in out
    assert "unexpected: " in out and "community.old.thing_happened.v1.json" in out
    assert stale.read_text() == "{}\n"
    assert not (generated / "jsonschema/community.device.status_changed.v1.json").exists()

    assert main(["--root", str(contracts_copy), "generate"]) == 0
    assert main(["--root", str(contracts_copy), "generate", "--check"]) == 0
    assert not (generated / "jsonschema/community.old.thing_happened.v1.json").exists()
    assert stale.read_text() == (ROOT / "generated/avro/community.alarm.raised.v1.avsc").read_text()


def test_check_notices_a_catalogue_change(contracts_copy: Path) -> None:
    topics = contracts_copy / "topics.yaml"
    topics.write_text(topics.read_text().replace("partitions: 12", "partitions: 24"))
    assert main(["--root", str(contracts_copy), "generate", "--check"]) == 1


def _asyncapi() -> dict:
    return yaml.safe_load((ROOT / "generated/asyncapi.yaml").read_text())


def test_asyncapi_has_a_channel_and_operations_per_topic() -> None:
    document = _asyncapi()
    assert document["asyncapi"] == "3.0.0"
    topics = {spec.topic for spec in registry().values()}
    assert set(document["channels"]) == topics | {f"{t}.dlq" for t in topics}
    for topic in topics:
        channel = document["channels"][topic]
        assert channel["address"] == topic
        assert channel["bindings"]["kafka"]["topic"] == topic
        send = document["operations"][f"send.{topic}"]
        receive = document["operations"][f"receive.{topic}"]
        assert send["action"] == "send" and receive["action"] == "receive"
        assert send["channel"] == {"$ref": f"#/channels/{topic}"}
        types = {t for t, s in registry().items() if s.topic == topic}
        assert {m["$ref"].rsplit("/", 1)[1] for m in send["messages"]} == types
        for ref in send["messages"]:
            _, _, name, _, message = ref["$ref"].split("/")
            assert message in document["channels"][name]["messages"]


def test_asyncapi_messages_describe_cloudevents_binary_mode() -> None:
    document = _asyncapi()
    messages = document["components"]["messages"]
    assert set(messages) == set(registry())
    for event_type, message in messages.items():
        headers = message["headers"]
        assert (
            set(headers["properties"])
            == {
                "ce_id",
                "ce_source",
                "ce_type",
                "ce_specversion",
                "ce_time",
                "ce_subject",
                "ce_dataschema",
                "content-type",
                "traceparent",
            }
            == {h.name for h in HEADERS}
        )
        assert headers["properties"]["ce_type"]["const"] == event_type
        assert headers["properties"]["ce_specversion"]["const"] == "1.0"
        assert message["payload"] == {"$ref": f"./jsonschema/{event_type}.json"}
        assert (ROOT / "generated" / message["payload"]["$ref"]).is_file()
        assert (ROOT / "generated" / message["x-avro-schema"]).is_file()
        schema = json.loads((ROOT / "generated" / message["payload"]["$ref"]).read_text())
        for example in message["examples"]:
            jsonschema.validate(example["headers"], headers)
            jsonschema.validate(example["payload"], schema)


def test_generate_refuses_a_catalogue_that_disagrees_with_the_registry(
    contracts_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    topics = contracts_copy / "topics.yaml"
    topics.write_text(topics.read_text().replace("key: alarm_id", "key: rule_id"))
    before = (contracts_copy / "generated/asyncapi.yaml").read_text()
    assert main(["--root", str(contracts_copy), "generate"]) == 1
    assert "key rule_id of community.alarm" in capsys.readouterr().err
    assert (contracts_copy / "generated/asyncapi.yaml").read_text() == before
