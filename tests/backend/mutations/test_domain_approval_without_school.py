"""Approving someone outside the e-mail domains needs a district to approve them in.

mypy (issue #19) found that a person without a school reached the approval row with no
district: staff got an internal error from the NOT NULL column. Now it is a plain FORBIDDEN.
"""

from backend.accounts.models import OutsideDomainApproval
from tests.cohorts.conftest import gid
from tests.conftest import top_level_codes

APPROVE_PERSON = """
mutation Approve($input: PersonOutsideDomainsApproveInput!) {
  personOutsideDomainsApprove(input: $input) { person { fullName } errors { field code } }
}
"""


def test_staff_cannot_approve_someone_without_a_school(api_for, staff, coordinator):
    body = api_for(staff).post_graphql(APPROVE_PERSON, {"input": {"personId": gid(coordinator)}})

    assert top_level_codes(body) == ["FORBIDDEN"]
    assert not OutsideDomainApproval.objects.exists()
