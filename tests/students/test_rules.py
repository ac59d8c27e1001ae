"""Each 毕业去向 rule's predicate and its query filter give the same answer, for records in every state."""

import pytest

from schools.models import Graduate
from students import rules, services
from students.models import Destination, DestinationRecord, DestinationState, RecordStatus
from tests.factories import UserFactory
from tests.schools.factories import ActivatedGraduateFactory, CollegeFactory

pytestmark = pytest.mark.django_db

R = RecordStatus


@pytest.fixture
def records_in_every_state(cast, register, confirm, invite, sign):
    """Records of several codes in every status, each of its own graduate (two colleges, one- and two-level)."""

    def graduate():
        return ActivatedGraduateFactory(college=cast.college).user

    made = [register("11", student=graduate()), register("70", proof=None, student=graduate())]
    at_school = register("801", student=graduate())
    services.approve(actor=cast.college_reviewer, record=at_school)
    returned = register("85", student=graduate())
    services.return_for_correction(actor=cast.college_reviewer, record=returned, reason="不符")
    withdrawn = register("76", student=graduate())
    services.withdraw(actor=withdrawn.graduate.user, record=withdrawn)
    confirmed = confirm(register("75", student=graduate()))
    confirmed_72 = confirm(register("72", proof=None, student=graduate()))
    superseded_by = graduate()
    old = confirm(register("12", student=superseded_by))
    confirm(register("71", proof=None, student=superseded_by))
    sign(invite())  # a code 10 from signing
    revoked = confirm(register("519", student=graduate()))
    services.operator_revoke(actor=UserFactory(is_staff=True), record=revoked, reason="材料不实")
    other_college = ActivatedGraduateFactory(college=CollegeFactory(school=cast.school))
    made.append(register("802", student=other_college.user))
    assert {record.status for record in DestinationRecord.objects.all()} >= set(R.values)
    return made + [at_school, returned, withdrawn, confirmed, confirmed_72, old]


def test_blocks_signing(records_in_every_state):
    matching = set(DestinationRecord.objects.filter(rules.blocks_signing_q()).values_list("pk", flat=True))
    for record in DestinationRecord.objects.select_related("code"):
        assert rules.blocks_signing(record) == (record.pk in matching), (record.code_id, record.status)
    assert matching  # the rule is not vacuous


@pytest.mark.parametrize("who", ["college_reviewer", "school_reviewer", "other_college_reviewer",
                                 "other_school_reviewer"])
def test_review_step_and_queue(records_in_every_state, cast, who):
    reviewer = getattr(cast, who).reviewer
    queued = set(DestinationRecord.objects.filter(rules.review_queue_q(reviewer)).values_list("pk", flat=True))
    for record in DestinationRecord.objects.all():
        assert (rules.review_step(reviewer, record) is not None) == (record.pk in queued), (who, record.status)


@pytest.mark.parametrize("state", list(DestinationState))
def test_state_and_its_filter(records_in_every_state, cast, state):
    matching = set(Graduate.objects.filter(rules.state_q(state, prefix="destination__")).values_list("pk", flat=True))
    for graduate in Graduate.objects.all():
        destination = Destination.objects.filter(graduate=graduate).select_related("request").first()
        shown = rules.state_of(destination) if destination else DestinationState.UNREGISTERED
        assert (shown == state) == (graduate.pk in matching), (graduate.name, shown, state)
        if destination is not None:
            assert destination.state == shown  # the stored state is the computed one
