"""The worked example the designer starts from: a refund flow, with two mistakes left in.

A customer asks the support desk for their money back; Refunds is asked to refund the payment
and replies; the outcome is published for whoever cares. Two rows are deliberately wrong so the
learner sees the checks at work: ``NotifyCustomer`` is an instruction broadcast on a topic, and
``RefundApproved`` is a fact posted to one handler's queue.
"""

from __future__ import annotations

from .design import QUEUE, TOPIC, Design, Route

REFUND_FLOW = Design(
    title="Refund flow",
    application="Refunds",
    routes=[
        Route("RequestRefund", "refund-requests", QUEUE, "Support desk", ("Refunds",)),
        Route("RefundRequested", "refund-events", TOPIC, "Refunds", ("Analytics", "Fraud")),
        Route("RefundApproved", "payment-commands", QUEUE, "Refunds", ("Payment",)),
        Route(
            "PaymentRefunded", "payment-results", QUEUE, "Payment", ("Refunds",), "RefundApproved"
        ),
        Route("NotifyCustomer", "refund-events", TOPIC, "Refunds", ("Email", "Customer App")),
        Route(
            "RefundCompleted",
            "refund-events",
            TOPIC,
            "Refunds",
            ("Email", "Accounting", "Analytics"),
        ),
    ],
)

EXAMPLES = {"refund": REFUND_FLOW}
