"""Asking, approving, rejecting, cancelling and revoking requests: every rule of who may
do what, and when, lives here.

- Anyone may ask for themselves; a manager for someone in their team; HR for anyone in
  their scope (the views check the scope: someone outside it does not exist for them).
- A request waits for the employee's manager (passed over when away on leave or without
  an account, for the next one up), then for HR if its kind's route says so. HR (the
  `approvals.decide_request` permission) may decide at any stage.
- Nobody decides their own request. A request is decided once: the decision and a
  cancellation made at the same moment are taken one after the other (the row is
  locked), and the second is refused.
- Approval applies the request through the same services as HR's own edits: leave's days
  become attendance (leave.services), a correction marks the days (attendance.services)
  and adds its punches as entries of source "correction" (timeclock.services).
"""

import datetime
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.scoping import Scope
from attendance.models import Status as AttendanceStatus
from attendance.models import closures_between
from attendance.services import MarkRange, attendance_check, attendance_mark_ranges
from core.db import save_validated, update_many
from core.formats import format_day
from employees.models import Employee
from leave.models import Leave, LeaveType
from leave.selectors import on_leave_on
from leave.services import leave_request, leaves_approve, leaves_release
from notifications.models import Kind as NotificationKind
from notifications.services import Message, notify
from timeclock.models import Direction
from timeclock.models import Source as PunchSource
from timeclock.services import PunchEntry, punches_enter, punches_void

from .models import Event, Kind, Request, Route
from .selectors import hr_approvers

Action = Event.Action
MAX_CORRECTION_DAYS = 31


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why: the approver reads it."}, code="reason")
    return reason[:500]


def _check_employed(employee: Employee) -> None:
    if not employee.is_active or (
        employee.date_left is not None and employee.date_left < timezone.localdate()
    ):
        raise ValidationError(f"{employee} no longer works here.", code="not_employed")


@transaction.atomic
def request_leave(
    *,
    employee: Employee,
    leave_type: LeaveType,
    start: datetime.date,
    end: datetime.date,
    part: str = Leave.Part.FULL,
    reason: str,
    by,
) -> Request:
    """Ask for leave for `employee` (by them, their manager or HR). It holds its days of
    the balance while it waits; a type that needs no approval is approved at once."""
    reason = _reason(reason)
    _check_employed(employee)
    leave = leave_request(
        employee=employee, leave_type=leave_type, start=start, end=end, part=part, by=by
    )
    request = Request(
        kind=Kind.LEAVE,
        employee=employee,
        requested_by=by,
        start=start,
        end=end,
        reason=reason,
        leave=leave,
    )
    if not leave_type.needs_approval:
        request.status, request.decided_at = Request.Status.APPROVED, timezone.now()
        save_validated(request)
        Event.objects.create(request=request, action=Action.SUBMITTED, by=by, comment=reason)
        Event.objects.create(
            request=request,
            action=Action.APPROVED,
            comment=f"{leave_type} needs no approval.",
        )
        leaves_approve(leaves=[leave], note=reason, by=by)
        return request
    return _submit(request, by)


@transaction.atomic
def request_correction(
    *,
    employee: Employee,
    start: datetime.date,
    end: datetime.date,
    set_status: str = "",
    check_in: datetime.time | None = None,
    check_out: datetime.time | None = None,
    reason: str,
    by,
) -> Request:
    """Ask to correct `employee`'s attendance from `start` to `end`: set a status on each
    working day, and/or add a check-in and a check-out on each day. Only days that have
    come, of employment, in open months."""
    reason = _reason(reason)
    if end < start:
        raise ValidationError({"end": "The last day cannot be before the first day."})
    if (end - start).days + 1 > MAX_CORRECTION_DAYS:
        raise ValidationError({"end": f"Ask for at most {MAX_CORRECTION_DAYS} days at once."})
    if set_status and set_status not in AttendanceStatus.values:
        raise ValidationError({"set_status": "Choose one of the statuses."})
    if not set_status and check_in is None and check_out is None:
        raise ValidationError(
            "Say what to change: a status, a check-in or a check-out.", code="nothing"
        )
    if check_in and check_out and check_out <= check_in:
        raise ValidationError({"check_out": "The check-out must be after the check-in."})
    closures = closures_between(start, end)
    for field_name, day in (("start", start), ("end", end)):
        try:
            attendance_check(employee=employee, day=day, closures=closures)
        except ValidationError as error:
            raise ValidationError({field_name: error.error_list}) from None
    for day in _days(start, end):
        closures.check(employee, day)
    for entry in _punch_entries(employee, start, end, check_in, check_out, uuid.uuid4()):
        if entry.at > timezone.now():
            raise ValidationError(
                {
                    "check_out" if entry.direction == Direction.OUT else "check_in": (
                        f"{format_day(entry.at.date())} at that time has not come yet."
                    )
                }
            )
    clash = Request.objects.filter(
        employee=employee,
        kind=Kind.CORRECTION,
        status=Request.Status.PENDING,
        start__lte=end,
        end__gte=start,
    ).first()
    if clash is not None:
        raise ValidationError(
            f"A correction of {employee}'s {clash.period} is already waiting for approval. "
            "Cancel it, or wait for its decision, before asking again.",
            code="overlap",
        )
    request = Request(
        kind=Kind.CORRECTION,
        employee=employee,
        requested_by=by,
        start=start,
        end=end,
        reason=reason,
        set_status=set_status,
        check_in=check_in,
        check_out=check_out,
    )
    return _submit(request, by)


