# The roles' permissions on policy applications and financing introductions (issue 16).
# Incubator staff record and change them (through the services); fund managers and viewers
# read them; founders read their own startup's (the API's scope).

from django.contrib.auth.management import create_permissions
from django.db import migrations

READ = ["view_policyapplication", "view_financingintroduction"]
GRANTS = {
    "founders": READ,
    "incubator-staff": [*READ, "add_policyapplication", "change_policyapplication",
                        "add_financingintroduction", "change_financingintroduction"],
    "fund-managers": READ,
    "viewers": READ,
}


def grant(apps, schema_editor):
    config = apps.get_app_config("portfolio")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in GRANTS.items():
        group, _ = Group.objects.get_or_create(name=role)
        perms = Permission.objects.filter(
            content_type__app_label="portfolio", codename__in=codenames
        )
        missing = set(codenames) - set(perms.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Missing permissions for {role}: {sorted(missing)}")
        group.permissions.add(*perms)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in GRANTS.items():
        group = Group.objects.filter(name=role).first()
        if group is not None:
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="portfolio", codename__in=codenames
                )
            )


class Migration(migrations.Migration):

    dependencies = [
        ("portfolio", "0027_grad_permissions"),
    ]

    operations = [
        migrations.RunPython(grant, revoke),
    ]
