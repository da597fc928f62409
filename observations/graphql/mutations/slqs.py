import graphene

from backend.graphql.mutations import BaseMutation
from backend.graphql.permissions import SignedIn, Teacher

from ...services.slqs import UNSET, slq_create, slq_update
from ..errors import ObservationError
from ..loaders import load_slq, load_teacher, optional
from ..types.slqs import StudentLearningQuestionType


class StudentLearningQuestionCreateInput(graphene.InputObjectType):
    """A new Student Learning Question for your class."""

    area_of_focus = graphene.String(required=True, description="The area of interest.")
    question = graphene.String(required=True, description="The question about your students.")
    crafted_with_id = graphene.ID(description="The peer (Person) who helped craft it.")
    replaces_id = graphene.ID(description="Your earlier question this one replaces; it is retired.")


class StudentLearningQuestionCreate(BaseMutation):
    """Write a Student Learning Question (host teachers), optionally replacing an earlier one."""

    student_learning_question = graphene.Field(
        StudentLearningQuestionType, description="The new question."
    )

    class Arguments:
        input = StudentLearningQuestionCreateInput(required=True, description="The question.")

    class Meta:
        permission = Teacher
        error_type = ObservationError

    @classmethod
    def perform(cls, info, input):
        slq = slq_create(
            actor=info.context.user,
            area_of_focus=input.area_of_focus,
            question=input.question,
            crafted_with=optional(load_teacher, info, input.crafted_with_id, field="craftedWithId"),
            replaces=optional(load_slq, info, input.replaces_id, field="replacesId"),
        )
        return {"student_learning_question": slq}


class StudentLearningQuestionUpdateInput(graphene.InputObjectType):
    """New wording for your question; omitted fields stay."""

    slq_id = graphene.ID(required=True, description="The question to change.")
    area_of_focus = graphene.String(description="The area of interest.")
    question = graphene.String(description="The question.")
    crafted_with_id = graphene.ID(description="The peer (Person) who helped craft it.")


class StudentLearningQuestionUpdate(BaseMutation):
    """Edit your Student Learning Question. Reflection sheets keep the wording they had."""

    student_learning_question = graphene.Field(
        StudentLearningQuestionType, description="The changed question."
    )

    class Arguments:
        input = StudentLearningQuestionUpdateInput(required=True, description="The changes.")

    class Meta:
        permission = SignedIn
        error_type = ObservationError

    @classmethod
    def perform(cls, info, input):
        crafted_with = (
            load_teacher(info, input.crafted_with_id, field="craftedWithId")
            if input.crafted_with_id
            else UNSET
        )
        slq = slq_update(
            actor=info.context.user,
            slq=load_slq(info, input.slq_id),
            area_of_focus=input.area_of_focus,
            question=input.question,
            crafted_with=crafted_with,
        )
        return {"student_learning_question": slq}