def _days(start: datetime.date, end: datetime.date):
    return (start + datetime.timedelta(days=n) for n in range((end - start).days + 1))


def _punch_entries(employee, start, end, check_in, check_out, request_id) -> list[PunchEntry]:
    """The punches a correction adds: on each day, in the organisation's time zone. Their
    keys come from the request, so approving twice adds nothing and revoking finds them."""
    zone = timezone.get_current_timezone()
    entries = []
    for day in _days(start, end):
        for direction, time in ((Direction.IN, check_in), (Direction.OUT, check_out)):
            if time is not None:
                entries.append(
                    PunchEntry(
                        employee=employee,
                        at=datetime.datetime.combine(day, time, tzinfo=zone),
                        direction=direction,
                        key=uuid.uuid5(request_id, f"{day.isoformat()} {direction}"),
                    )
                )
    return entries


def _submit(request: Request, by) -> Request:
    """Save a new request on its way to the first approver, with its timeline's first
    steps, and tell the approver."""
    request.status, request.stage = Request.Status.PENDING, Request.Stage.MANAGER
    skipped = _route_to_manager(request, request.employee.manager)
    save_validated(request)
    events = [Event(request=request, action=Action.SUBMITTED, by=by, comment=request.reason)]
    events += [Event(request=request, action=Action.SKIPPED, comment=why) for why in skipped]
    Event.objects.bulk_create(events)
    _tell_approvers([request])
    return request


def _route_to_manager(request: Request, manager: Employee | None) -> list[str]:
    """Send `request` to `manager`, or up the line past those who cannot decide it now
    (away on leave today, no account, gone); to HR when nobody is left. Says who was
    passed over, and why."""
    skipped = []
    today = timezone.localdate()
    seen = set()
    while manager is not None and manager.pk not in seen:
        seen.add(manager.pk)
        if manager.pk == request.employee_id:
            break
        why = None
        if not manager.is_active or manager.user_id is None:
            why = f"{manager.full_name} has no account to approve with"
        elif manager.pk in on_leave_on(today, [manager.pk]):
            why = f"{manager.full_name} is on leave today"
        if why is None:
            request.stage, request.approver = Request.Stage.MANAGER, manager
            return skipped
        skipped.append(why + ": passed to the next one up.")
        manager = manager.manager
    request.stage, request.approver = Request.Stage.HR, None
    if skipped:
        skipped[-1] = skipped[-1].replace("the next one up", "HR")
    return skipped


def _tell_approvers(requests: list[Request]) -> None:
    messages = []
    hr_cache: dict = {}
    for request in requests:
        if request.stage == Request.Stage.MANAGER and request.approver is not None:
            users = [request.approver.user]
        else:
            department = request.employee.department_id
            if department not in hr_cache:
                hr_cache[department] = hr_approvers(department)
            users = hr_cache[department]
        title = f"{request.employee.full_name} asks: {request.summary}"
        for user in users:
            if user is not None and user.pk != request.employee.user_id:
                messages.append(
                    Message(
                        user=user,
                        title=title,
                        body=f"{title}\nWhy: {request.reason}",
                        url=reverse("approvals:detail", args=[request.pk]),
                    )
                )
    notify(kind=NotificationKind.REQUEST_SUBMITTED, messages=messages)


def refusal(request: Request, user, *, is_hr: bool) -> str | None:
    """Why `user` may not decide `request` now (None: they may). `is_hr`: they hold
    `approvals.decide_request` and `request`'s employee is in their scope."""
    if request.status != Request.Status.PENDING:
        return f"It is {request.get_status_display().lower()} already."
    if request.employee.user_id is not None and request.employee.user_id == user.pk:
        return "Nobody approves their own request: it waits for someone else."
    if request.requested_by_id == user.pk and not is_hr:
        return "You asked for this on their behalf, so someone else decides it."
    if is_hr:
        return None
    if request.stage == Request.Stage.MANAGER and request.approver is not None:
        if request.approver.user_id == user.pk:
            return None
        return f"It waits for {request.approver.full_name}."
    return "It waits for HR."


