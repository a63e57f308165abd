from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "huimin.core"
    label = "core"
    verbose_name = "Huimin core"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from huimin.core.db_roles import grant_app_role_after_migrate
        from huimin.core.roles import sync_roles_after_migrate

        # After every app, not just core: the later apps create the permissions the roles need.
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="huimin_sync_roles")
        post_migrate.connect(grant_app_role_after_migrate, dispatch_uid="huimin_grant_app_role")
