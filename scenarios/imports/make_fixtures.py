#!/usr/bin/env python3
"""Writes the example exports of this folder (made up by seqsim, not copied from any account):
a contacts export of 400 records of a portal called Acme, its 12 users and 2 sequences, in
HubSpot's column and field names (docs/import.md). Deterministic: run it again, get the same
files. Run from this folder: python3 make_fixtures.py"""

import csv
import json
import random

rng = random.Random(20261207)
FIRST = ["Ada", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jo", "Kai", "Lea"]
LAST = ["Archer", "Brook", "Castle", "Dale", "Ennis", "Frost", "Grove", "Hale", "Irwin", "Joyce"]
COMPANIES = ["northwind", "contoso", "fabrikam", "tailspin", "litware", "adatum", "woodgrove"]
STAGES = ["Lead", "Marketing Qualified Lead", "Sales Qualified Lead", "Opportunity", "Customer", "Subscriber"]

users = []
for i in range(12):
    seat = "Sales Hub Professional" if i < 9 else ("Sales Hub Enterprise" if i < 11 else "Sales Hub Starter")
    inbox = "google_workspace" if i < 7 else ("microsoft_365" if i < 11 else "none")
    users.append({
        "User ID": str(5100 + i), "First Name": FIRST[i], "Last Name": LAST[i % len(LAST)],
        "Email": f"{FIRST[i].lower()}@acme.example", "Owner ID": str(880000 + i),
        "Seat": seat, "Inbox provider": inbox,
    })
with open("acme-users.csv", "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=list(users[0]))
    w.writeheader()
    w.writerows(users)

HEADER = ["Record ID", "First Name", "Last Name", "Email", "Contact owner", "Lifecycle Stage",
          "Unsubscribed from all email", "Opted out of email: One to One", "Email hard bounce reason",
          "Invalid email address", "Email Address Quarantined", "Currently in Sequence", "Marked as spam"]
rows = []
emails = []
for i in range(400):
    first, last = rng.choice(FIRST), rng.choice(LAST)
    r = rng.random()
    if r < 0.3:
        domain = "gmail.com"
    elif r < 0.45:
        domain = "outlook.com"
    else:
        domain = rng.choice(COMPANIES) + ".example"
    email = f"{first.lower()}.{last.lower()}{i}@{domain}"
    if emails and rng.random() < 0.02:
        email = rng.choice(emails)  # a duplicate record of an earlier address
    if rng.random() < 0.015:
        email = ""
    emails.append(email) if email else None
    yes = lambda p: "true" if rng.random() < p else "false"
    rows.append([str(30100 + i), first, last, email, str(880000 + rng.randrange(11)), rng.choice(STAGES),
                 yes(0.04), yes(0.03), "HARD_BOUNCE" if rng.random() < 0.02 else "", yes(0.03),
                 yes(0.01), yes(0.05), yes(0.01)])
with open("acme-contacts.csv", "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(HEADER)
    w.writerows(rows)

DAY = 86_400_000
def step(order, delay_days, action, task_type=None):
    s = {"id": f"st-{order}", "stepOrder": order, "delayMillis": delay_days * DAY, "actionType": action,
         "createdAt": "2026-01-05T09:00:00Z", "updatedAt": "2026-01-05T09:00:00Z"}
    if task_type:
        s["taskPattern"] = {"id": f"tp-{order}", "taskType": task_type, "taskPriority": "MEDIUM",
                            "createdAt": "2026-01-05T09:00:00Z", "updatedAt": "2026-01-05T09:00:00Z"}
    return s
sequences = {"results": [
    {"id": "9001", "name": "Acme outbound", "userId": "5100", "dependencies": [],
     "createdAt": "2026-01-05T09:00:00Z", "updatedAt": "2026-01-05T09:00:00Z",
     "steps": [step(0, 0, "EMAIL"), step(1, 2, "EMAIL"), step(2, 1, "TASK", "CALL"), step(3, 3, "EMAIL"),
               step(4, 0, "FINISH_ENROLLMENT")],
     "settings": {"id": "set-9001", "eligibleFollowUpDays": "BUSINESS_DAYS", "sendWindowStartMinute": 480,
                  "sendWindowEndMinute": 1050, "createdAt": "2026-01-05T09:00:00Z", "updatedAt": "2026-01-05T09:00:00Z"}},
    {"id": "9002", "name": "Acme follow-up", "userId": "5100", "dependencies": [],
     "createdAt": "2026-01-05T09:00:00Z", "updatedAt": "2026-01-05T09:00:00Z",
     "steps": [step(0, 0, "EMAIL"), step(1, 3, "TASK", "EMAIL")]},
]}
with open("acme-sequences.json", "w") as f:
    json.dump(sequences, f, indent=2)
    f.write("\n")
