"""How batches are run: `local` (this process or a pool of worker processes on this machine).

Runners know nothing about what an audit does: each one feeds batches to `Auditor.audit_batch` somewhere and
gives the audits back.
"""
