"""The bytes of the `todo.task.created` event, held to what they were before issue 14 made
the add path lean (the snapshot is built by core.formats.task_shape, without jsonfmt's import
machinery; repeat and reminder code loads only for a line that asks for it). Consumers and undo
read these bytes: a plain add and one using every field must not change by a byte."""

from __future__ import annotations

import re

from core.service import TaskService

# Written by the code before the change (commit cbeabd9), the task uuid masked.
PLAIN = (
    '{"task":{"id":1,"title":"pay rent","notes":null,"status":"pending","priority":"none","ta'
    'gs":["finance"],"due":null,"recurrence":null,"reminders":[],"created":"2026-11-22T10:00:'
    '00+01:00","updated":"2026-11-22T10:00:00+01:00","completed":null,"uuid":"<uuid>","recurr'
    'ence_from":null,"kept":{},"project":null,"wait":null,"scheduled":null,"until":null,"pare'
    'nt":null,"depends":[],"blocked":false,"children":0},"changes":{},"owner":"alice","versio'
    'n":1}'
)
FULL = (
    '{"task":{"id":2,"title":"pay rent","notes":"by transfer","status":"pending","priority":"'
    'high","tags":["finance"],"due":"2026-11-27T09:00:00+01:00","recurrence":"FREQ=WEEKLY","r'
    'eminders":[{"at":"2026-11-27T08:00:00+01:00","before":"PT1H","state":"pending"}],"create'
    'd":"2026-11-22T10:00:00+01:00","updated":"2026-11-22T10:00:00+01:00","completed":null,"u'
    'uid":"<uuid>","recurrence_from":"due","kept":{},"project":"home","wait":"2026-11-26T00:0'
    '0:00+01:00","scheduled":null,"until":null,"parent":1,"depends":[],"blocked":false,"child'
    'ren":0},"changes":{},"owner":"alice","version":1}'
)
LINKED = (
    '{"task":{"id":3,"title":"call mom","notes":null,"status":"pending","priority":"none","ta'
    'gs":[],"due":"2026-11-23","recurrence":null,"reminders":[{"at":"2026-11-22T17:00:00+01:0'
    '0","before":null,"state":"pending"}],"created":"2026-11-22T10:00:00+01:00","updated":"20'
    '26-11-22T10:00:00+01:00","completed":null,"uuid":"<uuid>","recurrence_from":null,"kept":'
    '{},"project":null,"wait":null,"scheduled":null,"until":"2027-01-01T00:00:00+01:00","pare'
    'nt":null,"depends":[1],"blocked":true,"children":0},"changes":{},"owner":"alice","versio'
    'n":1}'
)


def _created_events(svc: TaskService) -> list[str]:
    with svc.store.read() as db:
        rows = db.all("SELECT data FROM outbox WHERE type = 'todo.task.created' ORDER BY seq")
    return [re.sub(r'"uuid":"[0-9a-f-]{36}"', '"uuid":"<uuid>"', str(data)) for (data,) in rows]


def test_created_events_keep_their_bytes(svc: TaskService) -> None:
    svc.add_text("pay rent #finance")
    svc.add_text("pay  rent fri at 9am every week remind me 1h before #finance !high "
                 "project:home wait:thu", notes="by transfer", parent=1)
    svc.add_text("call mom tomorrow", remind=["at 5pm"], depends=[1], until="dec 31")
    assert _created_events(svc) == [PLAIN, FULL, LINKED]


def test_only_a_repeating_task_gets_a_series(svc: TaskService) -> None:
    # A plain add writes no series bookkeeping (it builds no Series at all); a repeating one
    # starts its series at its first due, in the user's zone.
    svc.add_text("pay rent")
    svc.add_text("water plants every day at 9am")
    with svc.store.read() as db:
        rows = db.all("SELECT series_id IS NULL, occurrence, recur_start, zone FROM task "
                      "ORDER BY id")
    assert [tuple(row) for row in rows] == [
        (True, None, None, None),
        (False, "2026-11-23T08:00:00Z", "2026-11-23T09:00:00+01:00", "Europe/Berlin"),
    ]
