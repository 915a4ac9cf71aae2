"""The three roles, as Django groups, and the permissions each one holds.

`sync_roles` is run by a data migration, so every database has the groups;
change a role here and add a migration that runs it again.
"""

HR_ADMIN = "HR admin"
ATTENDANCE_MANAGER = "Attendance manager"
VIEWER = "Viewer"

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
            )
            for action in ("add", "change", "delete")
        ),
        "employees.export_employee",
        "attendance.export_attendancerecord",
        "employees.import_employee",
        "employees.invite_employee",
        "attendance.import_attendancerecord",
        "auditlog.view_logentry",
        "api.manage_apitoken",
        "jobs.view_job",
        "jobs.change_job",
    ],
    ATTENDANCE_MANAGER: [
        *READ,
        "attendance.add_attendancerecord",
        "attendance.change_attendancerecord",
        "attendance.delete_attendancerecord",
        "attendance.export_attendancerecord",
    ],
    VIEWER: READ,
}


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
