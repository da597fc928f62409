from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self):
        # Sign-out is accounts' (below this app): it announces it, and the phone is forgotten here.
        from backend.accounts.signals import session_ended

        from .services.devices import forget_device_at_sign_out

        session_ended.connect(forget_device_at_sign_out, dispatch_uid="notifications.sign_out")
