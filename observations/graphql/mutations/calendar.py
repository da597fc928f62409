import graphene

from backend.graphql.mutations import BaseMutation
from backend.graphql.permissions import SignedIn

from ...services.calendar_feeds import calendar_feed_rotate
from ..errors import ObservationError
from ..types.calendar import CalendarFeedType


class CalendarFeedRotate(BaseMutation):
    """Replace your calendar feed's URL: the old one stops working at once (resubscribe the
    phone's calendar with the new one). For when the URL got out."""

    calendar_feed = graphene.Field(CalendarFeedType, description="Your feed with its new URL.")

    class Meta:
        permission = SignedIn
        error_type = ObservationError

    @classmethod
    def perform(cls, info):
        return {"calendar_feed": calendar_feed_rotate(actor=info.context.user)}
