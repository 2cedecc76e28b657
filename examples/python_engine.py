#!/usr/bin/env python3
"""A rule engine in Python speaking seqsim's decision protocol (seqsim-decision/1 or /2) over JSON
lines: one batch a line on standard input, one answer message a line on standard output.

    seqsim harness --engine 'python3 examples/python_engine.py'
    seqsim harness --engine 'python3 examples/python_engine.py --planted-bug'

With --planted-bug it ignores UNSUBSCRIBED_PERSONAL for attempts from a CRM bulk enrollment
(source crm_bulk): the harness must report exactly the attempts that this gets wrong.
"""

import json
import sys


def holds(code, request):
    """Whether the check named `code` fails for `request`."""
    contact = request["contact"]
    address = request["address"] or {}
    sender = request["sender"]
    enrollment = request["enrollment"]
    facts = {
        "MISSING_EMAIL_ADDRESS": not contact["has_address"],
        "NO_CONNECTED_INBOX": not sender["inbox_connected"],
        "CANNOT_COMMUNICATE": contact["cannot_communicate"],
        "SEAT_NOT_ELIGIBLE": sender["seat"] not in ("professional", "enterprise"),
        "SEQUENCES_DAILY_LIMIT_REACHED": sender["sequences_daily_limit_full"],
        "BLOCKED_ADDRESS": address.get("blocked_address", False),
        "BLOCKED_DOMAIN": address.get("blocked_domain", False),
        "BOUNCED": contact["bounced"],
        "RECIPIENT_PREVIOUSLY_BOUNCED_ON_PORTAL": contact["bounced_on_portal"],
        "RECIPIENT_PREVIOUSLY_BOUNCED_GLOBALLY": address.get("bounced_on_another_account", False),
        "PREVIOUSLY_MARKED_AS_SPAM": contact["marked_as_spam"],
        "OTHER_SEND_REJECTED": enrollment["provider_rejected_in_sequence"],
        "UNSUBSCRIBED": contact["unsubscribed"],
        "UNSUBSCRIBED_PERSONAL": contact["unsubscribed_from_type"],
        "ALREADY_ENROLLED": enrollment["already_enrolled"],
    }
    if code in facts:
        return facts[code]
    return code in request["guards"]


def decide(order, request, planted_bug=False):
    """The first failing check of `order`, or ENROLLED."""
    for code in order:
        if planted_bug and code == "UNSUBSCRIBED_PERSONAL" and request["source"] == "crm_bulk":
            continue
        if holds(code, request):
            return code
    return "ENROLLED"


def answer(batch, planted_bug=False):
    """The answer message to one batch."""
    # Version 2 adds the variables of CEL checks, which this engine does not read: it decides
    # by the order and the guards each request lists, as in version 1.
    if batch.get("protocol") not in ("seqsim-decision/1", "seqsim-decision/2"):
        raise ValueError("unknown protocol %r" % batch.get("protocol"))
    order = batch["rules"]["order"]
    return {
        "answers": [
            {"id": r["id"], "decision": decide(order, r, planted_bug)}
            for r in batch["requests"]
        ]
    }


def main():
    planted_bug = "--planted-bug" in sys.argv[1:]
    for line in sys.stdin:
        sys.stdout.write(json.dumps(answer(json.loads(line), planted_bug)) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
