"""Mutations of the credentials app, one module per subject."""

import graphene

from .consent import ConsentDecline, ConsentGrant, ConsentRevoke
from .evidence import (
    EvidenceAttest,
    EvidenceChoiceSelect,
    EvidenceItemAdd,
    EvidenceItemConfirm,
    EvidenceItemRemove,
    EvidenceListSave,
    EvidenceTextSave,
)
from .packets import PacketSubmit
from .pursuits import PursuitStart, PursuitWithdraw


class CredentialMutationFields(graphene.ObjectType):
    pursuit_start = PursuitStart.Field(description=PursuitStart.__doc__)
    pursuit_withdraw = PursuitWithdraw.Field(description=PursuitWithdraw.__doc__)
    evidence_item_add = EvidenceItemAdd.Field(description=EvidenceItemAdd.__doc__)
    evidence_item_remove = EvidenceItemRemove.Field(description=EvidenceItemRemove.__doc__)
    evidence_text_save = EvidenceTextSave.Field(description=EvidenceTextSave.__doc__)
    evidence_choice_select = EvidenceChoiceSelect.Field(description=EvidenceChoiceSelect.__doc__)
    evidence_list_save = EvidenceListSave.Field(description=EvidenceListSave.__doc__)
    evidence_attest = EvidenceAttest.Field(description=EvidenceAttest.__doc__)
    evidence_item_confirm = EvidenceItemConfirm.Field(description=EvidenceItemConfirm.__doc__)
    consent_grant = ConsentGrant.Field(description=ConsentGrant.__doc__)
    consent_decline = ConsentDecline.Field(description=ConsentDecline.__doc__)
    consent_revoke = ConsentRevoke.Field(description=ConsentRevoke.__doc__)
    packet_submit = PacketSubmit.Field(description=PacketSubmit.__doc__)
