"""The default world: an online shop's order flow.

The rhythm is Command -> Event -> Command -> Event. Checkout asks Order to PlaceOrder; Order
records the fact OrderPlaced; Order, acting as the process manager of the flow, reacts to that fact
by asking Payment to ProcessPayment; Payment records PaymentCompleted; Order asks Fulfillment to
ShipOrder; Fulfillment records OrderShipped. Everyone else only listens. Loyalty has rules but no
subscription: it is the consumer added later without touching a single producer.

When a command is refused or its sender gives up, the flow does not erase anything: it records
what happened next as new events (OrderCancelled, and PaymentRefunded when money had been taken).
"""

from __future__ import annotations

from typing import Any

ORDER_FLOW: dict[str, Any] = {
    "name": "order-flow",
    "latency_ms": 10,
    "jitter_ms": 4,
    "work_ms": 20,
    "slow_extra_ms": 2000,
    "max_attempts": 5,
    "retry_backoff_ms": 100,
    "default_sender": "Checkout",
    "default_topic": "custom-events",
    "services": {
        "Checkout": {"about": "the customer's side of the shop; places orders"},
        "Order": {"about": "owns orders; runs the order process"},
        "Payment": {"about": "charges and refunds cards"},
        "Fulfillment": {"about": "packs and ships parcels"},
        "Email": {"about": "writes to the customer"},
        "Inventory": {"about": "reserves and releases stock"},
        "Analytics": {"about": "counts everything"},
        "Fraud": {"about": "screens new orders"},
        "Accounting": {"about": "keeps the ledger"},
        "Customer App": {"about": "shows the customer what is happening"},
        "Loyalty": {"about": "awards points; joins later"},
    },
    "topics": {
        "order-events": ["Order", "Email", "Inventory", "Analytics", "Fraud"],
        "payment-events": ["Order", "Email", "Accounting", "Analytics"],
        "fulfillment-events": ["Email", "Analytics", "Customer App"],
        "custom-events": [],
    },
    "events": {
        "OrderPlaced": {"topic": "order-events", "publisher": "Order"},
        "OrderCancelled": {"topic": "order-events", "publisher": "Order"},
        "PaymentCompleted": {"topic": "payment-events", "publisher": "Payment"},
        "PaymentRefunded": {"topic": "payment-events", "publisher": "Payment"},
        "PaymentDeclined": {"topic": "payment-events", "publisher": "Payment"},
        "OrderShipped": {"topic": "fulfillment-events", "publisher": "Fulfillment"},
    },
    "commands": {
        "PlaceOrder": {
            "handler": "Order",
            "payload": {"customer": "ada", "amount": 120},
            # Checked before any rule of Order's: a malformed request is refused as such.
            "requires": {"customer": "text", "amount": "positive_number"},
        },
        "ProcessPayment": {"handler": "Payment"},
        "RefundPayment": {"handler": "Payment"},
        "ShipOrder": {"handler": "Fulfillment"},
    },
    "funds": {"ada": 500},
    "rules": [
        # Command handlers: the capability providers.
        {
            "service": "Order",
            "on": "PlaceOrder",
            "effects": {"orders_created": 1},
            "result": {"field": "order_id", "prefix": "ord"},
            "then": [{"publish": "OrderPlaced"}],
        },
        {
            "service": "Payment",
            "on": "ProcessPayment",
            "reject_if": "insufficient_funds",
            "funds": "charge",
            "effects": {"cards_charged": 1},
            "result": {"field": "payment_id", "prefix": "pay"},
            "then": [{"publish": "PaymentCompleted"}],
            # A refusal is news too: whoever keeps figures hears that a card was declined.
            "on_reject": [{"publish": "PaymentDeclined"}],
        },
        {
            "service": "Payment",
            "on": "RefundPayment",
            "funds": "refund",
            "effects": {"refunds_issued": 1},
            "then": [{"publish": "PaymentRefunded"}],
        },
        {
            "service": "Fulfillment",
            "on": "ShipOrder",
            "effects": {"parcels_shipped": 1},
            "result": {"field": "shipment_id", "prefix": "shp"},
            "then": [{"publish": "OrderShipped"}],
        },
        # The process manager: Order turns facts into the next request.
        {"service": "Order", "on": "OrderPlaced", "then": [{"send": "ProcessPayment"}]},
        {
            "service": "Order",
            "on": "PaymentCompleted",
            "then": [{"send": "ShipOrder"}],
            # Money arrived for an order that was already cancelled: give it back.
            "if_status": {"cancelled": [{"send": "RefundPayment"}]},
        },
        # Subscribers: each reacts in its own way and none is known to the publisher.
        {"service": "Email", "on": "OrderPlaced", "effects": {"emails_sent": 1}},
        {"service": "Email", "on": "PaymentCompleted", "effects": {"emails_sent": 1}},
        {"service": "Email", "on": "PaymentRefunded", "effects": {"emails_sent": 1}},
        {"service": "Email", "on": "OrderCancelled", "effects": {"emails_sent": 1}},
        {"service": "Email", "on": "OrderShipped", "effects": {"emails_sent": 1}},
        {"service": "Inventory", "on": "OrderPlaced", "effects": {"items_reserved": 1}},
        {"service": "Inventory", "on": "OrderCancelled", "effects": {"items_released": 1}},
        {"service": "Analytics", "on": "*", "effects": {"events_counted": 1}},
        {"service": "Fraud", "on": "OrderPlaced", "effects": {"orders_screened": 1}},
        {"service": "Accounting", "on": "PaymentCompleted", "effects": {"ledger_entries": 1}},
        {"service": "Accounting", "on": "PaymentRefunded", "effects": {"ledger_entries": 1}},
        {"service": "Accounting", "on": "PaymentDeclined", "effects": {"declines_noted": 1}},
        {"service": "Customer App", "on": "*", "effects": {"notifications_shown": 1}},
        {"service": "Loyalty", "on": "OrderPlaced", "effects": {"points_awarded": 1}},
    ],
    "default_policy": {"timeout_ms": 500, "retries": 0, "backoff_ms": 200},
    "policies": {
        "Checkout": {"PlaceOrder": {"timeout_ms": 500, "retries": 1, "backoff_ms": 200}},
        "Order": {
            "ProcessPayment": {
                "timeout_ms": 500,
                "retries": 1,
                "backoff_ms": 200,
                "on_give_up": [{"publish": "OrderCancelled"}],
            },
            "ShipOrder": {
                "timeout_ms": 500,
                "retries": 2,
                "backoff_ms": 200,
                "on_give_up": [{"publish": "OrderCancelled"}, {"send": "RefundPayment"}],
            },
            "RefundPayment": {"timeout_ms": 1000, "retries": 3, "backoff_ms": 500},
        },
    },
    "replies": [
        {
            "service": "Order",
            "command": "ProcessPayment",
            "outcome": "rejected",
            "then": [{"publish": "OrderCancelled"}],
        },
        {
            "service": "Order",
            "command": "ShipOrder",
            "outcome": "rejected",
            "then": [{"publish": "OrderCancelled"}, {"send": "RefundPayment"}],
        },
    ],
    "projection": {
        "key": "order_id",
        "transitions": {
            "OrderPlaced": {"from": [""], "to": "placed"},
            "PaymentCompleted": {"from": ["placed"], "to": "paid"},
            "OrderShipped": {"from": ["paid"], "to": "shipped"},
            "OrderCancelled": {"from": ["placed", "paid"], "to": "cancelled"},
            "PaymentRefunded": {"from": ["cancelled"], "to": "refunded"},
        },
    },
}
