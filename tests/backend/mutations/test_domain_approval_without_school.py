"""Approving someone outside the e-mail domains needs a district to approve them in.

mypy (issue #19) found that a person without a school reached the approval row with no
district: staff got an internal error from the NOT NULL column. Now it is refused in the payload
(NOT_ALLOWED: staff may use the mutation, but not on this person).
"""

from backend.accounts.models import OutsideDomainApproval
from tests.cohorts.conftest import gid
from tests.conftest import error_codes

APPROVE_PERSON = """
mutation Approve($input: PersonOutsideDomainsApproveInput!) {
  personOutsideDomainsApprove(input: $input) { person { fullName } errors { field code } }
}
"""


def test_staff_cannot_approve_someone_without_a_school(api_for, staff, coordinator):
    body = api_for(staff).post_graphql(APPROVE_PERSON, {"input": {"personId": gid(coordinator)}})

    assert error_codes(body["data"]["personOutsideDomainsApprove"]) == ["NOT_ALLOWED"]
    assert not OutsideDomainApproval.objects.exists()