@dataclass
class Decided:
    done: list[Request] = field(default_factory=list)
    forwarded: list[Request] = field(default_factory=list)
    refused: dict = field(default_factory=dict)  # request -> why

    @property
    def message(self) -> str:
        parts = []
        if self.done:
            parts.append(f"{len(self.done)} decided")
        if self.forwarded:
            parts.append(f"{len(self.forwarded)} sent on to HR")
        if self.refused:
            parts.append(f"{len(self.refused)} not decided")
        return ", ".join(parts) + "."


@transaction.atomic
def requests_decide(*, ids, approve: bool, comment: str = "", by, is_hr, scope: Scope) -> Decided:
    """Approve (or reject) the requests with these ids that `by` may decide, all in one
    transaction; say why of each refused. `is_hr`: whether `by` decides as HR (holds
    `approvals.decide_request`); only requests within `scope` are decided at all.
    Rejecting needs a comment. A fixed number of queries for leave, a few per correction."""
    comment = (comment or "").strip()[:500]
    if not approve and not comment:
        raise ValidationError({"comment": "Say why they are rejected: the employee reads it."})
    rows = (
        Request.objects.select_for_update(of=("self",))
        .filter(pk__in=list(ids))
        .select_related(
            "employee",
            "employee__user",
            "approver",
            "requested_by",
            "leave",
            "leave__leave_type",
        )
    )
    rows = scope.limit(rows, "employee__department")
    result = Decided()
    routes = {route.kind: route for route in Route.objects.all()}
    decided, final = [], []
    for request in rows:
        why = refusal(request, by, is_hr=is_hr)
        if why is not None:
            result.refused[request] = why
            continue
        route = routes.get(request.kind)
        # HR's approval is the last step: only a manager's goes on to HR.
        hr_next = route is not None and route.hr_after_manager and not is_hr
        if approve and request.stage == Request.Stage.MANAGER and hr_next:
            request.stage, request.approver = Request.Stage.HR, None
            result.forwarded.append(request)
        else:
            final.append(request)
        decided.append(request)
    missing = len(set(map(str, ids))) - len(result.refused) - len(decided)
    if missing > 0:
        result.refused[None] = f"{missing} no longer exist or are not yours to see."
    if approve and final:
        closures = closures_between(min(r.start for r in final), max(r.end for r in final))
        if closures:
            for request in list(final):
                for day in _days(request.start, request.end):
                    if (c := closures.closing(request.employee.department_id, day)) is not None:
                        result.refused[request] = (
                            f"Its month ({c}) is closed: HR must reopen it first."
                        )
                        final.remove(request)
                        decided.remove(request)
                        break
    now = timezone.now()
    status = Request.Status.APPROVED if approve else Request.Status.REJECTED
    for request in final:
        request.status, request.decided_at, request.decided_by = status, now, by
    # One UPDATE each: the decided (their approvers stay as they were), the forwarded.
    update_many(final, ["status", "decided_at", "decided_by"])
    update_many(result.forwarded, ["stage", "approver"])
    leaves = []
    for request in final:
        if request.kind == Kind.LEAVE:
            request.leave.employee = request.employee  # loaded: no query per leave
            leaves.append(request.leave)
    if approve:
        leaves_approve(leaves=leaves, note=_approved_note(by), by=by)
        _apply_corrections([r for r in final if r.kind == Kind.CORRECTION], by)
    else:
        leaves_release(leaves=leaves, state=Leave.State.REJECTED, by=by)
    Event.objects.bulk_create(
        [
            Event(
                request=request,
                action=Action.FORWARDED
                if request in result.forwarded
                else (Action.APPROVED if approve else Action.REJECTED),
                by=by,
                comment=comment,
            )
            for request in decided
        ]
    )
    result.done = final
    _tell_decided(final, approve, comment, by)
    if result.forwarded:
        _tell_approvers(result.forwarded)
    return result


def _approved_note(by) -> str:
    name = getattr(by, "get_full_name", lambda: "")() or getattr(by, "username", "")
    return f"approved by {name}" if name else "approved"


def _apply_corrections(requests: list[Request], by) -> None:
    """Mark the statuses the corrections set, then add their punches: all at once."""
    name = getattr(by, "username", "HR")
    attendance_mark_ranges(
        ranges=[
            MarkRange(
                employee=request.employee,
                start=request.start,
                end=request.end,
                status=request.set_status,
                note=f"Correction approved by {name}: {request.reason}"[:200],
            )
            for request in requests
            if request.set_status
        ],
        overwrite=True,
        by=by,
    )
    entries = []
    for request in requests:
        entries += _punch_entries(
            request.employee,
            request.start,
            request.end,
            request.check_in,
            request.check_out,
            request.pk,
        )
    punches_enter(entries=entries, source=PunchSource.CORRECTION, by=by)


