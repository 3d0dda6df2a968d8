"""What the applicant and the approvers of an alteration request (装修/改建申请) are told at
each step, and the reminders before a step's due time and before the works' planned end.

Variables: ``place``/``place_en`` (the room as people say it), ``kind``/``kind_en``
(装修 / decoration), ``step``/``step_en`` (物业审核 / Property check), ``due`` (Beijing
time), ``date`` (an ISO day), ``days``, ``reason`` and ``note`` (as the signer or the
inspector wrote them)."""

from __future__ import annotations

from gov_affairs.domain.template import Template

ALTERATION_TEMPLATES = (
    Template(
        "gov.alteration.submitted",
        "装修申请已提交",
        "您为{place}提交的{kind}申请已提交，正在{step}，请留意审批结果。",
        "Alteration request submitted",
        "Your {kind_en} request for {place} was submitted and is at: {step_en}.",
    ),
    Template(
        "gov.alteration.task",
        "待审批：{kind}申请",
        "{place}的{kind}申请待您审批（{step}），请于{due}前处理。",
        "To approve: {kind_en} request",
        "A {kind_en} request for {place} waits for you ({step_en}); due {due}.",
    ),
    Template(
        "gov.alteration.reminder",
        "装修审批即将到期",
        "{place}的{kind}申请（{step}）将于{due}到期，请尽快处理。",
        "Alteration approval due soon",
        "The {kind_en} request for {place} ({step_en}) is due {due}; please decide it.",
    ),
    Template(
        "gov.alteration.approved",
        "装修申请已批准",
        "{place}的{kind}申请已批准，可于{date}起施工，施工期间请遵守装修管理规定。",
        "Alteration request approved",
        "The {kind_en} request for {place} was approved: the works may start on {date}."
        " Keep to the decoration rules meanwhile.",
    ),
    Template(
        "gov.alteration.rejected",
        "装修申请未获批准",
        "{place}的{kind}申请未获批准。{reason}",
        "Alteration request refused",
        "The {kind_en} request for {place} was refused. {reason}",
    ),
    Template(
        "gov.alteration.withdrawn",
        "装修申请已撤回",
        "{place}的{kind}申请已由申请人撤回，无需再审批。",
        "Alteration request withdrawn",
        "The applicant withdrew the {kind_en} request for {place}; nothing is left to approve.",
    ),
    Template(
        "gov.alteration.inspection_due",
        "装修已开工，完工后验收",
        "{place}的{kind}已开工，计划{date}完工；完工后由物业进行竣工验收。",
        "Works started: inspection on completion",
        "The {kind_en} works at {place} started and are planned to end on {date};"
        " the property inspects them on completion.",
    ),
    Template(
        "gov.alteration.works_ending",
        "装修计划完工日临近",
        "{place}的{kind}计划于{date}完工（还有{days}天），完工后请及时进行竣工验收。",
        "Works end soon",
        "The {kind_en} works at {place} are planned to end on {date} (in {days} days):"
        " the completion inspection is due then.",
    ),
    Template(
        "gov.alteration.rectify",
        "装修验收未通过，请整改",
        "{place}的{kind}竣工验收未通过：{note}。请整改后申请再次验收。",
        "Inspection not passed: put it right",
        "The completion inspection of the {kind_en} works at {place} did not pass: {note}."
        " Put it right and ask for another inspection.",
    ),
    Template(
        "gov.alteration.inspected",
        "装修验收合格",
        "{place}的{kind}竣工验收合格，待物业归档。",
        "Inspection passed",
        "The {kind_en} works at {place} passed the completion inspection; the file is to be"
        " archived.",
    ),
    Template(
        "gov.alteration.archived",
        "装修档案已归档",
        "{place}的{kind}申请已办结，档案已归档。",
        "Alteration file archived",
        "The {kind_en} request for {place} is complete and its file archived.",
    ),
)
