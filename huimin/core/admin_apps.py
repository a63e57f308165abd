from django.contrib.admin.apps import AdminConfig


class HuiminAdminConfig(AdminConfig):
    """The admin, on Huimin's site (core/admin_site.py), so that every change made there is audited."""

    default_site = "huimin.core.admin_site.HuiminAdminSite"
