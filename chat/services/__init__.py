"""Writes of the chat app, one module per concept, in the order a message meets them:

submission     a message is born: validated, stored as pending, acknowledged, queued
pipeline       the work on a pending message: safety check, translation, verdict
delivery       ordered finalization: the reorder buffer, sequence numbers, the broadcast
moderated      what a moderator's decision does to a message: release or retraction
translations   translations that come late: retries after an outage, backfill for a new reader
conversations  conversations, their members and each member's reading settings
profiles       profiles and bios

Reads live in chat/selectors.py; background jobs are resolved in chat/tasks.py alone.
"""