def _tell_decided(requests: list[Request], approve: bool, comment: str, by) -> None:
    word = "approved" if approve else "rejected"
    messages = []
    for request in requests:
        for user in {request.employee.user, request.requested_by} - {None, by}:
            text = f"{request.get_kind_display()} {word}: {request.summary}"
            messages.append(
                Message(
                    user=user,
                    title=text,
                    body=text + (f"\nComment: {comment}" if comment else ""),
                    url=reverse("approvals:detail", args=[request.pk]),
                )
            )
    notify(kind=NotificationKind.REQUEST_DECIDED, messages=messages)


@transaction.atomic
def request_cancel(*, request: Request, by) -> Request:
    """The employee (or whoever asked for them) takes back a request still waiting."""
    request = (
        Request.objects.select_for_update(of=("self",))
        .select_related("employee", "leave", "leave__leave_type")
        .get(pk=request.pk)
    )
    if by.pk not in (request.employee.user_id, request.requested_by_id):
        raise ValidationError("Only who asked, or whom it is for, may cancel it.", code="not_yours")
    if request.status != Request.Status.PENDING:
        raise ValidationError(
            f"It is {request.get_status_display().lower()} already, so it cannot be cancelled.",
            code="decided",
        )
    request.status, request.decided_at, request.decided_by = (
        Request.Status.CANCELLED,
        timezone.now(),
        by,
    )
    request.save(update_fields=["status", "decided_at", "decided_by"])
    if request.leave is not None:
        request.leave.employee = request.employee
        leaves_release(leaves=[request.leave], state=Leave.State.CANCELLED, by=by)
    Event.objects.create(request=request, action=Action.CANCELLED, by=by)
    return request


@transaction.atomic
def request_revoke(*, request: Request, reason: str, by) -> Request:
    """HR takes back an approved request, saying why: leave's days go back to the balance
    and off the attendance; a correction's punches are voided (the statuses it marked
    stay, as HR's marks: change them on the attendance pages)."""
    reason = _reason(reason)
    request = (
        Request.objects.select_for_update(of=("self",))
        .select_related("employee", "employee__user", "leave", "leave__leave_type")
        .get(pk=request.pk)
    )
    if request.status != Request.Status.APPROVED:
        raise ValidationError(
            f"Only an approved request can be revoked; this one is "
            f"{request.get_status_display().lower()}.",
            code="not_approved",
        )
    closures = closures_between(request.start, request.end)
    for day in _days(request.start, request.end):
        closures.check(request.employee, day)
    if request.leave is not None:
        request.leave.employee = request.employee
        leaves_release(leaves=[request.leave], state=Leave.State.REVOKED, by=by)
    else:
        keys = [
            entry.key
            for entry in _punch_entries(
                request.employee,
                request.start,
                request.end,
                request.check_in,
                request.check_out,
                request.pk,
            )
        ]
        punches_void(keys=keys, reason=f"Correction revoked: {reason}"[:200], by=by)
    request.status, request.decided_at, request.decided_by = (
        Request.Status.REVOKED,
        timezone.now(),
        by,
    )
    request.save(update_fields=["status", "decided_at", "decided_by"])
    Event.objects.create(request=request, action=Action.REVOKED, by=by, comment=reason)
    _tell_decided_revoked(request, reason, by)
    return request


def _tell_decided_revoked(request: Request, reason: str, by) -> None:
    text = f"{request.get_kind_display()} revoked: {request.summary}"
    notify(
        kind=NotificationKind.REQUEST_DECIDED,
        messages=[
            Message(
                user=user,
                title=text,
                body=f"{text}\nWhy: {reason}",
                url=reverse("approvals:detail", args=[request.pk]),
            )
            for user in {request.employee.user, request.requested_by} - {None, by}
        ],
    )


def approval_reminders(*, older_than_days: int | None = None) -> int:
    """Remind each approver of the requests waiting for them longer than
    `older_than_days` (settings.APPROVAL_REMINDER_DAYS): one notification each."""
    days = older_than_days if older_than_days is not None else settings.APPROVAL_REMINDER_DAYS
    before = timezone.now() - datetime.timedelta(days=days)
    waiting = Request.objects.filter(
        status=Request.Status.PENDING, created_at__lt=before
    ).select_related("approver__user", "employee")
    counts: dict = {}
    for request in waiting:
        if request.stage == Request.Stage.MANAGER and request.approver is not None:
            users = [request.approver.user]
        else:
            users = hr_approvers(request.employee.department_id)
        for user in users:
            if user is not None:
                counts[user] = counts.get(user, 0) + 1
    url = reverse("approvals:inbox")
    return notify(
        kind=NotificationKind.APPROVAL_REMINDER,
        messages=[
            Message(
                user=user,
                title=f"{n} request{'s' if n != 1 else ''} waiting for you over {days} days",
                url=url,
            )
            for user, n in counts.items()
        ],
    )
