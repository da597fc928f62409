"""What accounts tells the apps above it, so that it never imports them.

`session_ended(sender=AccessToken, access_token=token)`: a session is being signed out, inside
the sign-out's transaction (a receiver's writes commit or roll back with it). Notifications
forgets the phone registered through that session (connected in NotificationsConfig.ready).
"""

from django.dispatch import Signal

session_ended = Signal()
