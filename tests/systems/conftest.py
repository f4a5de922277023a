import pytest

from tests.systems.helpers import read


@pytest.fixture
def document_text():
    return read


REPLY_DOCUMENT = """
asyncapi: 3.0.0
info: {title: Payments, version: 1.0.0}
channels:
  payments:
    address: payments.requests
    messages:
      ChargeCard: {$ref: '#/components/messages/ChargeCard'}
  payment-results:
    address: null
    messages:
      CardCharged: {$ref: '#/components/messages/CardCharged'}
      RefundCard: {$ref: '#/components/messages/RefundCard'}
operations:
  chargeCard:
    action: receive
    channel: {$ref: '#/channels/payments'}
    messages: [{$ref: '#/channels/payments/messages/ChargeCard'}]
    reply:
      channel: {$ref: '#/channels/payment-results'}
      messages:
        - {$ref: '#/channels/payment-results/messages/CardCharged'}
        - {$ref: '#/channels/payment-results/messages/RefundCard'}
components:
  messages:
    ChargeCard: {payload: {type: object}}
    CardCharged: {payload: {type: object}}
    RefundCard: {payload: {type: object}}
"""


@pytest.fixture
def reply_document():
    return REPLY_DOCUMENT
