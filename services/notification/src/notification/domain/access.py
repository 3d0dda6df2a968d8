"""Who may do what in notification: the role sets the routes' coarse checks and the use
cases' scope checks share."""

from __future__ import annotations

# Who may send notifications to their community, read its deliveries, manage its
# speakers and screens, and set the contacts of its staff.
NOTIFICATION_ADMINS = ("platform_admin", "community_admin", "property_manager")
# Roles whose contacts an admin of their community may set (staff, not residents).
STAFF_ROLES = ("property_staff", "property_manager", "grid_worker", "community_admin", "police")
