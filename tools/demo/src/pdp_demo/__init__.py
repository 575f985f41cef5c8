"""``make demo``: a realistic Changning district, loaded into a running platform through its
public API only (CONTRACT.md, last section), so it exercises the real paths.

As the bureau client (``PDP_BOOTSTRAP_ADMIN_ID`` / ``PDP_BOOTSTRAP_ADMIN_SECRET``, the dev
defaults when unset) at ``PDP_GATEWAY_URL`` (default ``http://127.0.0.1:8000``) it registers a
dozen of the district's departments and a client for each department's system; each department
then catalogues its duties, systems and resources and submits them, the bureau publishes them,
and departments push records with valid synthetic identifiers (resident ID numbers, unified
social credit codes, phone numbers); a change obligation and an objection are opened; and the
departments send each other share requests left in every state, one of them overdue.

The demo is a list of steps (``pdp_demo.steps.STEPS``), one or more per service, each printing a
progress line. Today it covers what the catalog, the gateway, sharing and opening (an open list,
an approved application, masked data read) support; registry (an operator with an authorisation)
gets its own ``steps/registry.py`` when it lands. Every step
looks up before it creates and treats a 409 as "already there": running the demo twice leaves the
platform as one run does.
"""
