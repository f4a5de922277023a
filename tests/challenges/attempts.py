"""A plausible wrong attempt at every level, and words of the goal's part it must leave unmet.

Shared by the engine's level tests and the browser tests, so that every level is shown failing
for a reason a newcomer would meet.
"""

PLACE = {"action": "send", "name": "PlaceOrder", "payload": {"customer": "ada", "amount": 10}}

WRONG = {
    "one-fact-four-reactions": ([PLACE], "You asked nobody for anything"),
    "ask-for-an-answer": (
        [{"action": "publish", "name": "OrderPlaced", "from": "Checkout"}],
        "Checkout received an answer",
    ),
    "only-an-event-will-do": (
        [{"action": "send", "name": "ProcessPayment", "from": "Payment"}],
        "Email, Accounting and Analytics",
    ),
    "only-a-command-will-do": (
        [{"action": "publish", "name": "ProcessPayment", "from": "Checkout"}],
        "Checkout heard back",
    ),
    "email-is-away": ([PLACE], "all three emails"),
    "delivered-twice-charged-once": ([PLACE], "charged exactly once"),
    "undo-without-erasing": (
        [{"action": "publish", "name": "OrderCancelled", "from": "Order"}],
        "her 500 back",
    ),
    "the-latecomer": ([{"action": "subscribe", "service": "Loyalty"}], "both orders"),
    "rebuild-the-ledger": ([{"action": "replay_commands"}], "Nobody was charged again"),
    "nine-payments-three-instances": ([PLACE] * 9, "shared out"),
    "payment-comes-back": (
        [{"action": "set_online", "service": "Payment", "online": True}],
        "at most once",
    ),
    "no-more-smell": (
        [{"action": "publish", "name": "SendConfirmationEmail", "from": "Order"}],
        "No naming smell",
    ),
    "turned-back-at-the-door": (
        [{"action": "send", "name": "PlaceOrder", "payload": {"customer": "ada", "amount": 120}}],
        "invalid data",
    ),
    "a-refusal-is-news": (
        [{"action": "publish", "name": "OrderCancelled", "from": "Order"}],
        "announced PaymentDeclined",
    ),
    "a-second-email-instance": ([PLACE, PLACE], "Both Email instances"),
    "a-crash-stays-in-its-lane": (
        [{"action": "set_online", "service": "Fraud", "online": False}],
        "The order was shipped",
    ),
}
