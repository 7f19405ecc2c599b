"""Services of the privacy desk, one module per concern: intake (GDPR-2, -3), verification
(GDPR-4), deadlines and decisions (GDPR-5), consents and restriction (GDPR-6, -9), export and
erasure (GDPR-6). Every change writes its audit row in the same transaction (GDPR-8, privacy/audit.py);
nothing is disclosed, exported or erased before the requester's identity is verified (GDPR-4) —
`require_verified` guards each of those services, whatever view or job calls them."""
