"""The roles, as Django groups, and the permissions each one holds.

`sync_roles` is run by a data migration, so every database has the groups;
change a role here and add a migration that runs it again.

HR admins, attendance managers and viewers work on the organisation (or on the
departments they are limited to). An Employee sees only their own team: themselves,
and if people report to them (which makes them a Manager), everyone below them in the
reporting lines. Manager is not a group: it follows the reporting lines (people.access).
A Kiosk account is the office's shared device where employees clock in with their code
and PIN: it may use the kiosk page and nothing else (accounts.middleware.KioskMiddleware),
and sees nobody's records.
"""

HR_ADMIN = "HR admin"
ATTENDANCE_MANAGER = "Attendance manager"
VIEWER = "Viewer"
EMPLOYEE = "Employee"
KIOSK = "Kiosk"
# The roles that see beyond their own team. A user with one of them and Employee too
# (an HR admin who has an account as an employee) sees what the wider role sees.
ORGANISATION_ROLES = (HR_ADMIN, ATTENDANCE_MANAGER, VIEWER)

READ = [
    "employees.view_employee",
    "employees.view_department",
    "attendance.view_attendancerecord",
    "attendance.view_holiday",
]

ROLES = {
    HR_ADMIN: [
        *READ,
        *(
            f"{app}.{action}_{model}"
            for app, model in (
                ("employees", "employee"),
                ("employees", "department"),
                ("attendance", "attendancerecord"),
                ("attendance", "holiday"),
                ("timeclock", "workpattern"),
                ("timeclock", "workpatternday"),
                ("timeclock", "patternassignment"),
                ("timeclock", "departmentpattern"),
                ("leave", "leavetype"),
                ("leave", "entitlement"),
            )
            for action in ("add", "change", "delete", "view")
        ),
        "timeclock.view_punch",
        "timeclock.import_punch",
        # Removing an employee's kiosk PIN (they set their own; nobody reads it).
        "timeclock.view_kioskpin",
        "timeclock.delete_kioskpin",
        "employees.export_employee",
        "attendance.export_attendancerecord",
        "employees.import_employee",
        "employees.invite_employee",
        "attendance.import_attendancerecord",
        "auditlog.view_logentry",
        "api.manage_apitoken",
        "jobs.view_job",
        "jobs.change_job",
        # Requests: deciding any in their scope, at any stage; how each kind is routed.
        "approvals.decide_request",
        "approvals.view_request",
        "approvals.view_route",
        "approvals.change_route",
        "leave.view_leave",
        # Closing a month for payroll (and reopening it, with a reason), and its export.
        "attendance.close_month",
        "attendance.view_closedmonth",
    ],
    ATTENDANCE_MANAGER: [
        *READ,
        "attendance.add_attendancerecord",
        "attendance.change_attendancerecord",
        "attendance.delete_attendancerecord",
        "attendance.export_attendancerecord",
    ],
    VIEWER: READ,
    # Read, narrowed to their own team (accounts.scoping): their own record and attendance,
    # and their reports'. Not the departments list, nor anyone else.
    EMPLOYEE: [
        "employees.view_employee",
        "attendance.view_attendancerecord",
        "attendance.view_holiday",
    ],
    KIOSK: ["timeclock.use_kiosk"],
}


def sees_own_team_only(roles: set[str]) -> bool:
    """Whether a user holding these roles (group names) sees only their own team."""
    return EMPLOYEE in roles and not roles.intersection(ORGANISATION_ROLES)


def is_kiosk_only(roles: set[str]) -> bool:
    """Whether a user holding these roles (group names) is a kiosk and nothing else."""
    return KIOSK in roles and not roles - {KIOSK}


def sync_roles(apps) -> None:
    """Create the role groups and give each exactly its permissions."""
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrating; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".")
            wanted.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)
