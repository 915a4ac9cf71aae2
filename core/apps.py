from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The shared kernel: helpers every app uses. It imports no app of ours."""

    name = "core"
    verbose_name = "HRMS Lite"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import note_sign_in

        user_logged_in.connect(note_sign_in, dispatch_uid="hrms-note-sign-in")
